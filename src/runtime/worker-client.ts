/**
 * The main-thread side of the protocol: starts runs in the worker, answers its secret requests
 * from the unlocked vault, forwards trace events, and writes the record through the app's
 * ExecutionSink in the order the worker sent it.
 */
import type { ExecutionRecord, ExecutionSink } from './execution-record.ts';
import type { TraceEvent } from './trace.ts';
import {
  isFromWorkerMessage,
  type MessageEndpoint,
  type RunRequest,
  type ToWorkerMessage,
} from './worker-protocol.ts';

export interface RuntimeClientOptions {
  /** Decrypts a secret by reference for one call; never cached by the client. */
  resolveSecret(secretId: string): Promise<string>;
  sink?: ExecutionSink;
}

export interface RunHandle {
  /** The final record, once written through the sink. */
  done: Promise<ExecutionRecord>;
  cancel(): void;
}

export interface RuntimeClient {
  run(request: RunRequest, onEvent?: (event: TraceEvent) => void): RunHandle;
  dispose(): void;
}

interface ActiveRun {
  onEvent?: (event: TraceEvent) => void;
  writes: Promise<void>;
  resolve(record: ExecutionRecord): void;
  reject(error: Error): void;
}

export function createRuntimeClient(
  endpoint: MessageEndpoint,
  options: RuntimeClientOptions,
): RuntimeClient {
  const runs = new Map<string, ActiveRun>();
  let counter = 0;
  const send = (message: ToWorkerMessage) => endpoint.postMessage(message);

  const onMessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isFromWorkerMessage(message)) return;
    const run = runs.get(message.runId);
    if (!run) return;
    switch (message.type) {
      case 'event':
        run.onEvent?.(message.event);
        return;
      case 'record': {
        const { sink } = options;
        // In order, one at a time; only the last write's failure reaches the caller.
        if (sink) {
          run.writes = run.writes.catch(() => undefined).then(() => sink.write(message.record));
        }
        return;
      }
      case 'need-secret':
        options.resolveSecret(message.secretId).then(
          (value) => send({ type: 'secret', requestId: message.requestId, value }),
          (error: unknown) =>
            send({
              type: 'secret-error',
              requestId: message.requestId,
              error:
                error instanceof Error ? error.message : 'The vault could not read the secret.',
            }),
        );
        return;
      case 'done':
        runs.delete(message.runId);
        run.writes.then(
          () => run.resolve(message.record),
          (error: unknown) => run.reject(error instanceof Error ? error : new Error(String(error))),
        );
        return;
      case 'crashed':
        runs.delete(message.runId);
        run.reject(new Error(message.error));
        return;
    }
  };
  endpoint.addEventListener('message', onMessage);

  return {
    run(request, onEvent) {
      const runId = `run-${++counter}-${request.executionId}`;
      const done = new Promise<ExecutionRecord>((resolve, reject) => {
        runs.set(runId, { onEvent, writes: Promise.resolve(), resolve, reject });
      });
      send({ type: 'run', runId, request });
      return { done, cancel: () => send({ type: 'cancel', runId }) };
    },
    dispose() {
      endpoint.removeEventListener('message', onMessage);
      for (const run of runs.values()) run.reject(new Error('The runtime was stopped.'));
      runs.clear();
    },
  };
}
