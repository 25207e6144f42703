import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chunkId } from '../../../src/knowledge/chunk-index.ts';
import { DEFAULT_CONFIG, type KnowledgeBaseConfig } from '../../../src/knowledge/config.ts';
import type { IngestDocument, IngestProgress } from '../../../src/knowledge/ingest.ts';
import { KnowledgeLibrary } from '../../../src/knowledge/knowledge-library.ts';
import { LocalKnowledgeRetriever } from '../../../src/knowledge/retriever.ts';

const KB = 'kb-farm';
const config: KnowledgeBaseConfig = { ...DEFAULT_CONFIG, chunkSize: 200, chunkOverlap: 40 };

function library(): KnowledgeLibrary {
  const created = new KnowledgeLibrary();
  created.configure(KB, config);
  return created;
}

function textDocument(id: string, name: string, text: string, version = 'v1'): IngestDocument {
  return { id, version, source: { kind: 'text', name, text } };
}

async function fileDocument(id: string, name: string): Promise<IngestDocument> {
  const bytes = new Uint8Array(
    await readFile(new URL(`../../fixtures/knowledge/${name}`, import.meta.url)),
  );
  return { id, version: 'v1', source: { kind: 'file', file: { name, bytes } } };
}

const GREENHOUSE = 'Open the roof vents when the greenhouse passes 26 degrees. Close them at dusk.';
const ORCHARD = 'Prune the apple trees in February, before the buds open. Burn the cut branches.';

async function searchIds(target: KnowledgeLibrary, query: string): Promise<string[]> {
  const response = await target.search(KB, query, { topK: 10 });
  return response.hits.map((hit) => hit.chunk.documentId);
}

