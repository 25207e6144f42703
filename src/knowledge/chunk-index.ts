/**
 * The BM25 full-text index of one knowledge base's chunks, on MiniSearch. It is derived on each
 * device from the synced documents, persisted locally as JSON (so a reload loads it instead of
 * re-chunking every document) and updated one document at a time as documents are added,
 * changed or removed.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import { KnowledgeError } from './errors.ts';
import { findTermRanges, processTerm, tokenize, type TextRange } from './terms.ts';

/** A chunk as it is indexed and returned. */
export interface IndexedChunk {
  /** `${documentId}#${index}` */
  id: string;
  documentId: string;
  documentName: string;
  /** Position of the chunk in its document, from 0. */
  index: number;
  /** Offsets of the chunk in the document's text. */
  start: number;
  end: number;
  /** Page the chunk starts on, for documents that have pages (PDF); null otherwise. */
  page: number | null;
  text: string;
}

/** What the index remembers of a document, so a reload can tell which documents changed. */
export interface IndexedDocument {
  name: string;
  /** Whatever identifies the document's content: its `updated_at`, a hash. */
  version: string;
  chunkCount: number;
}

export interface ChunkHit {
  chunk: IndexedChunk;
  /** BM25 score (higher is better; not bounded). */
  score: number;
  /** Index terms of the chunk that matched the query. */
  terms: string[];
}

/** Bumped when the persisted shape or the term rules change: an older index is rebuilt. */
export const CHUNK_INDEX_FORMAT = 1;

interface PersistedChunkIndex {
  format: number;
  documents: Record<string, IndexedDocument>;
  engine: ReturnType<MiniSearch['toJSON']>;
}

const STORED_FIELDS = ['documentId', 'documentName', 'index', 'start', 'end', 'page', 'text'];

const ENGINE_OPTIONS: Options<IndexedChunk> = {
  fields: ['text', 'documentName'],
  storeFields: STORED_FIELDS,
  tokenize,
  processTerm,
  // Discarded chunks are cleaned up in the background once enough pile up.
  autoVacuum: { batchSize: 1000, batchWait: 10, minDirtCount: 1000, minDirtFactor: 0.1 },
};

/**
 * Query rules. Words count as typed (lower-cased, accents folded); matches in the text count
 * more than matches in the document's name. With `typeahead` (a search box), the last word also
 * finds longer words it starts ("irrig" finds "irrigation") once it has 4 letters. Only when a
 * query finds nothing is it run again forgiving a typo in words of 5 letters or more: fuzzy
 * matching on every query would cost several times the query itself (bench/kb.bench.ts).
 */
export const SEARCH_OPTIONS: SearchOptions = {
  combineWith: 'OR',
  boost: { text: 1, documentName: 0.5 },
};

const TYPEAHEAD_OPTIONS: SearchOptions = {
  ...SEARCH_OPTIONS,
  prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 4,
};

const FUZZY_OPTIONS: SearchOptions = {
  ...SEARCH_OPTIONS,
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
};

export interface ChunkSearchOptions {
  limit: number;
  typeahead?: boolean;
}

export function chunkId(documentId: string, index: number): string {
  return `${documentId}#${index}`;
}

export class ChunkIndex {
  private constructor(
    /** The MiniSearch instance, exposed for the benchmark's bare-library baseline. */
    readonly engine: MiniSearch<IndexedChunk>,
    private readonly docs: Map<string, IndexedDocument>,
  ) {}

  static create(): ChunkIndex {
    return new ChunkIndex(new MiniSearch<IndexedChunk>(ENGINE_OPTIONS), new Map());
  }

