/**
 * Entry of the knowledge Web Worker: ingest (parsing PDFs, chunking, indexing) and search run
 * here so the page never freezes. Start it with
 *   new Worker(new URL('./knowledge.worker.ts', import.meta.url), { type: 'module' })
 * and talk to it through KnowledgeWorkerClient.
 */
import { OpenAiCompatibleEmbeddings } from './embeddings.ts';
import { KnowledgeLibrary } from './knowledge-library.ts';
import { serveKnowledgeLibrary } from './worker-server.ts';
import type { MessageEndpoint } from './worker-protocol.ts';

const library = new KnowledgeLibrary({
  embeddingsFor: (config, apiKey) =>
    config.embeddings
      ? new OpenAiCompatibleEmbeddings({
          baseUrl: config.embeddings.baseUrl,
          model: config.embeddings.model,
          apiKey: async () => apiKey,
        })
      : null,
  isOnline: () => self.navigator.onLine,
});

serveKnowledgeLibrary(self as unknown as MessageEndpoint, library);
