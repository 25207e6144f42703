import { describe, expect, it } from 'vitest';
import { executionSchema, type ExecutionDoc } from '../../../src/model/execution.ts';
import type { SyncedRow } from '../../../src/model/synced-row.ts';
import {
  ExecutionRecordBuilder,
  buildExecutionRecord,
  type ExecutionRecord,
} from '../../../src/runtime/execution-record.ts';
import type { TraceEvent } from '../../../src/runtime/trace.ts';

const trace: TraceEvent[] = [
  {
    type: 'run-started',
    at: '2026-12-04T10:00:00.000Z',
    input: { q: 'hi' },
    nodes: [
      { nodeId: 't', type: 'trigger', label: 'Start', status: 'queued' },
      { nodeId: 'l', type: 'llm', label: 'Answer', status: 'queued' },
    ],
  },
  {
    type: 'node-started',
    at: '2026-12-04T10:00:00.010Z',
    nodeId: 't',
    input: { q: 'hi' },
    attempt: 1,
  },
  {
    type: 'node-finished',
    at: '2026-12-04T10:00:00.012Z',
    nodeId: 't',
    status: 'succeeded',
    output: { q: 'hi' },
    error: null,
    usage: null,
    details: null,
  },
  {
    type: 'node-started',
    at: '2026-12-04T10:00:00.020Z',
    nodeId: 'l',
    input: { q: 'hi' },
    attempt: 1,
  },
  {
    type: 'node-retry',
    at: '2026-12-04T10:00:00.100Z',
    nodeId: 'l',
    attempt: 2,
    waitMs: 1000,
    reason: 'HTTP 429',
  },
  {
    type: 'node-started',
    at: '2026-12-04T10:00:01.100Z',
    nodeId: 'l',
    input: { q: 'hi' },
    attempt: 2,
  },
  { type: 'node-token', nodeId: 'l', text: 'Hel' },
  { type: 'node-token', nodeId: 'l', text: 'lo' },
];

describe('execution record', () => {
  it('shows the text streamed so far while a node runs, and the retry that came before', () => {
    const builder = new ExecutionRecordBuilder('ex-1', 'wf-1', 1024);
    for (const event of trace) builder.apply(event);
    const running = builder.snapshot();
    expect(running.status).toBe('running');
    expect(running.node_results['l']).toMatchObject({
      status: 'running',
      attempts: 2,
      started_at: '2026-12-04T10:00:00.020Z',
      streamed_text: 'Hello',
      retries: [{ at: '2026-12-04T10:00:00.100Z', attempt: 2, wait_ms: 1000, reason: 'HTTP 429' }],
    });
    // A snapshot is a copy: later events do not change it.
    builder.apply({ type: 'node-token', nodeId: 'l', text: '!' });
    expect(running.node_results['l']!.streamed_text).toBe('Hello');
  });

  it('folds a whole trace into the row: timings, usage, output, status', () => {
    const record = buildExecutionRecord(
      'ex-1',
      'wf-1',
      [
        ...trace,
        {
          type: 'node-finished',
          at: '2026-12-04T10:00:01.500Z',
          nodeId: 'l',
          status: 'succeeded',
          output: 'Hello',
          error: null,
          usage: { inputTokens: 9, outputTokens: 2 },
          details: { model: 'm' },
        },
        {
          type: 'run-finished',
          at: '2026-12-04T10:00:01.600Z',
          status: 'succeeded',
          output: 'Hello',
          error: null,
        },
      ],
      1024,
    );
    expect(record).toMatchObject({
      status: 'succeeded',
      started_at: '2026-12-04T10:00:00.000Z',
      finished_at: '2026-12-04T10:00:01.600Z',
      duration_ms: 1600,
      output: 'Hello',
    });
    expect(record.node_results['t']!.duration_ms).toBe(2);
    expect(record.node_results['l']).toMatchObject({
      duration_ms: 1480,
      usage: { input_tokens: 9, output_tokens: 2 },
      streamed_text: null,
      output: 'Hello',
    });
  });

  it('scrubs the streamed text as a whole, so a secret split across tokens is caught', () => {
    const builder = new ExecutionRecordBuilder('ex-1', 'wf-1', 1024, (text) =>
      text.replaceAll('sk-secret', '[secret]'),
    );
    for (const event of trace.slice(0, 6)) builder.apply(event);
    builder.apply({ type: 'node-token', nodeId: 'l', text: 'key sk-se' });
    builder.apply({ type: 'node-token', nodeId: 'l', text: 'cret end' });
    expect(builder.snapshot().node_results['l']!.streamed_text).toBe('key [secret] end');
  });

  it('has the columns of an executions row, with a status the local schema accepts', () => {
    const record: ExecutionRecord = buildExecutionRecord('ex-1', 'wf-1', trace, 1024);
    // Compile-time: the record is an ExecutionDoc without the columns every synced row adds.
    const row: Omit<ExecutionDoc, keyof SyncedRow> = record;
    for (const column of Object.keys(row)) {
      expect(column === 'id' || column in executionSchema.properties).toBe(true);
    }
    expect((executionSchema.properties.status as { enum: string[] }).enum).toContain(record.status);
  });
});
