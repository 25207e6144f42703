/**
 * The runtime in a real Web Worker in Chromium: src/runtime/worker.ts bundled as the app would
 * ship it, driven from the page by the same client the app uses. The LLM node streams from the
 * local test server (another origin, as a provider is); the page's vault answers the worker's
 * request for the key, and nothing the worker sends back carries it.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord, RuntimeWorkflow } from '../../../src/runtime/index.ts';
import { launchBrowser } from '../../support/browser.ts';
import { startLlmTestServer, type LlmTestServer } from './support/llm-test-server.ts';
import { ANY_INPUT, edge, node } from './support/workflows.ts';

const RUNTIME_DIR = fileURLToPath(new URL('../../../src/runtime/', import.meta.url));
const SECRET = 'sk-browser-worker-7e1f0c';

async function bundle(contents: string, globalName?: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: RUNTIME_DIR, loader: 'ts' },
    bundle: true,
    format: 'iife',
    ...(globalName ? { globalName } : {}),
    write: false,
    target: 'es2022',
  });
  return result.outputFiles[0]!.text;
}

describe('runtime in a Web Worker (Chromium)', { timeout: 180_000 }, () => {
  let pages: Server;
  let url: string;
  let llm: LlmTestServer;
  let browser: Browser;

  beforeAll(async () => {
    const [worker, client] = await Promise.all([
      bundle("import './worker.ts';"),
      bundle("export { createRuntimeClient } from './worker-client.ts';", 'runtime'),
    ]);
    pages = createServer((request, response) => {
      const js = (text: string) =>
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(text);
      if (request.url === '/worker.js') js(worker);
      else if (request.url === '/client.js') js(client);
      else
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script src="/client.js"></script>');
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    const address = pages.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    llm = await startLlmTestServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await llm?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  it('runs a workflow off the main thread, streaming tokens, with the key asked from the page per call', async () => {
    const workflow: RuntimeWorkflow = {
      id: 'wf-browser',
      nodes: [
        node('t', 'trigger', ANY_INPUT),
        node('l', 'llm', {
          provider: 'openai-compatible',
          model: 'echo-key#browser',
          secretId: 'vault-key',
          userPrompt: '{{input.q}}',
        }),
        node('x', 'transform', { template: '{{ $uppercase(input) }}' }),
        node('o', 'output'),
      ],
      edges: [
        edge('t', 'payload', 'l', 'input'),
        edge('l', 'text', 'x', 'input'),
        edge('x', 'output', 'o', 'result'),
      ],
    };
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    const result = await page.evaluate(
      async ({ workflowJson, baseUrl, secret }) => {
        const workflow = JSON.parse(workflowJson) as RuntimeWorkflow;
        type ClientModule = typeof import('../../../src/runtime/worker-client.ts');
        const { createRuntimeClient } = (window as unknown as { runtime: ClientModule }).runtime;
        const worker = new Worker('/worker.js');
        const fromWorker: unknown[] = [];
        worker.addEventListener('message', (event) => fromWorker.push(event.data));
        const asked: string[] = [];
        const client = createRuntimeClient(worker, {
          resolveSecret: async (id) => {
            asked.push(id);
            return secret;
          },
        });
        const tokens: string[] = [];
        const record = await client.run(
          {
            workflow,
            input: { q: 'hi' },
            executionId: 'ex-browser',
            llmBaseUrls: { 'openai-compatible': baseUrl },
          },
          (event) => {
            if (event.type === 'node-token') tokens.push(event.text);
          },
        ).done;
        worker.terminate();
        return { record, tokens, asked, fromWorker: JSON.stringify(fromWorker) };
      },
      { workflowJson: JSON.stringify(workflow), baseUrl: `${llm.url}/v1`, secret: SECRET },
    );
    const record = result.record as ExecutionRecord;
    expect(record.status).toBe('succeeded');
    expect(record.output).toBe('KEY=[SECRET]');
    expect(result.asked).toEqual(['vault-key']);
    expect(result.tokens).toEqual(['key=', '[secret]']);
    expect(result.fromWorker).not.toContain(SECRET);
    expect(JSON.stringify(record)).not.toContain(SECRET);
    expect(llm.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${SECRET}`);
  });
});
