/**
 * What the workflow runtime's "knowledge base retrieval" node calls. The runtime declares the
 * port it needs (src/runtime); this is the local implementation of that shape, backed by the
 * device's KnowledgeLibrary (in the knowledge worker, or in Node for tests).
 */
import { KnowledgeError } from './errors.ts';
import { MAX_TOP_K } from './hybrid-search.ts';
import type { KnowledgeLibrary } from './knowledge-library.ts';

export interface RetrievalOptions {
  /** Chunks wanted, 1..100. */
  topK: number;
  /** 0..1; chunks scoring below are left out (see KnowledgeSearchOptions.minScore). */
  minScore?: number;
  signal?: AbortSignal;
}

export interface RetrievedChunk {
  documentId: string;
  documentName: string;
  /** Where the chunk is in its document. */
  position: { chunkIndex: number; start: number; end: number; page: number | null };
  text: string;
  score: number;
}

export interface KnowledgeRetriever {
  query(
    knowledgeBaseId: string,
    text: string,
    options: RetrievalOptions,
  ): Promise<RetrievedChunk[]>;
}

export class LocalKnowledgeRetriever implements KnowledgeRetriever {
  constructor(
    private readonly library: KnowledgeLibrary,
    /** The API key of a knowledge base's embedding provider, from the vault, for this call only. */
    private readonly apiKeyFor: (knowledgeBaseId: string) => Promise<string | null> = async () =>
      null,
  ) {}

  async query(
    knowledgeBaseId: string,
    text: string,
    options: RetrievalOptions,
  ): Promise<RetrievedChunk[]> {
    if (!Number.isInteger(options.topK) || options.topK < 1 || options.topK > MAX_TOP_K) {
      throw new KnowledgeError(
        'invalid-config',
        `Top K must be a whole number from 1 to ${MAX_TOP_K}.`,
      );
    }
    const minScore = options.minScore ?? 0;
    if (!(minScore >= 0 && minScore <= 1)) {
      throw new KnowledgeError('invalid-config', 'Minimum score must be between 0 and 1.');
    }
    const response = await this.library.search(knowledgeBaseId, text, {
      topK: options.topK,
      minScore,
      apiKey: await this.apiKeyFor(knowledgeBaseId),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return response.hits.map(({ chunk, score }) => ({
      documentId: chunk.documentId,
      documentName: chunk.documentName,
      position: { chunkIndex: chunk.index, start: chunk.start, end: chunk.end, page: chunk.page },
      text: chunk.text,
      score,
    }));
  }
}
