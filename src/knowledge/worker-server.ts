/** The worker side of worker-protocol.ts: runs each call against a KnowledgeLibrary. */
import { isKnowledgeError } from './errors.ts';
import type { KnowledgeLibrary } from './knowledge-library.ts';
import type {
  KnowledgeWorkerRequest,
  KnowledgeWorkerResponse,
  MessageEndpoint,
} from './worker-protocol.ts';

export function serveKnowledgeLibrary(
  endpoint: MessageEndpoint,
  library: KnowledgeLibrary,
): () => void {
  const running = new Map<number, AbortController>();
  const post = (response: KnowledgeWorkerResponse) => endpoint.postMessage(response);

  async function run(
    request: Extract<KnowledgeWorkerRequest, { type: 'call' }>,
    signal: AbortSignal,
  ): Promise<unknown> {
    switch (request.method) {
      case 'configure':
        library.configure(request.params.knowledgeBaseId, request.params.config);
        return null;
      case 'load':
        return library.load(request.params.knowledgeBaseId, request.params.persisted);
      case 'ingest':
        return library.ingest(request.params.knowledgeBaseId, request.params.document, {
          signal,
          apiKey: request.params.apiKey ?? null,
          onProgress: (progress) => post({ type: 'progress', id: request.id, progress }),
        });
      case 'removeDocument':
        return library.removeDocument(request.params.knowledgeBaseId, request.params.documentId);
      case 'removeKnowledgeBase':
        return library.removeKnowledgeBase(request.params.knowledgeBaseId);
      case 'search':
        return library.search(request.params.knowledgeBaseId, request.params.query, {
          ...request.params.options,
          signal,
          apiKey: request.params.apiKey ?? null,
        });
      case 'export':
        return library.export(request.params.knowledgeBaseId);
      case 'stats':
        return library.stats(request.params.knowledgeBaseId);
    }
  }

  const onMessage = (event: MessageEvent) => {
    const request = event.data as KnowledgeWorkerRequest;
    if (request?.type === 'cancel') {
      running.get(request.id)?.abort();
      return;
    }
    if (request?.type !== 'call') return;
    const controller = new AbortController();
    running.set(request.id, controller);
    run(request, controller.signal)
      .then((result) => post({ type: 'result', id: request.id, result }))
      .catch((error: unknown) =>
        post({
          type: 'error',
          id: request.id,
          code: isKnowledgeError(error) ? error.code : 'internal',
          message: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => running.delete(request.id));
  };
  endpoint.addEventListener('message', onMessage);
  return () => endpoint.removeEventListener('message', onMessage);
}
