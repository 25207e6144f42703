/**
 * The `executions` row of a run (ExecutionDoc and its schema in src/model/execution.ts),
 * folded from the run's trace events. The builder does no I/O: the engine hands snapshots to an
 * ExecutionSink, which the app writes to RxDB (so the row syncs) and tests keep in memory.
 * Columns every synced row has (tenant_id, created_by, timestamps) are the sink's to add.
 */
import { isTruncatedValue, recordCopy } from './json-value.ts';
import type { TraceEvent } from './trace.ts';
import type { JsonObject, JsonValue, NodeRunStatus, RunStatus } from './types.ts';

export interface NodeResultRecord extends JsonObject {
  node_id: string;
  type: string;
  label: string;
  status: NodeRunStatus;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  input: JsonValue;
  output: JsonValue;
  /** Text an LLM has streamed so far, while the node runs. */
  streamed_text: string | null;
  usage: { input_tokens: number; output_tokens: number } | null;
  error: string | null;
  /** Retries: when and why. */
  retries: JsonObject[];
  details: JsonObject | null;
}

export interface ExecutionRecord {
  id: string;
  workflow_id: string;
  status: RunStatus;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  input: JsonValue;
  output: JsonValue;
  node_results: { [nodeId: string]: NodeResultRecord };
  error: string | null;
}

/** What the runtime writes a run's record to (the app: RxDB; tests: memory). */
export interface ExecutionSink {
  write(record: ExecutionRecord): void | Promise<void>;
}

const elapsed = (from: string | null, to: string): number | null =>
  from === null ? null : Math.max(0, Date.parse(to) - Date.parse(from));

export class ExecutionRecordBuilder {
  #record: ExecutionRecord;
  #streams = new Map<string, { chunks: string[]; length: number }>();
  readonly #maxStreamChars: number;
  readonly #scrub: (text: string) => string;

  /**
   * `scrub` cleans the streamed text as a whole: a secret split across two tokens is caught
   * there, where each token alone would not show it.
   */
  constructor(
    id: string,
    workflowId: string,
    maxRecordValueBytes: number,
    scrub: (text: string) => string = (text) => text,
  ) {
    this.#maxStreamChars = maxRecordValueBytes;
    this.#scrub = scrub;
    this.#record = {
      id,
      workflow_id: workflowId,
      status: 'pending',
      started_at: null,
      finished_at: null,
      duration_ms: null,
      input: null,
      output: null,
      node_results: {},
      error: null,
    };
  }

  apply(event: TraceEvent): void {
    const record = this.#record;
    switch (event.type) {
      case 'run-started':
        record.status = 'running';
        record.started_at = event.at;
        record.input = event.input;
        for (const node of event.nodes) {
          record.node_results[node.nodeId] = {
            node_id: node.nodeId,
            type: node.type,
            label: node.label,
            status: node.status,
            attempts: 0,
            started_at: null,
            finished_at: null,
            duration_ms: null,
            input: null,
            output: null,
            streamed_text: null,
            usage: null,
            error: null,
            retries: [],
            details: null,
          };
        }
        return;
      case 'node-started': {
        const result = record.node_results[event.nodeId];
        if (!result) return;
        result.status = 'running';
        result.started_at ??= event.at;
        result.attempts = event.attempt;
        result.input = event.input;
        return;
      }
      case 'node-retry': {
        const result = record.node_results[event.nodeId];
        if (!result) return;
        result.retries.push({
          at: event.at,
          attempt: event.attempt,
          wait_ms: event.waitMs,
          reason: event.reason,
        });
        // The next attempt streams from the start again.
        this.#streams.delete(event.nodeId);
        result.streamed_text = null;
        return;
      }
      case 'node-token': {
        const stream = this.#streams.get(event.nodeId) ?? { chunks: [], length: 0 };
        this.#streams.set(event.nodeId, stream);
        if (stream.length < this.#maxStreamChars) {
          stream.chunks.push(event.text);
          stream.length += event.text.length;
        }
        return;
      }
      case 'node-finished': {
        const result = record.node_results[event.nodeId];
        if (!result) return;
        this.#streams.delete(event.nodeId);
        result.status = event.status;
        result.finished_at = event.at;
        result.duration_ms = elapsed(result.started_at, event.at);
        result.output = event.output;
        result.streamed_text = null;
        result.error = event.error;
        result.details = event.details;
        result.usage = event.usage
          ? { input_tokens: event.usage.inputTokens, output_tokens: event.usage.outputTokens }
          : null;
        return;
      }
      case 'run-finished':
        record.status = event.status;
        record.finished_at = event.at;
        record.duration_ms = elapsed(record.started_at, event.at);
        record.output = event.output;
        record.error = event.error;
        return;
    }
  }

  /** A deep copy of the record as it stands, with the text streamed so far. */
  snapshot(): ExecutionRecord {
    const copy = structuredClone(this.#record);
    for (const [nodeId, stream] of this.#streams) {
      const result = copy.node_results[nodeId];
      if (!result) continue;
      const text = this.#scrub(stream.chunks.join(''));
      const bounded = recordCopy(text, this.#maxStreamChars);
      result.streamed_text =
        typeof bounded === 'string' ? bounded : isTruncatedValue(bounded) ? bounded.preview : text;
    }
    return copy;
  }
}

/** Folds a whole trace into its record: the pure form of what the engine does as it runs. */
export function buildExecutionRecord(
  id: string,
  workflowId: string,
  events: readonly TraceEvent[],
  maxRecordValueBytes: number,
): ExecutionRecord {
  const builder = new ExecutionRecordBuilder(id, workflowId, maxRecordValueBytes);
  for (const event of events) builder.apply(event);
  return builder.snapshot();
}
