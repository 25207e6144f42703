import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflow, type RunWorkflowOptions } from '../../../src/runtime/run-workflow.ts';
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

function run(options: Omit<RunWorkflowOptions, 'executionId'> & { executionId?: string }) {
  return runWorkflow({
    executionId: 'ex-1',
    llmBaseUrls: { 'openai-compatible': `${server.url}/v1`, anthropic: server.url },
    limits: { retryBaseDelayMs: 10 },
    ...options,
  });
}

const llm = (id: string, model: string, extra = {}) =>
  node(id, 'llm', {
    provider: 'openai-compatible',
    model,
    secretId: 'key',
    userPrompt: '{{input.q}}',
    ...extra,
  });

describe('runWorkflow: a linear run', () => {
  it('runs trigger → transform → output and records every node with its input, output and timings', async () => {
    const sink = new MemorySink();
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', {
            inputSchema:
              '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}',
          }),
          node('greet', 'transform', { template: 'Hi {{ input.name }}!' }),
          node('o', 'output'),
        ],
        [edge('t', 'payload', 'greet', 'input'), edge('greet', 'output', 'o', 'result')],
      ),
      input: { name: 'Ada' },
      sink,
    });
    expect(record).toMatchObject({
      id: 'ex-1',
      workflow_id: 'wf-1',
      status: 'succeeded',
      output: 'Hi Ada!',
      error: null,
    });
    expect(record.input).toEqual({ name: 'Ada' });
    expect(record.duration_ms).toBeGreaterThanOrEqual(0);
    expect(record.node_results['greet']).toMatchObject({
      status: 'succeeded',
      type: 'transform',
      label: 'greet',
      attempts: 1,
      input: { name: 'Ada' },
      output: 'Hi Ada!',
      error: null,
    });
    for (const id of ['t', 'greet', 'o']) {
      const result = record.node_results[id]!;
      expect(result.status).toBe('succeeded');
      expect(typeof result.started_at).toBe('string');
      expect(result.duration_ms).toBeGreaterThanOrEqual(0);
    }
    // The sink saw the run start and its end, the last write being the returned record.
    expect(sink.records[0]!.status).toBe('running');
    expect(sink.last).toEqual(record);
  });

  it('refuses input that does not match the trigger schema, naming the field, and runs nothing else', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', {
            inputSchema: '{"type":"object","properties":{"question":{"type":"string"}}}',
          }),
          node('o', 'output'),
        ],
        [edge('t', 'payload', 'o', 'result')],
      ),
      input: { question: 5 },
    });
    expect(record.status).toBe('failed');
    expect(record.error).toContain('input.question must be string');
    expect(record.node_results['t']!.status).toBe('failed');
    expect(record.node_results['o']!.status).toBe('skipped');
  });

  it('passes an object through a template that is one placeholder, and maps fields with expressions', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('map', 'transform', {
            mode: 'mapping',
            mapping:
              '{ "title": "$uppercase(input.subject)", "count": "$count(input.items)", "first": "input.items[0]" }',
          }),
          node('same', 'transform', { template: '{{input}}' }),
          node('o', 'output', { format: 'json' }),
        ],
        [
          edge('t', 'payload', 'map', 'input'),
          edge('map', 'output', 'same', 'input'),
          edge('same', 'output', 'o', 'result'),
        ],
      ),
      input: { subject: 'printer on fire', items: ['a', 'b'] },
    });
    expect(record.status).toBe('succeeded');
    expect(record.output).toEqual({ title: 'PRINTER ON FIRE', count: 2, first: 'a' });
  });

  it('records a node the trigger does not reach as skipped', async () => {
    const record = await run({
      workflow: workflow(
        [node('t', 'trigger', ANY_INPUT), node('o', 'output'), node('lonely', 'transform')],
        [edge('t', 'payload', 'o', 'result')],
      ),
      input: 'x',
    });
    expect(record.status).toBe('succeeded');
    expect(record.node_results['lonely']).toMatchObject({
      status: 'skipped',
      details: { reason: 'Not connected to the trigger.' },
    });
  });
});

