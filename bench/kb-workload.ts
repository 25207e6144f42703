/**
 * The knowledge-base benchmark's workload, shared by Node (bench/kb.bench.ts) and Chromium
 * (bench/kb-harness/): a deterministic corpus of English-like prose (a Zipf-distributed
 * vocabulary of 30,000 words whose head is English's function words, so a third of the words
 * are "the", "of", "and"... as in real text; sentences, paragraphs), ingested through KnowledgeLibrary (text
 * normalization, chunking, BM25 indexing), then queried with one- to three-word queries.
 * Imports nothing from Node so the same code runs in the page.
 */
import MiniSearch from 'minisearch';
import { KnowledgeLibrary } from '../src/knowledge/knowledge-library.ts';
import { DEFAULT_CONFIG, type KnowledgeBaseConfig } from '../src/knowledge/config.ts';

export const KB_ID = 'bench-kb';
export const CHUNK_SIZE = 500;
export const CONFIG: KnowledgeBaseConfig = {
  ...DEFAULT_CONFIG,
  chunkSize: CHUNK_SIZE,
  chunkOverlap: 50,
};
const VOCABULARY_SIZE = 30_000;
const DOCUMENT_CHARS = 200_000;
const QUERIES = 300;

/** mulberry32: a small seeded generator, so every run and both engines see the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'ro',
  'mi',
  'ten',
  'sul',
  'ver',
  'an',
  'do',
  'bri',
  'fol',
  'gar',
  'ne',
  'pix',
  'lo',
  'sta',
  'ur',
];

/** English function words, most frequent first: the head of the Zipf curve, as in real prose. */
const FUNCTION_WORDS =
  'the of and to a in is it that was for on are as with at be this by from or an have will but has its were'.split(
    ' ',
  );

function vocabulary(): string[] {
  const next = random(7);
  const words = new Set<string>(FUNCTION_WORDS);
  while (words.size < VOCABULARY_SIZE) {
    const length = 1 + Math.floor(next() * 4);
    let word = '';
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Zipf(1) ranks by inverse transform on the harmonic numbers' logarithmic approximation. */
function zipfPicker(words: string[], next: () => number): () => string {
  const n = words.length;
  return () => {
    const rank = Math.min(n - 1, Math.floor(Math.exp(next() * Math.log(n + 1))) - 1);
    return words[Math.max(0, rank)]!;
  };
}

export interface Corpus {
  documents: Array<{ id: string; name: string; text: string }>;
  queries: string[];
  chars: number;
}

/** Enough documents for about `chunks` chunks of CHUNK_SIZE (with the configured overlap). */
export function makeCorpus(chunks: number): Corpus {
  const words = vocabulary();
  const next = random(42);
  const pick = zipfPicker(words, next);
  const targetChars = chunks * (CHUNK_SIZE - CONFIG.chunkOverlap) * 0.8;
  const documents: Corpus['documents'] = [];
  let chars = 0;
  while (chars < targetChars) {
    const parts: string[] = [];
    let length = 0;
    while (length < Math.min(DOCUMENT_CHARS, targetChars - chars)) {
      const sentences: string[] = [];
      const count = 3 + Math.floor(next() * 4);
      for (let s = 0; s < count; s++) {
        const size = 6 + Math.floor(next() * 14);
        const sentence = Array.from({ length: size }, pick).join(' ');
        sentences.push(sentence[0]!.toUpperCase() + sentence.slice(1) + '.');
      }
      const paragraph = sentences.join(' ');
      parts.push(paragraph);
      length += paragraph.length + 2;
    }
    const text = parts.join('\n\n');
    documents.push({
      id: `doc-${documents.length}`,
      name: `document ${documents.length}.txt`,
      text,
    });
    chars += text.length;
  }
  // Queries mix common and rare words, as people type them: 1 to 3 words.
  const queryRandom = random(99);
  const queryPick = zipfPicker(words, queryRandom);
  const queries = Array.from({ length: QUERIES }, () =>
    Array.from({ length: 1 + Math.floor(queryRandom() * 3) }, () =>
      queryRandom() < 0.5 ? queryPick() : words[Math.floor(queryRandom() * 2000)]!,
    ).join(' '),
  );
  return { documents, queries, chars };
}

export interface KbMeasurements {
  chunks: number;
  megabytes: number;
  /** Whole pipeline: normalize, chunk, index, per MB of text. */
  ingestMBps: number;
  /** Baseline: MiniSearch's addAll of the same chunks, without our chunking. */
  bareIndexMBps: number;
  queryP50: number;
  queryP95: number;
  /** Baseline: MiniSearch's search with its default options on the same index. */
  bareP50: number;
  bareP95: number;
  /** Our search as a search box runs it (last word as a prefix). */
  typeaheadP50: number;
  typeaheadP95: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

export async function measure(chunks: number): Promise<KbMeasurements> {
  const corpus = makeCorpus(chunks);
  const library = new KnowledgeLibrary();
  library.configure(KB_ID, CONFIG);
  const started = performance.now();
  for (const document of corpus.documents) {
    await library.ingest(KB_ID, {
      id: document.id,
      version: 'v1',
      source: { kind: 'text', name: document.name, text: document.text },
    });
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const megabytes = corpus.chars / 1e6;
  const index = library.chunkIndex(KB_ID);

  // Baseline for ingest: the bare library indexing the chunks our pipeline made.
  const all = [...index.documents()].flatMap(([id, doc]) =>
    Array.from({ length: doc.chunkCount }, (_, i) => index.getChunk(`${id}#${i}`)!),
  );
  const bare = new MiniSearch({ fields: ['text', 'documentName'] });
  const bareStarted = performance.now();
  bare.addAll(all);
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  const ours: number[] = [];
  const bareDefault: number[] = [];
  const typeahead: number[] = [];
  for (const query of corpus.queries) {
    let t = performance.now();
    await library.search(KB_ID, query, { topK: 10 });
    ours.push(performance.now() - t);
    t = performance.now();
    index.engine.search(query);
    bareDefault.push(performance.now() - t);
    t = performance.now();
    await library.search(KB_ID, query, { topK: 10, typeahead: true });
    typeahead.push(performance.now() - t);
  }
  return {
    chunks: index.chunkCount,
    megabytes,
    ingestMBps: megabytes / ingestSeconds,
    bareIndexMBps: megabytes / bareSeconds,
    queryP50: percentile(ours, 50),
    queryP95: percentile(ours, 95),
    bareP50: percentile(bareDefault, 50),
    bareP95: percentile(bareDefault, 95),
    typeaheadP50: percentile(typeahead, 50),
    typeaheadP95: percentile(typeahead, 95),
  };
}
