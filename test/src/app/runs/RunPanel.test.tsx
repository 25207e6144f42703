// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { NodeTrace, RunPanel } from '../../../../src/app/runs/RunPanel.tsx';
import { createRunSession, inThreadRunner } from '../../../../src/app/runs/run-session.ts';
import type {
  ConnectorRunner,
  NodeResultRecord,
  RuntimeWorkflow,
} from '../../../../src/runtime/index.ts';
import { edge, node } from '../../runtime/support/workflows.ts';

afterEach(cleanup);

const SCHEMA =
  '{"type":"object","properties":{"name":{"type":"string"},"shout":{"type":"boolean"}},"required":["name"]}';

function workflow(): RuntimeWorkflow {
  return {
    id: 'wf-panel',
    nodes: [
      node('t', 'trigger', { inputSchema: SCHEMA, label: 'Start' }),
      node('c', 'condition', {
        label: 'Loud?',
        branches: [{ id: 'loud', label: 'Loud', expression: 'input.shout' }],
      }),
      node('up', 'transform', {
        label: 'Shout',
        template: '{{ $uppercase("hello " & input.name) }}',
      }),
      node('k', 'connector', { label: 'Send', connectorId: 'c1', operation: 'send' }),
      node('o', 'output', { label: 'Result' }),
    ],
    edges: [
      edge('t', 'payload', 'c', 'input'),
      edge('c', 'branch-loud', 'up', 'input'),
      edge('c', 'else', 'k', 'input'),
      edge('up', 'output', 'o', 'result'),
      edge('k', 'result', 'o', 'result'),
    ],
  };
}

function nodeStatus(label: string): string | null {
  const list = screen.getByRole('list', { name: 'Nodes of this run' });
  const item = within(list).getByText(label).closest('li');
  return item?.getAttribute('data-status') ?? null;
}

describe('RunPanel', () => {
  it('asks for the input the trigger schema describes, runs, and shows each node state and the output', async () => {
    const user = userEvent.setup();
    const session = createRunSession(inThreadRunner({}), { updateIntervalMs: 1 });
    render(<RunPanel session={session} workflow={workflow()} />);
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByRole('alert').textContent).toBe('name is required.');

    await user.type(screen.getByLabelText('name *'), 'ada');
    await user.click(screen.getByLabelText('shout'));
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Run succeeded/));
    expect(nodeStatus('Shout')).toBe('succeeded');
    expect(nodeStatus('Send')).toBe('skipped');
    expect(screen.getAllByText('HELLO ADA').length).toBeGreaterThan(0);
    expect(session.state.get().lastInput).toEqual({ name: 'ada', shout: true });
  });

  it('names the failing node, and runs again with the same input', async () => {
    const user = userEvent.setup();
    const session = createRunSession(inThreadRunner({}), { updateIntervalMs: 1 });
    render(<RunPanel session={session} workflow={workflow()} />);
    await user.type(screen.getByLabelText('name *'), 'bo');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Run failed/));
    expect(nodeStatus('Send')).toBe('failed');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      expect.stringContaining('Node "Send" failed: Connector calls are not available yet'),
      expect.stringContaining('Send: Connector calls are not available yet'),
    ]);
    const first = session.state.get().record!.id;
    await user.click(screen.getByRole('button', { name: 'Run again with the same input' }));
    await waitFor(() => expect(session.state.get().record?.id).not.toBe(first));
    expect(session.state.get().lastInput).toEqual({ name: 'bo', shout: false });
  });

  it('shows a node running and cancels the run', async () => {
    const user = userEvent.setup();
    let started = () => {};
    const connectorStarted = new Promise<void>((resolve) => (started = resolve));
    const connectors: ConnectorRunner = {
      run: ({ signal }) =>
        new Promise((_resolve, reject) => {
          started();
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    const session = createRunSession(inThreadRunner({ connectors }), { updateIntervalMs: 1 });
    render(<RunPanel session={session} workflow={workflow()} />);
    await user.type(screen.getByLabelText('name *'), 'cy');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await connectorStarted;
    await waitFor(() => expect(nodeStatus('Send')).toBe('running'));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Run cancelled/));
    expect(nodeStatus('Send')).toBe('cancelled');
  });

  it('shows the text an LLM has streamed so far while it runs, and a truncated output with its size', () => {
    const base: NodeResultRecord = {
      node_id: 'l',
      type: 'llm',
      label: 'Answer',
      status: 'running',
      attempts: 1,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      input: null,
      output: null,
      streamed_text: 'Hello fr',
      usage: null,
      error: null,
      retries: [],
      details: null,
    };
    const { rerender } = render(
      <ul>
        <NodeTrace result={base} />
      </ul>,
    );
    expect(screen.getByText('Hello fr')).toBeTruthy();
    rerender(
      <ul>
        <NodeTrace
          result={{
            ...base,
            status: 'succeeded',
            streamed_text: null,
            output: { truncated: true, bytes: 90000, keptBytes: 10, preview: 'xxxxxxxxxx' },
          }}
        />
      </ul>,
    );
    expect(screen.getByText(/truncated: 90000 bytes, 10 kept/)).toBeTruthy();
  });
});
