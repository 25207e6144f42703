/**
 * The ingest pipeline of one document: parse → chunk → (embed) → index, with progress and
 * cancel. Everything that can fail or take long happens before the index is touched, and a
 * cancel during indexing puts the previous version of the document back, so a refused,
 * damaged or cancelled document changes nothing.
 */
import { chunkText } from './chunking.ts';
import { chunkId, type ChunkIndex, type IndexedChunk } from './chunk-index.ts';
import type { KnowledgeBaseConfig } from './config.ts';
import type { EmbeddingProvider } from './embeddings.ts';
import { isKnowledgeError, KnowledgeError, throwIfCancelled } from './errors.ts';
import {
  formatBytes,
  MIME_OF,
  parseDocument,
  type DocumentFormat,
  type SourceFile,
} from './parsers/parse-document.ts';
import { normalizeText } from './parsers/text.ts';
import type { VectorIndex } from './vector-index.ts';

export type IngestSource =
  /** A file the user picked or dropped. */
  | { kind: 'file'; file: SourceFile }
  /** Text pasted by the user, or the `content` of a document that synced in from another device. */
  | { kind: 'text'; name: string; text: string; pageStarts?: number[] };

export interface IngestDocument {
  /** The `kb_documents` row id. */
  id: string;
  /** Identifies this content (the row's `updated_at`); a reload re-indexes a changed version. */
  version: string;
  source: IngestSource;
}

export type IngestStage = 'parsing' | 'chunking' | 'embedding' | 'indexing' | 'done';

export interface IngestProgress {
  stage: IngestStage;
  /** 0..1 over the whole pipeline, for a progress bar. */
  fraction: number;
}

export interface IngestResult {
  documentId: string;
  name: string;
  format: DocumentFormat;
  mimeType: string;
  /** The extracted text: what the `kb_documents.content` column stores and syncs. */
  text: string;
  /** For PDFs, where each page starts in `text` (kept in the row's metadata). */
  pageStarts: number[] | null;
  sizeBytes: number;
  chunkCount: number;
  /** Chunks that got an embedding in this run. */
  embeddedCount: number;
  /** Why chunks have no embeddings although the knowledge base names a provider; null if none. */
  embeddingProblem: string | null;
}

export interface IngestTarget {
  config: KnowledgeBaseConfig;
  chunks: ChunkIndex;
  vectors: VectorIndex | null;
  /** Null when the knowledge base has no provider or the device is offline. */
  embeddings: EmbeddingProvider | null;
  /** Why `embeddings` is null although the knowledge base names a provider ("offline"). */
  embeddingsUnavailable?: string | null;
}

export interface IngestOptions {
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

/** Chunks added to the index between two chances for a cancel to arrive. */
const INDEX_BATCH = 500;
const EMBED_BATCH = 64;

export async function ingestDocument(
  target: IngestTarget,
  document: IngestDocument,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { signal } = options;
  const report = (stage: IngestStage, fraction: number) =>
    options.onProgress?.({ stage, fraction });
  const { config } = target;

  report('parsing', 0);
  const parsed = await parseSource(document.source, config, signal);
  throwIfCancelled(signal);

  report('chunking', 0.25);
  const name = document.source.kind === 'file' ? document.source.file.name : document.source.name;
  const pieces = chunkText(parsed.text, { ...config, signal });
  const chunks: IndexedChunk[] = pieces.map((piece) => ({
    id: chunkId(document.id, piece.index),
    documentId: document.id,
    documentName: name,
    index: piece.index,
    start: piece.start,
    end: piece.end,
    page: pageOf(piece.start, parsed.pageStarts),
    text: piece.text,
  }));
  throwIfCancelled(signal);

  let vectors: Float32Array[] | null = null;
  let embeddingProblem = config.embeddings ? (target.embeddingsUnavailable ?? null) : null;
  if (target.embeddings && target.vectors) {
    report('embedding', 0.35);
    try {
      vectors = [];
      for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
        const batch = chunks.slice(i, i + EMBED_BATCH).map((chunk) => chunk.text);
        vectors.push(...(await target.embeddings.embed(batch, signal)));
        throwIfCancelled(signal);
        report('embedding', 0.35 + 0.4 * Math.min(1, (i + EMBED_BATCH) / chunks.length));
      }
    } catch (error) {
      if (isKnowledgeError(error, 'cancelled')) throw error;
      // The document is still searchable by its words; embeddings can be fetched later.
      vectors = null;
      embeddingProblem = error instanceof Error ? error.message : String(error);
    }
  }

