/**
 * The knowledge bases of one device as search and ingest see them: per knowledge base its
 * config, its BM25 index and its embeddings. This is what the Web Worker holds; the retriever,
 * the worker protocol and the benchmarks all go through it.
 */
import { ChunkIndex } from './chunk-index.ts';
import type { KnowledgeBaseConfig } from './config.ts';
import type { EmbeddingProvider } from './embeddings.ts';
import { KnowledgeError } from './errors.ts';
import {
  searchKnowledgeBase,
  type KnowledgeSearchOptions,
  type KnowledgeSearchResponse,
} from './hybrid-search.ts';
import {
  ingestDocument,
  type IngestDocument,
  type IngestOptions,
  type IngestResult,
} from './ingest.ts';
import { VectorIndex } from './vector-index.ts';

/** What a device keeps of a knowledge base between sessions (never synced). */
export interface PersistedKnowledgeBase {
  chunks: string;
  vectors: string | null;
}

export interface KnowledgeLibraryOptions {
  /**
   * Makes the embedding provider of a knowledge base; `apiKey` is what the caller got from the
   * vault for this call (null for providers without keys). Null: no semantic search.
   */
  embeddingsFor?: (config: KnowledgeBaseConfig, apiKey: string | null) => EmbeddingProvider | null;
  /** navigator.onLine in a browser or worker; true in Node. */
  isOnline?: () => boolean;
}

interface KnowledgeBaseState {
  config: KnowledgeBaseConfig;
  chunks: ChunkIndex;
  vectors: VectorIndex | null;
}

export interface KnowledgeBaseStats {
  documents: number;
  chunks: number;
  embeddedChunks: number;
}

export class KnowledgeLibrary {
  private readonly bases = new Map<string, KnowledgeBaseState>();

  constructor(private readonly options: KnowledgeLibraryOptions = {}) {}

  /** Sets or changes a knowledge base's config (a changed chunking shows in newly ingested documents). */
  configure(knowledgeBaseId: string, config: KnowledgeBaseConfig): void {
    const existing = this.bases.get(knowledgeBaseId);
    const model = config.embeddings?.model ?? null;
    // Vectors of another model are not comparable with the new model's queries: drop them.
    const vectors =
      model === null
        ? null
        : existing?.vectors?.model === model
          ? existing.vectors
          : new VectorIndex(model);
    this.bases.set(knowledgeBaseId, {
      config,
      chunks: existing?.chunks ?? ChunkIndex.create(),
      vectors,
    });
  }

  has(knowledgeBaseId: string): boolean {
    return this.bases.has(knowledgeBaseId);
  }

  chunkIndex(knowledgeBaseId: string): ChunkIndex {
    return this.state(knowledgeBaseId).chunks;
  }

  stats(knowledgeBaseId: string): KnowledgeBaseStats {
    const { chunks, vectors } = this.state(knowledgeBaseId);
    return {
      documents: chunks.documentCount,
      chunks: chunks.chunkCount,
      embeddedChunks: vectors?.size ?? 0,
    };
  }

  async ingest(
    knowledgeBaseId: string,
    document: IngestDocument,
    options: IngestOptions & { apiKey?: string | null } = {},
  ): Promise<IngestResult> {
    const state = this.state(knowledgeBaseId);
    const provider = this.provider(state, options.apiKey ?? null);
    const online = this.online();
    return ingestDocument(
      {
        config: state.config,
        chunks: state.chunks,
        vectors: state.vectors,
        embeddings: online ? provider : null,
        embeddingsUnavailable:
          provider && !online ? 'Offline: embeddings will be fetched when back online.' : null,
      },
      document,
      options,
    );
  }

  removeDocument(knowledgeBaseId: string, documentId: string): boolean {
    const state = this.state(knowledgeBaseId);
    state.vectors?.deleteWhere((id) => id.startsWith(`${documentId}#`));
    return state.chunks.removeDocument(documentId);
  }

  removeKnowledgeBase(knowledgeBaseId: string): boolean {
    return this.bases.delete(knowledgeBaseId);
  }

  async search(
    knowledgeBaseId: string,
    query: string,
    options: KnowledgeSearchOptions & { apiKey?: string | null },
  ): Promise<KnowledgeSearchResponse> {
    const state = this.state(knowledgeBaseId);
    return searchKnowledgeBase(
      {
        chunks: state.chunks,
        vectors: state.vectors,
        embeddings: this.provider(state, options.apiKey ?? null),
        online: this.online(),
      },
      query,
      options,
    );
  }

  export(knowledgeBaseId: string): PersistedKnowledgeBase {
    const state = this.state(knowledgeBaseId);
    return { chunks: state.chunks.toJSON(), vectors: state.vectors?.toJSON() ?? null };
  }

  /** Loads a persisted index into a configured knowledge base; a damaged one is an error (rebuild). */
  load(knowledgeBaseId: string, persisted: PersistedKnowledgeBase): KnowledgeBaseStats {
    const state = this.state(knowledgeBaseId);
    const chunks = ChunkIndex.fromJSON(persisted.chunks);
    const saved = persisted.vectors ? VectorIndex.fromJSON(persisted.vectors) : null;
    const vectors = state.vectors && saved?.model === state.vectors.model ? saved : state.vectors;
    this.bases.set(knowledgeBaseId, { config: state.config, chunks, vectors });
    return this.stats(knowledgeBaseId);
  }

  private state(knowledgeBaseId: string): KnowledgeBaseState {
    const state = this.bases.get(knowledgeBaseId);
    if (!state) {
      throw new KnowledgeError(
        'unknown-knowledge-base',
        `Knowledge base ${knowledgeBaseId} is not loaded on this device.`,
      );
    }
    return state;
  }

  private provider(state: KnowledgeBaseState, apiKey: string | null): EmbeddingProvider | null {
    if (!state.config.embeddings || !this.options.embeddingsFor) return null;
    return this.options.embeddingsFor(state.config, apiKey);
  }

  private online(): boolean {
    return this.options.isOnline?.() ?? true;
  }
}
