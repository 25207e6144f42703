/**
 * What a run reports while it progresses: the events the run panel and the canvas follow live,
 * and that the execution record is folded from. Every value in an event is already bounded for
 * the record and scrubbed of secrets.
 */
import type { JsonObject, JsonValue, NodeRunStatus, RunStatus, TokenUsage } from './types.ts';

export type TraceEvent =
  | { type: 'run-started'; at: string; input: JsonValue; nodes: TraceNode[] }
  | { type: 'node-started'; at: string; nodeId: string; input: JsonValue; attempt: number }
  | {
      type: 'node-retry';
      at: string;
      nodeId: string;
      attempt: number;
      waitMs: number;
      reason: string;
    }
  | { type: 'node-token'; nodeId: string; text: string }
  | {
      type: 'node-finished';
      at: string;
      nodeId: string;
      status: Exclude<NodeRunStatus, 'queued' | 'running'>;
      output: JsonValue;
      error: string | null;
      usage: TokenUsage | null;
      details: JsonObject | null;
    }
  | {
      type: 'run-finished';
      at: string;
      status: RunStatus;
      output: JsonValue;
      error: string | null;
    };

export interface TraceNode {
  nodeId: string;
  type: string;
  label: string;
  /** Nodes the trigger does not reach start as skipped; the others as queued. */
  status: 'queued' | 'skipped';
}