describe('runWorkflow: branches', () => {
  const routed = () =>
    workflow(
      [
        node('t', 'trigger', ANY_INPUT),
        node('c', 'condition', {
          branches: [{ id: 'urgent', label: 'Urgent', expression: 'input.level = "high"' }],
        }),
        node('page', 'transform', { template: 'PAGE: {{input.text}}' }),
        node('queue', 'transform', { template: 'queue: {{input.text}}' }),
        node('after-page', 'transform', { template: '{{input}}!' }),
        node('o', 'output'),
      ],
      [
        edge('t', 'payload', 'c', 'input'),
        edge('c', 'branch-urgent', 'page', 'input'),
        edge('c', 'else', 'queue', 'input'),
        edge('page', 'output', 'after-page', 'input'),
        edge('after-page', 'output', 'o', 'result'),
        edge('queue', 'output', 'o', 'result'),
      ],
    );

  it('follows the first true branch and records the other side as skipped, down its whole path', async () => {
    const record = await run({ workflow: routed(), input: { level: 'low', text: 'paper jam' } });
    expect(record.status).toBe('succeeded');
    expect(record.node_results['c']!.details).toEqual({ branch: 'else', label: 'Otherwise' });
    expect(record.node_results['page']!.status).toBe('skipped');
    expect(record.node_results['after-page']!.status).toBe('skipped');
    expect(record.node_results['queue']!.status).toBe('succeeded');
    expect(record.output).toBe('queue: paper jam');
  });

  it('takes the matching branch', async () => {
    const record = await run({ workflow: routed(), input: { level: 'high', text: 'fire' } });
    expect(record.node_results['c']!.details).toEqual({ branch: 'urgent', label: 'Urgent' });
    expect(record.node_results['queue']!.status).toBe('skipped');
    expect(record.output).toBe('PAGE: fire!');
  });

  it('runs independent branches at the same time (their calls overlap on the server)', async () => {
    const before = server.requests.length;
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          llm('a', 'delay-400#overlap-a'),
          llm('b', 'delay-400#overlap-b'),
          node('o', 'output', { format: 'json' }),
        ],
        [
          edge('t', 'payload', 'a', 'input'),
          edge('t', 'payload', 'b', 'input'),
          edge('a', 'text', 'o', 'result'),
          edge('b', 'text', 'o', 'result'),
        ],
      ),
      input: { q: 'hi' },
      secrets: vault({ key: 'sk-test-overlap-1234' }),
    });
    expect(record.status).toBe('succeeded');
    expect(record.output).toEqual(['Hello from the model', 'Hello from the model']);
    const [first, second] = server.requests.slice(before);
    expect(first && second).toBeTruthy();
    // Each call takes at least 400 ms; the second starts before the first has ended.
    expect(second!.startedAt).toBeLessThan(first!.endedAt);
    expect(first!.startedAt).toBeLessThan(second!.endedAt);
    const a = record.node_results['a']!;
    const b = record.node_results['b']!;
    expect(Date.parse(b.started_at!)).toBeLessThan(Date.parse(a.finished_at!));
    expect(record.node_results['o']!.input).toEqual([
      'Hello from the model',
      'Hello from the model',
    ]);
  });
});

describe('runWorkflow: joins', () => {
  it('hands a node fed by several connections their values in connection order, not arrival order', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          llm('slow', 'delay-200#order'),
          node('fast', 'transform', { template: 'fast' }),
          node('join', 'transform', { template: '{{ $join(input, " + ") }} / {{ inputs.fast }}' }),
          node('o', 'output'),
        ],
        [
          edge('t', 'payload', 'slow', 'input'),
          edge('t', 'payload', 'fast', 'input'),
          edge('slow', 'text', 'join', 'input'),
          edge('fast', 'output', 'join', 'input'),
          edge('join', 'output', 'o', 'result'),
        ],
      ),
      input: { q: 'hi' },
      secrets: vault({ key: 'sk-order-test-1234' }),
    });
    expect(record.output).toBe('Hello from the model + fast / fast');
  });
});