  /** Loads what `toJSON` wrote; a damaged or outdated index is an error, and the caller rebuilds. */
  static fromJSON(json: string): ChunkIndex {
    let persisted: PersistedChunkIndex;
    try {
      persisted = JSON.parse(json) as PersistedChunkIndex;
    } catch (error) {
      throw new KnowledgeError(
        'corrupt-index',
        'The saved search index is damaged; it will be rebuilt.',
        {
          cause: error,
        },
      );
    }
    if (persisted?.format !== CHUNK_INDEX_FORMAT || typeof persisted.documents !== 'object') {
      throw new KnowledgeError(
        'corrupt-index',
        'The saved search index is from another version; it will be rebuilt.',
      );
    }
    try {
      const engine = MiniSearch.loadJS<IndexedChunk>(persisted.engine, ENGINE_OPTIONS);
      return new ChunkIndex(engine, new Map(Object.entries(persisted.documents)));
    } catch (error) {
      throw new KnowledgeError(
        'corrupt-index',
        'The saved search index is damaged; it will be rebuilt.',
        {
          cause: error,
        },
      );
    }
  }

  toJSON(): string {
    const persisted: PersistedChunkIndex = {
      format: CHUNK_INDEX_FORMAT,
      documents: Object.fromEntries(this.docs),
      engine: this.engine.toJSON(),
    };
    return JSON.stringify(persisted);
  }

  get documentCount(): number {
    return this.docs.size;
  }

  get chunkCount(): number {
    return this.engine.documentCount;
  }

  documents(): ReadonlyMap<string, IndexedDocument> {
    return this.docs;
  }

  /** Adds a document's chunks, replacing the chunks of an earlier version of it. */
  addDocument(
    document: { id: string; name: string; version: string },
    chunks: IndexedChunk[],
  ): void {
    this.removeDocument(document.id);
    this.engine.addAll(chunks);
    this.docs.set(document.id, {
      name: document.name,
      version: document.version,
      chunkCount: chunks.length,
    });
  }

  /**
   * Adds more chunks of a document being indexed in batches (ingest.ts); its record counts the
   * chunks added so far, so removing it discards exactly those.
   */
  appendChunks(
    document: { id: string; name: string; version: string },
    chunks: IndexedChunk[],
  ): void {
    const known = this.docs.get(document.id);
    this.engine.addAll(chunks);
    this.docs.set(document.id, {
      name: document.name,
      version: document.version,
      chunkCount: (known?.chunkCount ?? 0) + chunks.length,
    });
  }

  removeDocument(documentId: string): boolean {
    const known = this.docs.get(documentId);
    if (!known) return false;
    const ids: string[] = [];
    for (let i = 0; i < known.chunkCount; i++) ids.push(chunkId(documentId, i));
    this.engine.discardAll(ids.filter((id) => this.engine.has(id)));
    this.docs.delete(documentId);
    return true;
  }

  getChunk(id: string): IndexedChunk | null {
    const stored = this.engine.getStoredFields(id) as Omit<IndexedChunk, 'id'> | undefined;
    return stored ? { id, ...stored } : null;
  }

  search(query: string, options: ChunkSearchOptions): ChunkHit[] {
    const { limit } = options;
    let results = this.engine.search(query, options.typeahead ? TYPEAHEAD_OPTIONS : SEARCH_OPTIONS);
    if (results.length === 0) results = this.engine.search(query, FUZZY_OPTIONS);
    const hits: ChunkHit[] = [];
    for (const result of results.slice(0, limit)) {
      hits.push({ chunk: toChunk(result), score: result.score, terms: result.terms });
    }
    return hits;
  }
}

function toChunk(stored: { [key: string]: unknown }): IndexedChunk {
  return {
    id: stored['id'] as string,
    documentId: stored['documentId'] as string,
    documentName: stored['documentName'] as string,
    index: stored['index'] as number,
    start: stored['start'] as number,
    end: stored['end'] as number,
    page: (stored['page'] as number | null | undefined) ?? null,
    text: stored['text'] as string,
  };
}

/** Ranges of `text` to highlight for the matched `terms` of a hit. */
export function highlightRanges(text: string, terms: string[]): TextRange[] {
  return findTermRanges(text, terms);
}
