/**
 * The settings of a knowledge base that ingest and search read, taken from its synced row
 * (`knowledge_bases`: `chunk_size`, `chunk_overlap`, `embedding_model` columns and the free-form
 * `settings` object). The row's shape is declared here structurally so this folder imports
 * nothing from the app or from sync/ and runs unchanged in a worker and in Node.
 */
import { KnowledgeError } from './errors.ts';

/** The fields of a `knowledge_bases` row this folder reads. */
export interface KnowledgeBaseRowSettings {
  chunk_size: number;
  chunk_overlap: number;
  embedding_model: string | null;
  settings: { [key: string]: unknown };
}

export interface EmbeddingSettings {
  /** Model name sent to the provider, e.g. "text-embedding-3-small". */
  model: string;
  /** Base URL of an OpenAI-compatible API, e.g. "https://api.openai.com/v1". */
  baseUrl: string;
  /** Name of the vault secret holding the API key; the key itself never reaches this config. */
  secretName: string | null;
}

export interface KnowledgeBaseConfig {
  chunkSize: number;
  chunkOverlap: number;
  /** Files larger than this are refused before they are read. */
  maxFileBytes: number;
  /** Null when the knowledge base has no embedding provider: search is BM25 only. */
  embeddings: EmbeddingSettings | null;
}

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Bounds of the `knowledge_bases.chunk_size` check constraint. */
export const MIN_CHUNK_SIZE = 50;
export const MAX_CHUNK_SIZE = 100_000;

export const DEFAULT_CONFIG: KnowledgeBaseConfig = {
  chunkSize: 1000,
  chunkOverlap: 200,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  embeddings: null,
};

/**
 * Reads a row's settings. `settings.max_file_bytes`, `settings.embedding_base_url` and
 * `settings.embedding_secret` are optional; a row another member wrote with nonsense in them
 * gets the defaults rather than breaking ingest for everyone.
 */
export function configFromRow(row: KnowledgeBaseRowSettings): KnowledgeBaseConfig {
  const settings = row.settings ?? {};
  const maxFileBytes = positiveInteger(settings['max_file_bytes']) ?? DEFAULT_MAX_FILE_BYTES;
  const baseUrl = nonEmptyString(settings['embedding_base_url']);
  const model = nonEmptyString(row.embedding_model);
  return validateConfig({
    chunkSize: row.chunk_size,
    chunkOverlap: row.chunk_overlap,
    maxFileBytes,
    embeddings:
      model && baseUrl
        ? { model, baseUrl, secretName: nonEmptyString(settings['embedding_secret']) }
        : null,
  });
}

/** The same rules as the table's check constraints, so a local draft never disagrees with them. */
export function validateConfig(config: KnowledgeBaseConfig): KnowledgeBaseConfig {
  const { chunkSize, chunkOverlap, maxFileBytes } = config;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new KnowledgeError(
      'invalid-config',
      `Chunk size must be a whole number between ${MIN_CHUNK_SIZE} and ${MAX_CHUNK_SIZE} characters (got ${chunkSize}).`,
    );
  }
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new KnowledgeError(
      'invalid-config',
      `Chunk overlap must be a whole number from 0 up to less than the chunk size (got ${chunkOverlap}).`,
    );
  }
  if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) {
    throw new KnowledgeError(
      'invalid-config',
      'The file size limit must be a positive number of bytes.',
    );
  }
  return config;
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