describe('runWorkflow: HTTP node', () => {
  it('renders URL, headers and body, sends the secret as a bearer token and scrubs it from the record', async () => {
    const secret = 'sk-http-secret-98765';
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('h', 'http', {
            method: 'POST',
            url: `${server.url}/http/echo?id={{input.id}}`,
            headers: '{"x-trace": "run-{{input.id}}"}',
            body: '{"name": "{{input.name}}"}',
            secretId: 'api',
          }),
          node('o', 'output', { format: 'json' }),
        ],
        [edge('t', 'payload', 'h', 'input'), edge('h', 'response', 'o', 'result')],
      ),
      input: { id: 7, name: 'Ada' },
      secrets: vault({ api: secret }),
    });
    expect(record.status).toBe('succeeded');
    const response = record.output as {
      status: number;
      body: { method: string; headers: Record<string, string>; body: string; query: string };
    };
    expect(response.status).toBe(200);
    expect(response.body.method).toBe('POST');
    expect(response.body.query).toBe('id=7');
    expect(response.body.headers['x-trace']).toBe('run-7');
    expect(response.body.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.body)).toEqual({ name: 'Ada' });
    // The server echoed the Authorization header; the record shows the placeholder instead.
    expect(response.body.headers['authorization']).toBe('Bearer [secret]');
    expect(JSON.stringify(record)).not.toContain(secret);
  });

  it('does not retry a 404 and names the status and the server reason', async () => {
    const before = server.requests.length;
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('h', 'http', { url: `${server.url}/http/not-found` }),
        ],
        [edge('t', 'payload', 'h', 'input')],
      ),
      input: {},
    });
    expect(record.status).toBe('failed');
    expect(record.error).toBe(
      `Node "h" failed: GET 127.0.0.1:${new URL(server.url).port} answered HTTP 404 Not Found: No such item`,
    );
    expect(server.requests.length - before).toBe(1);
  });

  it('waits for Retry-After on 429 and succeeds on the next attempt, recording the retry', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('h', 'http', { url: `${server.url}/http/rate-limit-once` }),
        ],
        [edge('t', 'payload', 'h', 'input')],
      ),
      input: {},
    });
    expect(record.status).toBe('succeeded');
    const result = record.node_results['h']!;
    expect(result.attempts).toBe(2);
    expect(result.retries).toHaveLength(1);
    expect(result.retries[0]).toMatchObject({ attempt: 2, wait_ms: 1000 });
    expect(result.duration_ms).toBeGreaterThanOrEqual(1000);
  });

  it('refuses a response over the size bound with a clear error', async () => {
    const record = await run({
      workflow: workflow(
        [node('t', 'trigger', ANY_INPUT), node('h', 'http', { url: `${server.url}/http/large` })],
        [edge('t', 'payload', 'h', 'input')],
      ),
      input: {},
    });
    expect(record.status).toBe('failed');
    expect(record.node_results['h']!.error).toMatch(
      /the response is (larger than )?(6\.0 MB; at most )?5\.0 MB/,
    );
  });

  it('times out after the node timeout', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('h', 'http', { url: `${server.url}/http/slow`, timeoutMs: 300 }),
        ],
        [edge('t', 'payload', 'h', 'input')],
      ),
      input: {},
    });
    expect(record.status).toBe('failed');
    expect(record.node_results['h']!.error).toBe('Timed out after 300 ms.');
  });

  it('fails fast with "offline" when the device is offline, while local nodes still run', async () => {
    const offline = await run({
      workflow: workflow(
        [node('t', 'trigger', ANY_INPUT), node('h', 'http', { url: `${server.url}/http/echo` })],
        [edge('t', 'payload', 'h', 'input')],
      ),
      input: {},
      isOnline: () => false,
    });
    expect(offline.node_results['h']!.error).toContain('offline');
    const local = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('x', 'transform', { template: '{{input * 2}}' }),
          node('o', 'output', { format: 'json' }),
        ],
        [edge('t', 'payload', 'x', 'input'), edge('x', 'output', 'o', 'result')],
      ),
      input: 21,
      isOnline: () => false,
    });
    expect(local).toMatchObject({ status: 'succeeded', output: 42 });
  });
});

describe('runWorkflow: connector and knowledge-base nodes', () => {
  const graph = () =>
    workflow(
      [
        node('t', 'trigger', ANY_INPUT),
        node('kb', 'kb_retrieval', {
          knowledgeBaseId: 'kb-1',
          query: '{{input.question}}',
          topK: 2,
        }),
        node('k', 'connector', {
          connectorId: 'c-1',
          operation: 'create_ticket',
          input: '{"passages": "{{input}}"}',
        }),
        node('o', 'output', { format: 'json' }),
      ],
      [
        edge('t', 'payload', 'kb', 'query'),
        edge('kb', 'documents', 'k', 'input'),
        edge('k', 'result', 'o', 'result'),
      ],
    );

  it('fails with "not available yet" until the features provide their ports', async () => {
    const record = await run({ workflow: graph(), input: { question: 'refunds?' } });
    expect(record.status).toBe('failed');
    expect(record.node_results['kb']!.error).toContain(
      'Knowledge-base retrieval is not available yet',
    );
  });

  it('calls the ports with the rendered query and input', async () => {
    const calls: unknown[] = [];
    const record = await run({
      workflow: graph(),
      input: { question: 'refunds?' },
      knowledge: {
        retrieve: async (query) => {
          calls.push({ kb: query.knowledgeBaseId, query: query.query, topK: query.topK });
          return [
            { documentId: 'd1', text: 'Refunds within 30 days.', score: 0.9 },
            { documentId: 'd2', text: 'Contact support.', score: 0.5 },
          ];
        },
      },
      connectors: {
        run: async (call) => {
          calls.push({ connector: call.connectorId, operation: call.operation, input: call.input });
          return { ticket: 'T-1' };
        },
      },
    });
    expect(record.status).toBe('succeeded');
    expect(record.output).toEqual({ ticket: 'T-1' });
    expect(calls[0]).toEqual({ kb: 'kb-1', query: 'refunds?', topK: 2 });
    expect(calls[1]).toMatchObject({
      connector: 'c-1',
      operation: 'create_ticket',
      input: { passages: [{ documentId: 'd1' }, { documentId: 'd2' }] },
    });
  });

  it('without a connector port, the connector node says so', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('k', 'connector', { connectorId: 'c-1', operation: 'send' }),
        ],
        [edge('t', 'payload', 'k', 'input')],
      ),
      input: {},
    });
    expect(record.node_results['k']!.error).toContain('Connector calls are not available yet');
  });
});

