import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflow } from '../../../src/runtime/run-workflow.ts';
import type { LlmProvider } from '../../../src/runtime/llm/providers.ts';
import type { TraceEvent } from '../../../src/runtime/trace.ts';
import { startLlmTestServer, type LlmTestServer } from './support/llm-test-server.ts';
import { ANY_INPUT, MemorySink, edge, node, vault, workflow } from './support/workflows.ts';

let server: LlmTestServer;
beforeAll(async () => {
  server = await startLlmTestServer();
});
afterAll(async () => {
  await server.close();
});

const API_KEY = 'sk-provider-test-5f3a9c';

async function ask(
  provider: LlmProvider,
  model: string,
  options: { onEvent?: (e: TraceEvent) => void; sink?: MemorySink } = {},
) {
  const before = server.requests.length;
  const record = await runWorkflow({
    executionId: `ex-${provider}-${model}`,
    workflow: workflow(
      [
        node('t', 'trigger', ANY_INPUT),
        node('l', 'llm', {
          provider,
          model,
          secretId: provider === 'ollama' ? '' : 'key',
          systemPrompt: 'Be brief.',
          userPrompt: 'Say hello to {{input.name}}',
          temperature: 0.2,
          maxTokens: 64,
        }),
        node('o', 'output'),
      ],
      [edge('t', 'payload', 'l', 'input'), edge('l', 'text', 'o', 'result')],
    ),
    input: { name: 'Ada' },
    secrets: vault({ key: API_KEY }),
    llmBaseUrls: {
      openai: `${server.url}/v1`,
      'openai-compatible': `${server.url}/v1`,
      mistral: `${server.url}/v1`,
      anthropic: server.url,
      google: server.url,
      ollama: server.url,
    },
    limits: { retryBaseDelayMs: 10, recordFlushIntervalMs: 1 },
    ...options,
  });
  return { record, requests: server.requests.slice(before) };
}

const PROVIDERS: LlmProvider[] = [
  'openai',
  'openai-compatible',
  'mistral',
  'anthropic',
  'google',
  'ollama',
];

describe('LLM providers: streaming', () => {
  it.each(PROVIDERS)(
    '%s: streams tokens into the trace as they arrive and records usage',
    async (provider) => {
      const tokens: string[] = [];
      const sink = new MemorySink();
      const { record, requests } = await ask(provider, `ok#${provider}`, {
        onEvent: (event) => {
          if (event.type === 'node-token') tokens.push(event.text);
        },
        sink,
      });
      expect(record.status).toBe('succeeded');
      expect(record.output).toBe('Hello from the model');
      expect(tokens).toEqual(['Hello', ' from', ' the', ' model']);
      expect(record.node_results['l']!.usage).toEqual({ input_tokens: 12, output_tokens: 4 });
      expect(record.node_results['l']!.details).toEqual({ provider, model: `ok#${provider}` });
      expect(requests).toHaveLength(1);
      const body = requests[0]!.body;
      expect(body).toContain('Say hello to Ada');
      expect(body).toContain('Be brief.');
      expect(JSON.stringify(sink.records)).not.toContain(API_KEY);
    },
  );

  it('sends each provider its own request shape and key header', async () => {
    const shapes: Record<
      string,
      { path: string; auth: string | undefined; body: Record<string, unknown> }
    > = {};
    for (const provider of PROVIDERS) {
      const { requests } = await ask(provider, `ok#shape-${provider}`);
      const request = requests[0]!;
      const auth =
        (request.headers['authorization'] as string | undefined) ??
        (request.headers['x-api-key'] as string | undefined) ??
        (request.headers['x-goog-api-key'] as string | undefined);
      shapes[provider] = {
        path: request.path,
        auth,
        body: JSON.parse(request.body) as Record<string, unknown>,
      };
    }
    expect(shapes['openai']).toMatchObject({
      path: '/v1/chat/completions',
      auth: `Bearer ${API_KEY}`,
      body: {
        stream: true,
        max_tokens: 64,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello to Ada' },
        ],
      },
    });
    expect(shapes['mistral']!.path).toBe('/v1/chat/completions');
    expect(shapes['anthropic']).toMatchObject({
      path: '/v1/messages',
      auth: API_KEY,
      body: {
        system: 'Be brief.',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'Say hello to Ada' }],
      },
    });
    expect(shapes['google']).toMatchObject({
      path: '/v1beta/models/ok#shape-google:streamGenerateContent'.replace('#', '%23'),
      auth: API_KEY,
      body: {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        generationConfig: { maxOutputTokens: 64 },
      },
    });
    expect(shapes['ollama']).toMatchObject({
      path: '/api/chat',
      auth: undefined,
      body: { stream: true, options: { num_predict: 64 } },
    });
  });
});

