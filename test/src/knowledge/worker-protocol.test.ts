import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/knowledge/config.ts';
import type { IngestProgress } from '../../../src/knowledge/ingest.ts';
import { KnowledgeLibrary } from '../../../src/knowledge/knowledge-library.ts';
import { KnowledgeWorkerClient } from '../../../src/knowledge/worker-client.ts';
import type { MessageEndpoint } from '../../../src/knowledge/worker-protocol.ts';
import { serveKnowledgeLibrary } from '../../../src/knowledge/worker-server.ts';

// The worker's two ends over a real MessageChannel: every message is structured-cloned as it
// would be between the page and the Web Worker.
const channels: MessageChannel[] = [];

function connect(): KnowledgeWorkerClient {
  const channel = new MessageChannel();
  channels.push(channel);
  serveKnowledgeLibrary(channel.port2 as unknown as MessageEndpoint, new KnowledgeLibrary());
  channel.port1.start();
  channel.port2.start();
  return new KnowledgeWorkerClient(channel.port1 as unknown as MessageEndpoint);
}

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

const knowledgeBaseId = 'kb-1';
const config = { ...DEFAULT_CONFIG, chunkSize: 300, chunkOverlap: 30 };

describe('knowledge worker protocol', () => {
  it('ingests a file with progress, searches, exports and loads', async () => {
    const client = connect();
    await client.call('configure', { knowledgeBaseId, config });
    const bytes = new Uint8Array(
      await readFile(new URL('../../fixtures/knowledge/greenhouse.md', import.meta.url)),
    );
    const progress: IngestProgress[] = [];
    const result = await client.call(
      'ingest',
      {
        knowledgeBaseId,
        document: {
          id: 'doc-md',
          version: 'v1',
          source: { kind: 'file', file: { name: 'greenhouse.md', bytes } },
        },
      },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result).toMatchObject({ documentId: 'doc-md', format: 'markdown', chunkCount: 2 });
    expect(progress.at(-1)).toEqual({ stage: 'done', fraction: 1 });

    const response = await client.call('search', {
      knowledgeBaseId,
      query: 'aphids soap',
      options: { topK: 3 },
    });
    expect(response.hits[0]?.chunk).toMatchObject({
      documentId: 'doc-md',
      documentName: 'greenhouse.md',
    });
    const { chunk, highlights } = response.hits[0]!;
    expect(highlights.map(({ start, end }) => chunk.text.slice(start, end))).toEqual([
      'Aphids',
      'soap',
    ]);

    const saved = await client.call('export', { knowledgeBaseId });
    const other = connect();
    await other.call('configure', { knowledgeBaseId, config });
    expect(await other.call('load', { knowledgeBaseId, persisted: saved })).toEqual({
      documents: 1,
      chunks: 2,
      embeddedChunks: 0,
    });
    expect(await other.call('removeDocument', { knowledgeBaseId, documentId: 'doc-md' })).toBe(
      true,
    );
    expect(await other.call('stats', { knowledgeBaseId })).toEqual({
      documents: 0,
      chunks: 0,
      embeddedChunks: 0,
    });
  });

  it('cancels an ingest through the AbortSignal, leaving the index unchanged', async () => {
    const client = connect();
    await client.call('configure', { knowledgeBaseId, config });
    const text = Array.from({ length: 20_000 }, (_, i) => `Entry ${i} of the milking log.`).join(
      '\n',
    );
    const controller = new AbortController();
    const ingest = client.call(
      'ingest',
      {
        knowledgeBaseId,
        document: { id: 'log', version: 'v1', source: { kind: 'text', name: 'log.txt', text } },
      },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'indexing') controller.abort();
        },
      },
    );
    await expect(ingest).rejects.toMatchObject({ name: 'KnowledgeError', code: 'cancelled' });
    expect(await client.call('stats', { knowledgeBaseId })).toEqual({
      documents: 0,
      chunks: 0,
      embeddedChunks: 0,
    });
  });

  it('turns errors into KnowledgeErrors with their code', async () => {
    const client = connect();
    await expect(client.call('stats', { knowledgeBaseId: 'nope' })).rejects.toMatchObject({
      name: 'KnowledgeError',
      code: 'unknown-knowledge-base',
    });
    await client.call('configure', { knowledgeBaseId, config });
    const empty = { kind: 'file', file: { name: 'empty.txt', bytes: new Uint8Array() } } as const;
    await expect(
      client.call('ingest', {
        knowledgeBaseId,
        document: { id: 'e', version: 'v1', source: empty },
      }),
    ).rejects.toMatchObject({ code: 'empty-file', message: '"empty.txt" is empty.' });
  });
});
