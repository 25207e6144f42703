/**
 * Search of one knowledge base: BM25 always; when the knowledge base has embeddings and the
 * provider answers, also by vector similarity, the two rankings merged by reciprocal rank fusion
 * (RRF: a chunk scores Σ 1 / (60 + rank) over the rankings it appears in, so neither BM25's
 * unbounded scores nor cosine similarities have to be put on one scale). When the provider cannot
 * be used the answer says so (`fallback`) and is BM25 only.
 */
import { highlightRanges, type ChunkIndex, type IndexedChunk } from './chunk-index.ts';
import type { EmbeddingProvider } from './embeddings.ts';
import { isKnowledgeError } from './errors.ts';
import type { TextRange } from './terms.ts';
import type { VectorIndex } from './vector-index.ts';

export interface KnowledgeSearchOptions {
  /** Results wanted, 1..100. */
  topK: number;
  /**
   * Results scoring below this (0..1) are left out. In hybrid mode the score is the RRF score
   * over its maximum (1 = first in both rankings, 0.5 = first in one); in BM25 mode it is the
   * BM25 score over the best result's.
   */
  minScore?: number;
  /** A search box being typed in: the last word also matches as a prefix. */
  typeahead?: boolean;
  signal?: AbortSignal;
}

export type SearchFallback =
  /** The device is offline or the provider could not be reached. */
  | 'offline'
  /** The provider refused the query (bad key, unknown model). */
  | 'provider-error'
  /** The knowledge base names a provider but none of its chunks has an embedding yet. */
  | 'no-embeddings';

export interface KnowledgeSearchHit {
  chunk: IndexedChunk;
  /** 0..1, see KnowledgeSearchOptions.minScore. */
  score: number;
  bm25Score: number | null;
  similarity: number | null;
  /** Index terms that matched, and where they are in the chunk's text. */
  terms: string[];
  highlights: TextRange[];
}

export interface KnowledgeSearchResponse {
  mode: 'hybrid' | 'bm25';
  /** Why a knowledge base with a provider was searched by BM25 only; null otherwise. */
  fallback: SearchFallback | null;
  /** A sentence for the user when `fallback` is set. */
  notice: string | null;
  hits: KnowledgeSearchHit[];
}

export const RRF_K = 60;
/** Longer queries are cut here: a query comes from a workflow too, and its size is not ours to choose. */
export const MAX_QUERY_CHARS = 1000;
export const MAX_TOP_K = 100;
/** Candidates taken from each ranking before fusion. */
const CANDIDATES = 50;

export interface SearchTarget {
  chunks: ChunkIndex;
  vectors: VectorIndex | null;
  /** Null when the knowledge base has no provider. */
  embeddings: EmbeddingProvider | null;
  /** False when the device knows it is offline (navigator.onLine). */
  online: boolean;
}

export async function searchKnowledgeBase(
  target: SearchTarget,
  fullQuery: string,
  options: KnowledgeSearchOptions,
): Promise<KnowledgeSearchResponse> {
  const query = fullQuery.slice(0, MAX_QUERY_CHARS);
  const topK = Math.max(1, Math.min(MAX_TOP_K, Math.floor(options.topK)));
  const minScore = options.minScore ?? 0;
  const candidates = Math.max(topK, CANDIDATES);
  const bm25 = target.chunks.search(query, {
    limit: candidates,
    typeahead: options.typeahead ?? false,
  });

  let fallback: SearchFallback | null = null;
  let queryVector: Float32Array | null = null;
  if (target.embeddings && target.vectors) {
    if (target.vectors.size === 0) fallback = 'no-embeddings';
    else if (!target.online) fallback = 'offline';
    else {
      try {
        [queryVector = null] = await target.embeddings.embed([query], options.signal);
      } catch (error) {
        if (isKnowledgeError(error, 'cancelled')) throw error;
        fallback = isKnowledgeError(error, 'embeddings-unreachable') ? 'offline' : 'provider-error';
      }
    }
  }

  if (!queryVector || !target.vectors) {
    const best = bm25[0]?.score ?? 1;
    // Highlights only for the hits returned: finding terms is the costliest step per hit.
    const hits = bm25
      .filter((hit) => hit.score / best >= minScore)
      .slice(0, topK)
      .map((hit) => ({
        chunk: hit.chunk,
        score: hit.score / best,
        bm25Score: hit.score,
        similarity: null,
        terms: hit.terms,
        highlights: highlightRanges(hit.chunk.text, hit.terms),
      }));
    return { mode: 'bm25', fallback, notice: fallback ? NOTICES[fallback] : null, hits };
  }

  const vectorHits = target.vectors.search(queryVector, candidates);
  const fused = new Map<
    string,
    { rrf: number; bm25: (typeof bm25)[number] | null; similarity: number | null }
  >();
  bm25.forEach((hit, rank) => {
    fused.set(hit.chunk.id, { rrf: 1 / (RRF_K + rank + 1), bm25: hit, similarity: null });
  });
  vectorHits.forEach((hit, rank) => {
    const entry = fused.get(hit.chunkId) ?? { rrf: 0, bm25: null, similarity: null };
    entry.rrf += 1 / (RRF_K + rank + 1);
    entry.similarity = hit.similarity;
    fused.set(hit.chunkId, entry);
  });
  const maxRrf = 2 / (RRF_K + 1);
  const hits: KnowledgeSearchHit[] = [];
  for (const [id, entry] of [...fused].sort((a, b) => b[1].rrf - a[1].rrf)) {
    if (hits.length >= topK) break;
    const score = entry.rrf / maxRrf;
    if (score < minScore) continue;
    const chunk = entry.bm25?.chunk ?? target.chunks.getChunk(id);
    if (!chunk) continue; // an embedding whose chunk was removed meanwhile
    const terms = entry.bm25?.terms ?? [];
    hits.push({
      chunk,
      score,
      bm25Score: entry.bm25?.score ?? null,
      similarity: entry.similarity,
      terms,
      highlights: highlightRanges(chunk.text, terms),
    });
  }
  return { mode: 'hybrid', fallback: null, notice: null, hits };
}

const NOTICES: Record<SearchFallback, string> = {
  offline:
    'Offline: results are ranked by keywords only (semantic search needs the embedding provider).',
  'provider-error':
    'The embedding provider refused the query: results are ranked by keywords only.',
  'no-embeddings': 'No embeddings yet: results are ranked by keywords only.',
};