describe('KnowledgeLibrary: ingest and BM25 search', () => {
  it('finds the chunk that holds the words, with document name, position and highlights', async () => {
    const kb = library();
    await kb.ingest(KB, textDocument('d1', 'greenhouse.txt', GREENHOUSE));
    await kb.ingest(KB, textDocument('d2', 'orchard.txt', ORCHARD));
    const response = await kb.search(KB, 'prune apple', { topK: 5 });
    expect(response.mode).toBe('bm25');
    expect(response.fallback).toBeNull();
    const [first] = response.hits;
    expect(first?.chunk).toMatchObject({
      documentId: 'd2',
      documentName: 'orchard.txt',
      index: 0,
      start: 0,
    });
    expect(first?.score).toBe(1);
    expect(first?.terms.sort()).toEqual(['apple', 'prune']);
    const highlighted = first!.highlights.map(({ start, end }) =>
      first!.chunk.text.slice(start, end),
    );
    expect(highlighted).toEqual(['Prune', 'apple']);
  });

  it('matches the last word as a prefix while typing, and forgives a typo when nothing matches', async () => {
    const kb = library();
    await kb.ingest(
      KB,
      textDocument('d1', 'irrigation.txt', 'Irrigation of the café garden starts in May.'),
    );
    expect((await kb.search(KB, 'irrig', { topK: 3 })).hits).toEqual([]);
    const typed = await kb.search(KB, 'irrig', { topK: 3, typeahead: true });
    expect(typed.hits.map((h) => h.terms)).toEqual([['irrigation']]);
    expect((await kb.search(KB, 'cafe', { topK: 3 })).hits[0]?.highlights).toHaveLength(1);
    const typo = await kb.search(KB, 'irrigaton', { topK: 3 });
    expect(typo.hits.map((h) => h.chunk.documentId)).toEqual(['d1']);
  });

  it('reads files end to end: a PDF chunk knows its page', async () => {
    const kb = new KnowledgeLibrary();
    kb.configure(KB, { ...config, chunkSize: 80, chunkOverlap: 0 });
    const result = await kb.ingest(KB, await fileDocument('pdf1', 'handbook.pdf'));
    expect(result).toMatchObject({ format: 'pdf', name: 'handbook.pdf', sizeBytes: 1099 });
    expect(result.chunkCount).toBeGreaterThan(0);
    const [hit] = (await kb.search(KB, 'fleece seedlings', { topK: 1 })).hits;
    expect(hit?.chunk.page).toBe(2);
    expect(hit?.chunk.text).toContain('Cover the seedlings with fleece');
  });

  it('updates the index when a document is added, changed and removed', async () => {
    const kb = library();
    await kb.ingest(KB, textDocument('d1', 'greenhouse.txt', GREENHOUSE));
    expect(await searchIds(kb, 'apple')).toEqual([]);
    await kb.ingest(KB, textDocument('d2', 'orchard.txt', ORCHARD));
    expect(await searchIds(kb, 'apple')).toEqual(['d2']);
    expect(kb.stats(KB)).toEqual({ documents: 2, chunks: 2, embeddedChunks: 0 });

    // A new version replaces the old one's chunks: old words are gone, new ones found.
    await kb.ingest(
      KB,
      textDocument('d2', 'orchard.txt', 'Plant pear trees along the south wall.', 'v2'),
    );
    expect(await searchIds(kb, 'apple')).toEqual([]);
    expect(await searchIds(kb, 'pear')).toEqual(['d2']);
    expect(kb.chunkIndex(KB).documents().get('d2')).toEqual({
      name: 'orchard.txt',
      version: 'v2',
      chunkCount: 1,
    });

    expect(kb.removeDocument(KB, 'd2')).toBe(true);
    expect(await searchIds(kb, 'pear')).toEqual([]);
    expect(await searchIds(kb, 'vents')).toEqual(['d1']);
    expect(kb.stats(KB)).toEqual({ documents: 1, chunks: 1, embeddedChunks: 0 });
    expect(kb.removeDocument(KB, 'd2')).toBe(false);
  });

  it('persists the index and loads it back without re-ingesting', async () => {
    const kb = library();
    const long = Array.from(
      { length: 50 },
      (_, i) => `Row ${i} of the ledger records ${i * 3} sacks of barley.`,
    ).join(' ');
    await kb.ingest(KB, textDocument('d1', 'ledger.txt', long));
    await kb.ingest(KB, textDocument('d2', 'orchard.txt', ORCHARD));
    kb.removeDocument(KB, 'd2');
    const saved = kb.export(KB);
    const before = await kb.search(KB, 'sacks barley 42', { topK: 3 });

    const reloaded = new KnowledgeLibrary();
    reloaded.configure(KB, config);
    expect(reloaded.load(KB, JSON.parse(JSON.stringify(saved)))).toEqual(kb.stats(KB));
    const after = await reloaded.search(KB, 'sacks barley 42', { topK: 3 });
    expect(after.hits.map((h) => [h.chunk, h.score])).toEqual(
      before.hits.map((h) => [h.chunk, h.score]),
    );
    expect(await searchIds(reloaded, 'apple')).toEqual([]);
    expect(reloaded.chunkIndex(KB).documents().get('d1')?.version).toBe('v1');

    // The loaded index keeps updating incrementally.
    await reloaded.ingest(KB, textDocument('d3', 'orchard.txt', ORCHARD));
    expect(await searchIds(reloaded, 'apple')).toEqual(['d3']);
  });

  it('refuses a damaged saved index so the caller rebuilds it', () => {
    const kb = library();
    expect(() => kb.load(KB, { chunks: '{"format":1,', vectors: null })).toThrow(
      expect.objectContaining({ code: 'corrupt-index' }),
    );
    expect(() => kb.load(KB, { chunks: '{"format":0,"documents":{}}', vectors: null })).toThrow(
      expect.objectContaining({ code: 'corrupt-index' }),
    );
  });

  it('reports progress through the stages up to done', async () => {
    const kb = library();
    const progress: IngestProgress[] = [];
    const text = Array.from({ length: 5000 }, (_, i) => `Line ${i} about hay bales.`).join('\n');
    const result = await kb.ingest(KB, textDocument('d1', 'hay.txt', text), {
      onProgress: (p) => progress.push(p),
    });
    expect(result.chunkCount).toBeGreaterThan(500);
    expect(progress.map((p) => p.stage)).toEqual(
      expect.arrayContaining(['parsing', 'chunking', 'indexing', 'done']),
    );
    expect(progress.at(-1)).toEqual({ stage: 'done', fraction: 1 });
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('a cancelled ingest changes nothing, even when it replaces an indexed version', async () => {
    const kb = library();
    await kb.ingest(KB, textDocument('d1', 'hay.txt', 'The old barn stores hay bales.'));
    const text = Array.from({ length: 8000 }, (_, i) => `Line ${i} about straw.`).join('\n');
    const controller = new AbortController();
    const ingest = kb.ingest(KB, textDocument('d1', 'hay.txt', text, 'v2'), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'indexing' && p.fraction > 0.76) controller.abort();
      },
    });
    await expect(ingest).rejects.toMatchObject({ code: 'cancelled' });
    expect(await searchIds(kb, 'straw')).toEqual([]);
    expect(await searchIds(kb, 'barn')).toEqual(['d1']);
    expect(kb.stats(KB)).toEqual({ documents: 1, chunks: 1, embeddedChunks: 0 });
    expect(kb.chunkIndex(KB).getChunk(chunkId('d1', 1))).toBeNull();
  });

  it('bad files change nothing and say why', async () => {
    const kb = library();
    await kb.ingest(KB, textDocument('d1', 'greenhouse.txt', GREENHOUSE));
    for (const [name, code] of [
      ['encrypted.pdf', 'encrypted-pdf'],
      ['corrupt.pdf', 'corrupt-pdf'],
      ['image-renamed.txt', 'binary-file'],
      ['empty.txt', 'empty-file'],
    ] as const) {
      await expect(kb.ingest(KB, await fileDocument('d1', name))).rejects.toMatchObject({ code });
    }
    const small = new KnowledgeLibrary();
    small.configure(KB, { ...config, maxFileBytes: 100 });
    await expect(small.ingest(KB, await fileDocument('d9', 'handbook.pdf'))).rejects.toMatchObject({
      code: 'too-large',
    });
    await expect(
      small.ingest(KB, textDocument('d9', 'paste', 'x'.repeat(101))),
    ).rejects.toMatchObject({
      code: 'too-large',
    });
    await expect(kb.ingest(KB, textDocument('d9', 'paste', '  \n '))).rejects.toMatchObject({
      code: 'empty-file',
    });
    expect(await searchIds(kb, 'vents')).toEqual(['d1']);
    expect(kb.stats(KB)).toEqual({ documents: 1, chunks: 1, embeddedChunks: 0 });
  });
});

