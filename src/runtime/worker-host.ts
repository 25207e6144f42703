/**
 * The worker side of the protocol: runs workflows on request, streams their trace and record
 * back, asks the main thread for each secret when a node needs it, and cancels on request.
 * Independent of the worker global so tests drive it over a MessageChannel in Node.
 */
import { errorMessage } from './errors.ts';
import { runWorkflow } from './run-workflow.ts';
import type { ConnectorRunner, KnowledgeRetriever, SecretResolver } from './types.ts';
import {
  isToWorkerMessage,
  type FromWorkerMessage,
  type MessageEndpoint,
  type RunRequest,
} from './worker-protocol.ts';

export interface RuntimeHostOptions {
  isOnline?: () => boolean;
  connectors?: ConnectorRunner;
  knowledge?: KnowledgeRetriever;
}

/** Starts answering run requests on `endpoint`; returns a function that stops listening. */
export function serveRuntime(
  endpoint: MessageEndpoint,
  options: RuntimeHostOptions = {},
): () => void {
  const runs = new Map<string, AbortController>();
  const pendingSecrets = new Map<
    string,
    { resolve: (value: string) => void; reject: (error: Error) => void }
  >();
  let nextRequest = 0;
  const post = (message: FromWorkerMessage) => endpoint.postMessage(message);

  function secretsFor(runId: string): SecretResolver {
    return {
      resolve: (secretId, signal) =>
        new Promise<string>((resolve, reject) => {
          const requestId = `${runId}:${++nextRequest}`;
          const onAbort = () => {
            pendingSecrets.delete(requestId);
            reject(new Error('The run was cancelled.'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          pendingSecrets.set(requestId, {
            resolve: (value) => {
              signal.removeEventListener('abort', onAbort);
              resolve(value);
            },
            reject: (error) => {
              signal.removeEventListener('abort', onAbort);
              reject(error);
            },
          });
          post({ type: 'need-secret', runId, requestId, secretId });
        }),
    };
  }

  async function start(runId: string, request: RunRequest): Promise<void> {
    const controller = new AbortController();
    runs.set(runId, controller);
    try {
      const record = await runWorkflow({
        ...request,
        signal: controller.signal,
        secrets: secretsFor(runId),
        connectors: options.connectors,
        knowledge: options.knowledge,
        isOnline: options.isOnline,
        onEvent: (event) => post({ type: 'event', runId, event }),
        sink: { write: (record) => post({ type: 'record', runId, record }) },
      });
      post({ type: 'done', runId, record });
    } catch (error) {
      post({ type: 'crashed', runId, error: errorMessage(error) });
    } finally {
      runs.delete(runId);
    }
  }

  const onMessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isToWorkerMessage(message)) return;
    switch (message.type) {
      case 'run':
        if (!runs.has(message.runId)) void start(message.runId, message.request);
        return;
      case 'cancel':
        runs.get(message.runId)?.abort();
        return;
      case 'secret':
        pendingSecrets.get(message.requestId)?.resolve(message.value);
        pendingSecrets.delete(message.requestId);
        return;
      case 'secret-error':
        pendingSecrets.get(message.requestId)?.reject(new Error(message.error));
        pendingSecrets.delete(message.requestId);
        return;
    }
  };
  endpoint.addEventListener('message', onMessage);
  return () => {
    endpoint.removeEventListener('message', onMessage);
    for (const controller of runs.values()) controller.abort();
  };
}