  report('indexing', 0.75);
  await indexChunks(
    target,
    document,
    name,
    chunks,
    vectors,
    (done) => report('indexing', 0.75 + 0.25 * (done / Math.max(1, chunks.length))),
    signal,
  );
  report('done', 1);
  return {
    documentId: document.id,
    name,
    format: parsed.format,
    mimeType: parsed.mimeType,
    text: parsed.text,
    pageStarts: parsed.pageStarts,
    sizeBytes: parsed.sizeBytes,
    chunkCount: chunks.length,
    embeddedCount: vectors?.length ?? 0,
    embeddingProblem,
  };
}

interface ParsedSource {
  format: DocumentFormat;
  mimeType: string;
  text: string;
  pageStarts: number[] | null;
  sizeBytes: number;
}

async function parseSource(
  source: IngestSource,
  config: KnowledgeBaseConfig,
  signal: AbortSignal | undefined,
): Promise<ParsedSource> {
  if (source.kind === 'file') {
    const parsed = await parseDocument(source.file, { maxFileBytes: config.maxFileBytes, signal });
    return {
      ...parsed,
      pageStarts: parsed.pageStarts ?? null,
      sizeBytes: source.file.bytes.byteLength,
    };
  }
  const sizeBytes = new TextEncoder().encode(source.text).byteLength;
  if (sizeBytes > config.maxFileBytes) {
    throw new KnowledgeError(
      'too-large',
      `"${source.name}" is ${formatBytes(sizeBytes)}, over this knowledge base's limit of ${formatBytes(config.maxFileBytes)}.`,
    );
  }
  // Synced content is already normalized (normalizing is idempotent); pasted text is not.
  const text = source.pageStarts ? source.text : normalizeText(source.text);
  if (text.trim() === '')
    throw new KnowledgeError('empty-file', `"${source.name}" contains no text.`);
  return {
    format: 'text',
    mimeType: MIME_OF.text,
    text,
    pageStarts: source.pageStarts ?? null,
    sizeBytes,
  };
}

/**
 * Adds the chunks in batches (so a cancel can arrive between them). On cancel, the chunks added
 * so far are discarded and the previous version of the document is put back.
 */
async function indexChunks(
  target: IngestTarget,
  document: IngestDocument,
  name: string,
  chunks: IndexedChunk[],
  vectors: Float32Array[] | null,
  onBatch: (done: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const index = target.chunks;
  const previous = index.documents().get(document.id);
  const previousChunks: IndexedChunk[] = [];
  if (previous) {
    for (let i = 0; i < previous.chunkCount; i++) {
      const chunk = index.getChunk(chunkId(document.id, i));
      if (chunk) previousChunks.push(chunk);
    }
  }
  index.removeDocument(document.id);
  const staging = { id: document.id, name, version: document.version };
  try {
    for (let i = 0; i < chunks.length; i += INDEX_BATCH) {
      index.appendChunks(staging, chunks.slice(i, i + INDEX_BATCH));
      onBatch(Math.min(chunks.length, i + INDEX_BATCH));
      if (i + INDEX_BATCH < chunks.length) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        throwIfCancelled(signal);
      }
    }
  } catch (error) {
    index.removeDocument(document.id);
    if (previous)
      index.addDocument(
        { id: document.id, name: previous.name, version: previous.version },
        previousChunks,
      );
    throw error;
  }
  if (target.vectors) {
    const prefix = `${document.id}#`;
    target.vectors.deleteWhere((id) => id.startsWith(prefix));
    vectors?.forEach((vector, i) => target.vectors!.set(chunks[i]!.id, vector));
  }
}

function pageOf(offset: number, pageStarts: number[] | null): number | null {
  if (!pageStarts || pageStarts.length === 0) return null;
  let low = 0;
  let high = pageStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (pageStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
