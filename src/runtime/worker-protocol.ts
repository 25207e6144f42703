/**
 * The messages between the app's main thread and the runtime's Web Worker. The worker never
 * holds a key beyond a run: when a node needs a secret it asks the main thread (which owns the
 * unlocked vault) by reference, per call, and the answer is used for that call and for scrubbing
 * that run's record only.
 */
import type { ExecutionRecord } from './execution-record.ts';
import type { RuntimeLimits } from './limits.ts';
import type { LlmProvider } from './llm/providers.ts';
import type { TraceEvent } from './trace.ts';
import type { JsonValue, RuntimeWorkflow } from './types.ts';

export interface RunRequest {
  workflow: RuntimeWorkflow;
  input: JsonValue;
  executionId: string;
  triggerNodeId?: string;
  limits?: Partial<RuntimeLimits>;
  llmBaseUrls?: Partial<Record<LlmProvider, string>>;
}

/** Main thread → worker. */
export type ToWorkerMessage =
  | { type: 'run'; runId: string; request: RunRequest }
  | { type: 'cancel'; runId: string }
  | { type: 'secret'; requestId: string; value: string }
  | { type: 'secret-error'; requestId: string; error: string };

/** Worker → main thread. */
export type FromWorkerMessage =
  | { type: 'event'; runId: string; event: TraceEvent }
  /** The record as it progresses, for the ExecutionSink on the main thread. */
  | { type: 'record'; runId: string; record: ExecutionRecord }
  | { type: 'need-secret'; runId: string; requestId: string; secretId: string }
  | { type: 'done'; runId: string; record: ExecutionRecord }
  | { type: 'crashed'; runId: string; error: string };

/** Both ends of the channel: a Worker, the worker's global scope, or a MessagePort. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function isToWorkerMessage(value: unknown): value is ToWorkerMessage {
  if (!isObject(value)) return false;
  switch (value['type']) {
    case 'run':
      return typeof value['runId'] === 'string' && isObject(value['request']);
    case 'cancel':
      return typeof value['runId'] === 'string';
    case 'secret':
      return typeof value['requestId'] === 'string' && typeof value['value'] === 'string';
    case 'secret-error':
      return typeof value['requestId'] === 'string' && typeof value['error'] === 'string';
    default:
      return false;
  }
}

export function isFromWorkerMessage(value: unknown): value is FromWorkerMessage {
  return (
    isObject(value) &&
    typeof value['runId'] === 'string' &&
    ['event', 'record', 'need-secret', 'done', 'crashed'].includes(value['type'] as string)
  );
}
