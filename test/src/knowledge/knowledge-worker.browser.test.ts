/**
 * The knowledge worker in real Chromium: the worker entry (src/knowledge/knowledge.worker.ts)
 * bundled as a module worker, driven from the page by KnowledgeWorkerClient. pdf.js loads lazily
 * inside the worker; a PDF and a Markdown file are ingested with progress and found by search;
 * an encrypted PDF is refused; the page stays responsive while a large document is ingested.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type OutputFile } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../support/browser.ts';

const KNOWLEDGE = fileURLToPath(new URL('../../../src/knowledge/', import.meta.url));
const FIXTURES = new URL('../../fixtures/knowledge/', import.meta.url);

// The page's side: a client on the worker, exposed as `window.knowledge`.
const PAGE_ENTRY = `
import { KnowledgeWorkerClient } from './worker-client.ts';
const worker = new Worker('/knowledge.worker.js', { type: 'module' });
window.knowledge = new KnowledgeWorkerClient(worker);
`;

interface PageWindow {
  knowledge: {
    call(method: string, params: unknown, options?: unknown): Promise<unknown>;
  };
}

describe('knowledge worker in Chromium', { timeout: 180_000 }, () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const common = {
      bundle: true,
      format: 'esm',
      splitting: true,
      write: false,
      target: 'es2022',
      outdir: '/out',
    } as const;
    const [pageBundle, workerBundle] = await Promise.all([
      build({
        ...common,
        stdin: { contents: PAGE_ENTRY, resolveDir: KNOWLEDGE, loader: 'ts' },
        entryNames: 'page',
        chunkNames: 'page-[hash]',
      }),
      build({
        ...common,
        entryPoints: { 'knowledge.worker': `${KNOWLEDGE}knowledge.worker.ts` },
        chunkNames: 'worker-[hash]',
      }),
    ]);
    const files = new Map<string, OutputFile>();
    for (const file of [...pageBundle.outputFiles, ...workerBundle.outputFiles])
      files.set(file.path.replace('/out', ''), file);
    server = createServer(async (request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const file = files.get(path);
      if (file) {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(file.contents);
      } else if (path.startsWith('/fixtures/')) {
        const name = path.slice('/fixtures/'.length);
        if (!/^[\w.-]+$/.test(name)) return void response.writeHead(404).end();
        response.writeHead(200).end(await readFile(new URL(name, FIXTURES)));
      } else {
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script type="module" src="/page.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'knowledge' in window);
    await page.evaluate(() =>
      (window as unknown as PageWindow).knowledge.call('configure', {
        knowledgeBaseId: 'kb',
        config: {
          chunkSize: 80,
          chunkOverlap: 0,
          maxFileBytes: 50 * 1024 * 1024,
          embeddings: null,
        },
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function ingestFixture(
    name: string,
    id: string,
  ): Promise<{ result?: unknown; error?: unknown; stages: string[] }> {
    return page.evaluate(
      async ({ name, id }) => {
        const bytes = new Uint8Array(await (await fetch(`/fixtures/${name}`)).arrayBuffer());
        const stages: string[] = [];
        try {
          const result = await (window as unknown as PageWindow).knowledge.call(
            'ingest',
            {
              knowledgeBaseId: 'kb',
              document: { id, version: 'v1', source: { kind: 'file', file: { name, bytes } } },
            },
            { onProgress: (p: { stage: string }) => stages.push(p.stage) },
          );
          return { result, stages };
        } catch (error) {
          return {
            error: {
              name: (error as Error).name,
              code: (error as { code?: string }).code,
              message: (error as Error).message,
            },
            stages,
          };
        }
      },
      { name, id },
    );
  }

  it('ingests a PDF and a Markdown file with progress and finds the right chunk first', async () => {
    const pdf = await ingestFixture('handbook.pdf', 'pdf');
    expect(pdf.error).toBeUndefined();
    expect(pdf.result).toMatchObject({ format: 'pdf', pageStarts: [0, expect.any(Number)] });
    expect(pdf.stages).toEqual(expect.arrayContaining(['parsing', 'chunking', 'indexing', 'done']));
    const md = await ingestFixture('greenhouse.md', 'md');
    expect(md.result).toMatchObject({ format: 'markdown' });
    // mammoth's browser build, imported on the first .docx.
    const docx = await ingestFixture('minutes.docx', 'docx');
    expect(docx.result).toMatchObject({
      format: 'docx',
      text: expect.stringContaining('solar panel budget'),
    });

    const response = (await page.evaluate(() =>
      (window as unknown as PageWindow).knowledge.call('search', {
        knowledgeBaseId: 'kb',
        query: 'fleece seedlings',
        options: { topK: 3 },
      }),
    )) as { hits: Array<{ chunk: { documentId: string; page: number | null; text: string } }> };
    expect(response.hits[0]?.chunk).toMatchObject({ documentId: 'pdf', page: 2 });
    expect(response.hits[0]?.chunk.text).toContain('fleece');
    const aphids = (await page.evaluate(() =>
      (window as unknown as PageWindow).knowledge.call('search', {
        knowledgeBaseId: 'kb',
        query: 'aphids',
        options: { topK: 3 },
      }),
    )) as { hits: Array<{ chunk: { documentId: string } }> };
    expect(aphids.hits.map((h) => h.chunk.documentId)).toEqual(['md']);
  });

  it('refuses an encrypted and a damaged PDF with their errors', async () => {
    expect((await ingestFixture('encrypted.pdf', 'enc')).error).toMatchObject({
      name: 'KnowledgeError',
      code: 'encrypted-pdf',
    });
    expect((await ingestFixture('corrupt.pdf', 'bad')).error).toMatchObject({
      name: 'KnowledgeError',
      code: 'corrupt-pdf',
    });
  });

  it('keeps the page responsive while a large document is ingested, and cancels it', async () => {
    const outcome = await page.evaluate(async () => {
      const text = Array.from(
        { length: 60_000 },
        (_, i) => `Entry ${i} of the milking log, cow ${i % 97}.`,
      ).join('\n');
      const controller = new AbortController();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      let indexing = false;
      const ingest = (window as unknown as PageWindow).knowledge
        .call(
          'ingest',
          {
            knowledgeBaseId: 'kb',
            document: { id: 'log', version: 'v1', source: { kind: 'text', name: 'log.txt', text } },
          },
          {
            signal: controller.signal,
            onProgress: (p: { stage: string }) => {
              if (p.stage === 'indexing' && !indexing) {
                indexing = true;
                setTimeout(() => controller.abort(), 50);
              }
            },
          },
        )
        .then(
          () => 'finished',
          (error: { code?: string }) => error.code,
        );
      const result = await ingest;
      clearInterval(timer);
      const stats = await (window as unknown as PageWindow).knowledge.call('stats', {
        knowledgeBaseId: 'kb',
      });
      return { result, ticks, stats };
    });
    expect(outcome.result).toBe('cancelled');
    // The page's timers kept running while the worker worked.
    expect(outcome.ticks).toBeGreaterThan(5);
    expect(outcome.stats).toMatchObject({ documents: 3 });
  });
});
