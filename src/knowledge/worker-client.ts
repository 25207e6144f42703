/** The app side of worker-protocol.ts: typed calls that return promises, with progress and cancel. */
import { KnowledgeError } from './errors.ts';
import type { IngestProgress } from './ingest.ts';
import type {
  KnowledgeWorkerMethod,
  KnowledgeWorkerMethods,
  KnowledgeWorkerRequest,
  KnowledgeWorkerResponse,
  MessageEndpoint,
} from './worker-protocol.ts';

interface Pending {
  resolve(result: unknown): void;
  reject(error: unknown): void;
  onProgress?: (progress: IngestProgress) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
}

export class KnowledgeWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly onMessage = (event: MessageEvent) =>
    this.receive(event.data as KnowledgeWorkerResponse);

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.addEventListener('message', this.onMessage);
  }

  call<M extends KnowledgeWorkerMethod>(
    method: M,
    params: KnowledgeWorkerMethods[M]['params'],
    options: CallOptions = {},
  ): Promise<KnowledgeWorkerMethods[M]['result']> {
    const id = this.nextId++;
    const { signal } = options;
    if (signal?.aborted)
      return Promise.reject(new KnowledgeError('cancelled', 'Cancelled: nothing was changed.'));
    return new Promise((resolve, reject) => {
      const onAbort = () => this.send({ type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (result) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(result as KnowledgeWorkerMethods[M]['result']);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      this.send({ type: 'call', id, method, params } as KnowledgeWorkerRequest);
    });
  }

  close(): void {
    this.endpoint.removeEventListener('message', this.onMessage);
    for (const pending of this.pending.values()) {
      pending.reject(new KnowledgeError('cancelled', 'The knowledge worker was closed.'));
    }
    this.pending.clear();
  }

  private send(request: KnowledgeWorkerRequest): void {
    this.endpoint.postMessage(request);
  }

  private receive(response: KnowledgeWorkerResponse): void {
    const pending = this.pending.get(response?.id);
    if (!pending) return;
    if (response.type === 'progress') {
      pending.onProgress?.(response.progress);
      return;
    }
    this.pending.delete(response.id);
    if (response.type === 'result') pending.resolve(response.result);
    else if (response.code === 'internal') pending.reject(new Error(response.message));
    else pending.reject(new KnowledgeError(response.code, response.message));
  }
}