describe('runWorkflow: stopping', () => {
  it('cancels mid-stream: the node and the run end as cancelled and the server sees the connection close', async () => {
    const controller = new AbortController();
    const before = server.requests.length;
    const events: TraceEvent[] = [];
    const record = await run({
      workflow: workflow(
        [node('t', 'trigger', ANY_INPUT), llm('l', 'slow#cancel'), node('o', 'output')],
        [edge('t', 'payload', 'l', 'input'), edge('l', 'text', 'o', 'result')],
      ),
      input: { q: 'hi' },
      secrets: vault({ key: 'sk-cancel-test-1234' }),
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'node-token') controller.abort();
      },
    });
    expect(record.status).toBe('cancelled');
    expect(record.error).toBe('The run was cancelled.');
    expect(record.node_results['l']!.status).toBe('cancelled');
    expect(record.node_results['o']!.status).toBe('cancelled');
    expect(
      events.filter((e) => e.type === 'node-token').map((e) => (e as { text: string }).text),
    ).toEqual(['Hello']);
    const request = server.requests[before]!;
    await expect.poll(() => request.endedAt > request.startedAt).toBe(true);
  });

  it('a failing node stops the run and cancels the branch still in flight', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('bad', 'transform', { template: '{{ $error("no good") }}' }),
          llm('slow', 'slow#stop'),
          node('o', 'output'),
        ],
        [
          edge('t', 'payload', 'bad', 'input'),
          edge('t', 'payload', 'slow', 'input'),
          edge('slow', 'text', 'o', 'result'),
          edge('bad', 'output', 'o', 'result'),
        ],
      ),
      input: { q: 'hi' },
      secrets: vault({ key: 'sk-stop-test-1234' }),
    });
    expect(record.status).toBe('failed');
    expect(record.error).toContain('Node "bad" failed');
    expect(record.error).toContain('no good');
    expect(record.node_results['slow']).toMatchObject({
      status: 'cancelled',
      error: 'Stopped because "bad" failed.',
    });
    expect(record.node_results['o']!.status).toBe('skipped');
  });
});

describe('runWorkflow: what it refuses before running', () => {
  it.each([
    ['no trigger', workflow([node('o', 'output')], []), 'has no trigger'],
    [
      'a cycle',
      workflow(
        [node('t', 'trigger', ANY_INPUT), node('a', 'transform'), node('b', 'transform')],
        [
          edge('t', 'payload', 'a', 'input'),
          edge('a', 'output', 'b', 'input'),
          edge('b', 'output', 'a', 'input'),
        ],
      ),
      'is on a cycle',
    ],
    [
      'an unknown type',
      workflow(
        [node('t', 'trigger', ANY_INPUT), { id: 'x', type: 'shell', data: {} }],
        [edge('t', 'payload', 'x', 'input')],
      ),
      'unknown type "shell"',
    ],
  ])('%s', async (_name, graph, message) => {
    const record = await run({ workflow: graph, input: {} });
    expect(record.status).toBe('failed');
    expect(record.error).toContain(message);
  });

  it('a graph over the node limit', async () => {
    const nodes = [node('t', 'trigger', ANY_INPUT), node('a', 'transform'), node('b', 'transform')];
    const record = await run({ workflow: workflow(nodes, []), input: {}, limits: { maxNodes: 2 } });
    expect(record.error).toBe('The workflow has 3 nodes; a run can have at most 2.');
  });
});

describe('runWorkflow: bounded record', () => {
  it('truncates a large output in the record with a marker, while the next node gets all of it', async () => {
    const record = await run({
      workflow: workflow(
        [
          node('t', 'trigger', ANY_INPUT),
          node('big', 'transform', { template: '{{ $pad("", 100000, "x") }}' }),
          node('len', 'transform', { template: '{{ $length(input) }}' }),
          node('o', 'output', { format: 'json' }),
        ],
        [
          edge('t', 'payload', 'big', 'input'),
          edge('big', 'output', 'len', 'input'),
          edge('len', 'output', 'o', 'result'),
        ],
      ),
      input: {},
      limits: { maxRecordValueBytes: 1024 },
    });
    expect(record.status).toBe('succeeded');
    expect(record.output).toBe(100000);
    expect(record.node_results['big']!.output).toMatchObject({
      truncated: true,
      bytes: 100000,
      keptBytes: 1024,
    });
    expect((record.node_results['len']!.input as { preview: string }).preview).toHaveLength(1024);
  });
});
