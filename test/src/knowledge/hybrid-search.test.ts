import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type KnowledgeBaseConfig } from '../../../src/knowledge/config.ts';
import { OpenAiCompatibleEmbeddings } from '../../../src/knowledge/embeddings.ts';
import type { IngestDocument } from '../../../src/knowledge/ingest.ts';
import { KnowledgeLibrary } from '../../../src/knowledge/knowledge-library.ts';

/**
 * A test embedding server speaking the OpenAI /v1/embeddings shape. Its "model" maps words to
 * three concepts (cold, water, fruit), so texts about the same concept are close even when
 * they share no word, which is what semantic search adds to BM25.
 */
const CONCEPTS: Record<string, number> = {
  frost: 0,
  freezing: 0,
  cold: 0,
  fleece: 0,
  zero: 0,
  winter: 0,
  water: 1,
  watering: 1,
  irrigation: 1,
  drought: 1,
  moisture: 1,
  apple: 2,
  pear: 2,
  fruit: 2,
  orchard: 2,
  harvest: 2,
};

function embed(text: string): number[] {
  const vector = [0.01, 0.01, 0.01];
  for (const word of text.toLowerCase().split(/[^a-z]+/)) {
    const concept = CONCEPTS[word];
    if (concept !== undefined) vector[concept]! += 1;
  }
  return vector;
}

interface Received {
  authorization: string | undefined;
  model: string;
  input: string[];
}

let server: Server;
let baseUrl: string;
const received: Received[] = [];
let refuse = false;

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const piece of request) text += piece;
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const payload = JSON.parse(await body(request)) as { model: string; input: string[] };
    received.push({ authorization: request.headers.authorization, ...payload });
    if (refuse || request.url !== '/v1/embeddings') {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
      return;
    }
    // Answer out of order: clients must place embeddings by `index`.
    const data = payload.input
      .map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }))
      .reverse();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ object: 'list', data, model: payload.model }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const KB = 'kb-hybrid';

function config(url = baseUrl): KnowledgeBaseConfig {
  return {
    ...DEFAULT_CONFIG,
    chunkSize: 200,
    chunkOverlap: 0,
    embeddings: { model: 'test-embed-3', baseUrl: url, secretName: 'embeddings key' },
  };
}

function library(options: { online?: () => boolean; url?: string } = {}): KnowledgeLibrary {
  const kb = new KnowledgeLibrary({
    embeddingsFor: (c, apiKey) =>
      c.embeddings
        ? new OpenAiCompatibleEmbeddings({
            baseUrl: c.embeddings.baseUrl,
            model: c.embeddings.model,
            apiKey: async () => apiKey,
          })
        : null,
    isOnline: options.online ?? (() => true),
  });
  kb.configure(KB, config(options.url));
  return kb;
}

const doc = (id: string, name: string, text: string): IngestDocument => ({
  id,
  version: 'v1',
  source: { kind: 'text', name, text },
});

const FROST = 'Cover the seedlings with fleece when the forecast drops below zero.';
const WATERING = 'Irrigation: water the tomatoes every morning, more during a drought.';
const PLANTS = 'Protecting young plants matters: plants are the future of the farm.';

async function seeded(kb: KnowledgeLibrary): Promise<void> {
  for (const [id, name, text] of [
    ['frost', 'frost.txt', FROST],
    ['water', 'water.txt', WATERING],
    ['plants', 'plants.txt', PLANTS],
  ] as const) {
    const result = await kb.ingest(KB, doc(id, name, text), { apiKey: 'sk-test' });
    expect(result).toMatchObject({ chunkCount: 1, embeddedCount: 1, embeddingProblem: null });
  }
}