describe('LLM providers: failures', () => {
  it.each(['openai-compatible', 'anthropic'] as const)(
    '%s: 429 with Retry-After waits and retries',
    async (provider) => {
      const { record, requests } = await ask(provider, `rate-limit-once#${provider}`);
      expect(record.status).toBe('succeeded');
      expect(requests).toHaveLength(2);
      expect(requests[1]!.startedAt - requests[0]!.startedAt).toBeGreaterThanOrEqual(950);
      expect(record.node_results['l']!.retries).toEqual([
        expect.objectContaining({
          attempt: 2,
          wait_ms: 1000,
          reason: expect.stringContaining('HTTP 429'),
        }),
      ]);
    },
  );

  it('a Retry-After longer than a run waits fails at once with the reason', async () => {
    const { record, requests } = await ask('openai-compatible', 'rate-limit-long');
    expect(requests).toHaveLength(1);
    expect(record.error).toContain('HTTP 429 Too Many Requests: Rate limit reached for requests');
    expect(record.error).toContain('asked to wait 3600 s');
  });

  it.each(['openai-compatible', 'anthropic'] as const)(
    '%s: 500 is retried with backoff, then reported',
    async (provider) => {
      const { record, requests } = await ask(provider, `error-500#${provider}`);
      expect(requests).toHaveLength(3);
      expect(record.status).toBe('failed');
      expect(record.node_results['l']!.error).toMatch(
        /answered HTTP 500 Internal Server Error: The server had an error .* \(gave up after 3 attempts\)/,
      );
      expect(record.node_results['l']!.attempts).toBe(3);
    },
  );

  it('a 500 once recovers on the next attempt', async () => {
    const { record } = await ask('openai', 'error-500-once');
    expect(record.status).toBe('succeeded');
    expect(record.node_results['l']!.attempts).toBe(2);
  });

  it.each(['openai-compatible', 'anthropic', 'ollama'] as const)(
    '%s: a malformed stream fails clearly, not retried',
    async (provider) => {
      const { record, requests } = await ask(provider, `malformed#${provider}`);
      expect(record.status).toBe('failed');
      expect(record.node_results['l']!.error).toMatch(/stream is malformed/);
      expect(requests).toHaveLength(1);
    },
  );

  it.each(['openai-compatible', 'anthropic', 'ollama'] as const)(
    '%s: a stream cut off before its end is an error',
    async (provider) => {
      const { record } = await ask(provider, `cut-off#${provider}`);
      expect(record.status).toBe('failed');
      expect(record.node_results['l']!.error).toContain('ended before the answer was complete');
    },
  );

  it('a slow stream times out with the node timeout, keeping what streamed so far in the trace', async () => {
    const events: TraceEvent[] = [];
    const record = await runWorkflow({
      executionId: 'ex-slow',
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('l', 'llm', { provider: 'anthropic', model: 'slow#timeout', secretId: 'key' }),
        ],
        [edge('t', 'payload', 'l', 'input')],
      ),
      input: 'hi',
      secrets: vault({ key: API_KEY }),
      llmBaseUrls: { anthropic: server.url },
      limits: { nodeTimeoutMs: 400 },
      onEvent: (event) => events.push(event),
    });
    expect(record.status).toBe('failed');
    expect(record.node_results['l']!.error).toBe('Timed out after 400 ms.');
    expect(events.some((e) => e.type === 'node-token' && e.text === 'Hello')).toBe(true);
  });

  it('an API key that is not chosen is named', async () => {
    const record = await runWorkflow({
      executionId: 'ex-nokey',
      workflow: workflow(
        [node('t', 'trigger', ANY_INPUT), node('l', 'llm', { provider: 'openai', secretId: '' })],
        [edge('t', 'payload', 'l', 'input')],
      ),
      input: 'hi',
    });
    expect(record.node_results['l']!.error).toBe(
      'OpenAI needs an API key: pick a secret from the vault.',
    );
  });
});