describe('LocalKnowledgeRetriever', () => {
  it('returns the top chunks with document name and position, above the minimum score', async () => {
    const kb = library();
    await kb.ingest(KB, textDocument('d1', 'greenhouse.txt', GREENHOUSE));
    await kb.ingest(KB, textDocument('d2', 'orchard.txt', ORCHARD));
    await kb.ingest(
      KB,
      textDocument(
        'd3',
        'notes.txt',
        'The greenhouse door sticks; the apple crates are in the shed.',
      ),
    );
    const retriever = new LocalKnowledgeRetriever(kb);
    const chunks = await retriever.query(KB, 'greenhouse roof vents', { topK: 2 });
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toEqual({
      documentId: 'd1',
      documentName: 'greenhouse.txt',
      position: { chunkIndex: 0, start: 0, end: GREENHOUSE.length, page: null },
      text: GREENHOUSE,
      score: 1,
    });
    expect(chunks[1]?.documentId).toBe('d3');
    expect(chunks[1]!.score).toBeLessThan(0.5);
    const strict = await retriever.query(KB, 'greenhouse roof vents', { topK: 2, minScore: 0.5 });
    expect(strict.map((c) => c.documentId)).toEqual(['d1']);
  });

  it('refuses a knowledge base that is not loaded and out-of-range options', async () => {
    const retriever = new LocalKnowledgeRetriever(library());
    await expect(retriever.query('missing', 'x', { topK: 3 })).rejects.toMatchObject({
      code: 'unknown-knowledge-base',
    });
    await expect(retriever.query(KB, 'x', { topK: 0 })).rejects.toMatchObject({
      code: 'invalid-config',
    });
    await expect(retriever.query(KB, 'x', { topK: 3, minScore: 2 })).rejects.toMatchObject({
      code: 'invalid-config',
    });
  });
});