describe('hybrid search against an OpenAI-compatible embedding server', () => {
  it('embeds chunks on ingest, sending the model and the key from the vault', async () => {
    received.length = 0;
    const kb = library();
    await seeded(kb);
    expect(kb.stats(KB)).toEqual({ documents: 3, chunks: 3, embeddedChunks: 3 });
    expect(received).toHaveLength(3);
    expect(received[0]).toEqual({
      authorization: 'Bearer sk-test',
      model: 'test-embed-3',
      input: [FROST],
    });
  });

  it('finds by meaning what BM25 alone misses, fused by reciprocal rank', async () => {
    const kb = library();
    await seeded(kb);
    const query = 'protecting plants against freezing winter nights';
    const hybrid = await kb.search(KB, query, { topK: 3, apiKey: 'sk-test' });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.fallback).toBeNull();
    // BM25 ranks "plants" first (it has the words); the vectors rank "frost" first (same meaning).
    expect(
      hybrid.hits
        .map((h) => h.chunk.documentId)
        .slice(0, 2)
        .sort(),
    ).toEqual(['frost', 'plants']);
    const frost = hybrid.hits.find((h) => h.chunk.documentId === 'frost')!;
    expect(frost.bm25Score).toBeNull();
    expect(frost.similarity).toBeGreaterThan(0.9);
    expect(frost.score).toBeCloseTo(0.5, 5); // first in one ranking of two
    expect(frost.highlights).toEqual([]);

    const bm25Only = new KnowledgeLibrary();
    bm25Only.configure(KB, { ...config(), embeddings: null });
    for (const [id, name, text] of [
      ['frost', 'frost.txt', FROST],
      ['water', 'water.txt', WATERING],
      ['plants', 'plants.txt', PLANTS],
    ] as const) {
      await bm25Only.ingest(KB, doc(id, name, text));
    }
    const keywords = await bm25Only.search(KB, query, { topK: 3 });
    expect(keywords.mode).toBe('bm25');
    expect(keywords.fallback).toBeNull();
    expect(keywords.hits.map((h) => h.chunk.documentId)).toEqual(['plants']);
  });

  it('scores 1 a chunk first in both rankings', async () => {
    const kb = library();
    await seeded(kb);
    const response = await kb.search(KB, 'fleece frost', { topK: 1, apiKey: 'sk-test' });
    expect(response.hits[0]).toMatchObject({ score: 1, chunk: { documentId: 'frost' } });
    // "frost" matched the document's name; only words in the text are highlighted.
    expect(response.hits[0]!.terms.sort()).toEqual(['fleece', 'frost']);
    const { chunk, highlights } = response.hits[0]!;
    expect(highlights.map(({ start, end }) => chunk.text.slice(start, end))).toEqual(['fleece']);
  });

  it('offline, falls back to BM25 and says so', async () => {
    let online = true;
    const kb = library({ online: () => online });
    await seeded(kb);
    online = false;
    const before = received.length;
    const response = await kb.search(KB, 'fleece', { topK: 3, apiKey: 'sk-test' });
    expect(response).toMatchObject({ mode: 'bm25', fallback: 'offline' });
    expect(response.notice).toMatch(/^Offline: results are ranked by keywords only/);
    expect(response.hits.map((h) => h.chunk.documentId)).toEqual(['frost']);
    expect(received.length).toBe(before);
  });

  it('falls back to BM25 when the provider cannot be reached or refuses, and ingest still indexes', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
    await new Promise((resolve) => closed.close(resolve));

    const unreachable = library({ url: deadUrl });
    const result = await unreachable.ingest(KB, doc('frost', 'frost.txt', FROST), { apiKey: 'k' });
    expect(result.embeddedCount).toBe(0);
    expect(result.embeddingProblem).toMatch(/could not be reached/);
    expect(unreachable.stats(KB)).toEqual({ documents: 1, chunks: 1, embeddedChunks: 0 });
    expect((await unreachable.search(KB, 'fleece', { topK: 3 })).fallback).toBe('no-embeddings');

    const kb = library();
    await seeded(kb);
    refuse = true;
    try {
      const response = await kb.search(KB, 'fleece', { topK: 3, apiKey: 'wrong' });
      expect(response).toMatchObject({ mode: 'bm25', fallback: 'provider-error' });
      expect(response.hits[0]?.chunk.documentId).toBe('frost');
      const refused = await kb.ingest(KB, doc('pear', 'pear.txt', 'Pear harvest in September.'), {
        apiKey: 'wrong',
      });
      expect(refused.embeddingProblem).toBe(
        'The embedding provider refused the request (HTTP 401): Incorrect API key provided',
      );
    } finally {
      refuse = false;
    }
    const moved = library({ url: deadUrl });
    moved.load(KB, kb.export(KB));
    const response = await moved.search(KB, 'fleece', { topK: 3 });
    expect(response).toMatchObject({ mode: 'bm25', fallback: 'offline' });
  });

  it('persists embeddings with the index; a reload searches by hybrid without re-embedding', async () => {
    const kb = library();
    await seeded(kb);
    const saved = JSON.parse(JSON.stringify(kb.export(KB)));
    const reloaded = library();
    expect(reloaded.load(KB, saved)).toEqual({ documents: 3, chunks: 3, embeddedChunks: 3 });
    const before = received.length;
    const response = await reloaded.search(KB, 'freezing winter', { topK: 1, apiKey: 'sk-test' });
    expect(response.mode).toBe('hybrid');
    expect(response.hits[0]?.chunk.documentId).toBe('frost');
    expect(received.length).toBe(before + 1); // the query only
  });
});
