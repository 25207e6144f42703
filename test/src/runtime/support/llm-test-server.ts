/**
 * A local stand-in for the LLM providers and for plain HTTP APIs, on 127.0.0.1 and a random
 * port. The model name picks the behaviour, so one server serves every test:
 *   "ok"               streams "Hello", " from", " the", " model" and usage
 *   "echo-key"         streams back the API key it was sent (a server that leaks it)
 *   "rate-limit-once"  answers 429 with Retry-After: 1 the first time, then streams
 *   "rate-limit-long"  always 429 with Retry-After: 3600
 *   "error-500"        always 500; "error-500-once" 500 the first time, then streams
 *   "malformed"        a stream event that is not JSON
 *   "cut-off"          a stream that ends before its completion marker
 *   "slow"             one token, then nothing for 30 s (timeout and cancel mid-stream)
 *   "delay-<ms>"       waits <ms> before answering (concurrency)
 * A suffix after "#" (`ok#a1`) keeps "-once" counters apart between tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  startedAt: number;
  endedAt: number;
}

export interface LlmTestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const TOKENS = ['Hello', ' from', ' the', ' model'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

type Wire = 'openai' | 'anthropic' | 'gemini' | 'ollama';

function sseHeaders(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

function writeTokens(
  wire: Wire,
  response: ServerResponse,
  tokens: string[],
  complete: boolean,
): void {
  const send = (data: unknown, event?: string) =>
    response.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  switch (wire) {
    case 'openai':
      for (const token of tokens) send({ choices: [{ index: 0, delta: { content: token } }] });
      if (complete) {
        send({ choices: [], usage: { prompt_tokens: 12, completion_tokens: tokens.length } });
        response.write('data: [DONE]\n\n');
      }
      return;
    case 'anthropic':
      send(
        { type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } },
        'message_start',
      );
      for (const token of tokens) {
        send(
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } },
          'content_block_delta',
        );
      }
      if (complete) {
        send({ type: 'message_delta', usage: { output_tokens: tokens.length } }, 'message_delta');
        send({ type: 'message_stop' }, 'message_stop');
      }
      return;
    case 'gemini':
      tokens.forEach((token, i) =>
        send({
          candidates: [
            {
              content: { parts: [{ text: token }] },
              ...(i === tokens.length - 1 && complete ? { finishReason: 'STOP' } : {}),
            },
          ],
          usageMetadata: { promptTokenCount: 12, candidatesTokenCount: i + 1 },
        }),
      );
      return;
    case 'ollama':
      for (const token of tokens)
        response.write(
          `${JSON.stringify({ message: { role: 'assistant', content: token }, done: false })}\n`,
        );
      if (complete)
        response.write(
          `${JSON.stringify({ done: true, prompt_eval_count: 12, eval_count: tokens.length })}\n`,
        );
      return;
  }
}

function apiKeyOf(request: IncomingMessage): string {
  const header =
    request.headers['authorization'] ??
    request.headers['x-api-key'] ??
    request.headers['x-goog-api-key'] ??
    '';
  return String(header).replace(/^Bearer /, '');
}

export async function startLlmTestServer(): Promise<LlmTestServer> {
  const requests: RecordedRequest[] = [];
  const seen = new Map<string, number>();
  const open = new Set<ServerResponse>();

  const server = createServer((request, response) => {
    // Browsers (the worker test) call it from another origin, as the app calls providers.
    response.setHeader('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
      });
      response.end();
      return;
    }
    open.add(response);
    response.on('close', () => open.delete(response));
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const body = await readBody(request);
    const path = (request.url ?? '/').split('?')[0]!;
    const entry: RecordedRequest = {
      path,
      method: request.method ?? 'GET',
      headers: request.headers,
      body,
      startedAt,
      endedAt: startedAt,
    };
    requests.push(entry);
    response.on('close', () => (entry.endedAt = performance.now()));

    if (path.startsWith('/http/')) return plainHttp(path, request, response, body);

    let wire: Wire;
    let model = '';
    if (path === '/v1/chat/completions') wire = 'openai';
    else if (path === '/v1/messages') wire = 'anthropic';
    else if (path === '/api/chat') wire = 'ollama';
    else if (path.startsWith('/v1beta/models/')) {
      wire = 'gemini';
      model = decodeURIComponent(path.slice('/v1beta/models/'.length).split(':')[0]!);
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no route ${path}` } }));
      return;
    }
    if (wire !== 'gemini') model = String((JSON.parse(body) as { model?: unknown }).model ?? '');
    const count = (seen.get(model) ?? 0) + 1;
    seen.set(model, count);
    const behaviour = model.split('#')[0]!;

    if (behaviour.startsWith('delay-')) await sleep(Number(behaviour.slice('delay-'.length)));
    if (behaviour === 'rate-limit-long' || (behaviour === 'rate-limit-once' && count === 1)) {
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': behaviour === 'rate-limit-long' ? '3600' : '1',
      });
      response.end(JSON.stringify({ error: { message: 'Rate limit reached for requests' } }));
      return;
    }
    if (behaviour === 'error-500' || (behaviour === 'error-500-once' && count === 1)) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { message: 'The server had an error while processing your request' },
        }),
      );
      return;
    }
    if (wire === 'ollama') response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    else sseHeaders(response);
    if (behaviour === 'malformed') {
      writeTokens(wire, response, ['Hel'], false);
      response.end(
        wire === 'ollama' ? '{"message": {"content": \n' : 'data: {"choices": [ {"delta": \n\n',
      );
      return;
    }
    if (behaviour === 'cut-off') {
      writeTokens(wire, response, ['Hello', ' from'], false);
      response.end();
      return;
    }
    if (behaviour === 'slow') {
      writeTokens(wire, response, ['Hello'], false);
      await sleep(30_000);
      if (!response.writableEnded) response.end();
      return;
    }
    writeTokens(
      wire,
      response,
      behaviour === 'echo-key' ? ['key=', apiKeyOf(request)] : TOKENS,
      true,
    );
    response.end();
  }

  async function plainHttp(
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
  ): Promise<void> {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };
    switch (path) {
      case '/http/echo':
        return json(200, {
          method: request.method,
          headers: request.headers,
          body,
          query: request.url?.split('?')[1] ?? '',
        });
      case '/http/text':
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('plain text');
        return;
      case '/http/large':
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('x'.repeat(6 * 1024 * 1024));
        return;
      case '/http/slow':
        await sleep(30_000);
        return json(200, { late: true });
      case '/http/rate-limit-once': {
        const count = (seen.get(path) ?? 0) + 1;
        seen.set(path, count);
        return count === 1
          ? json(429, { error: 'slow down' }, { 'retry-after': '1' })
          : json(200, { ok: true, count });
      }
      case '/http/not-found':
        return json(404, { error: { message: 'No such item' } });
      default:
        return json(404, { error: `no route ${path}` });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const response of open) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
