/**
 * The worker protocol end to end over a MessageChannel: the same host the Web Worker runs
 * (worker-host.ts) on one port, the app's client on the other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeClient } from '../../../src/runtime/worker-client.ts';
import { serveRuntime } from '../../../src/runtime/worker-host.ts';
import { isToWorkerMessage, type MessageEndpoint } from '../../../src/runtime/worker-protocol.ts';
import type { TraceEvent } from '../../../src/runtime/trace.ts';
import { startLlmTestServer, type LlmTestServer } from './support/llm-test-server.ts';
import { ANY_INPUT, MemorySink, edge, node, workflow } from './support/workflows.ts';

const SECRET = 'sk-worker-secret-a1b2c3d4';
let server: LlmTestServer;
beforeAll(async () => {
  server = await startLlmTestServer();
});
afterAll(async () => {
  await server.close();
});

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

function connect(resolveSecret: (id: string) => Promise<string>) {
  const channel = new MessageChannel();
  channels.push(channel);
  const fromWorker: unknown[] = [];
  const workerSide = channel.port2 as unknown as MessageEndpoint;
  const post = workerSide.postMessage.bind(workerSide);
  workerSide.postMessage = (message: unknown) => {
    fromWorker.push(message);
    post(message);
  };
  serveRuntime(workerSide);
  channel.port1.start();
  channel.port2.start();
  const sink = new MemorySink();
  const asked: string[] = [];
  const client = createRuntimeClient(channel.port1 as unknown as MessageEndpoint, {
    resolveSecret: (id) => {
      asked.push(id);
      return resolveSecret(id);
    },
    sink,
  });
  return { client, sink, asked, fromWorker };
}

const graph = (model: string) =>
  workflow(
    [
      node('t', 'trigger', ANY_INPUT),
      node('l', 'llm', {
        provider: 'openai-compatible',
        model,
        secretId: 'vault-key-1',
        userPrompt: '{{input.q}}',
      }),
      node('o', 'output'),
    ],
    [edge('t', 'payload', 'l', 'input'), edge('l', 'text', 'o', 'result')],
  );

describe('runtime worker protocol', () => {
  it('runs a workflow in the worker, asking the main thread for the key by reference only', async () => {
    const { client, sink, asked, fromWorker } = connect(async () => SECRET);
    const events: TraceEvent[] = [];
    const handle = client.run(
      {
        workflow: graph('echo-key#worker'),
        input: { q: 'hi' },
        executionId: 'ex-w1',
        llmBaseUrls: { 'openai-compatible': `${server.url}/v1` },
      },
      (event) => events.push(event),
    );
    const record = await handle.done;
    expect(record.status).toBe('succeeded');
    expect(record.output).toBe('key=[secret]');
    expect(asked).toEqual(['vault-key-1']);
    expect(events.map((e) => e.type)).toContain('node-token');
    expect(sink.last).toEqual(record);
    // Nothing the worker sent carries the key: only its id went out, in the request for it.
    expect(JSON.stringify(fromWorker)).not.toContain(SECRET);
    expect(fromWorker).toContainEqual(
      expect.objectContaining({ type: 'need-secret', secretId: 'vault-key-1' }),
    );
    client.dispose();
  });

  it('a vault that cannot give the key fails the node with the vault reason', async () => {
    const { client } = connect(async () => {
      throw new Error('The vault is locked.');
    });
    const record = await client.run({
      workflow: graph('ok#worker-locked'),
      input: { q: 'hi' },
      executionId: 'ex-w2',
      llmBaseUrls: { 'openai-compatible': `${server.url}/v1` },
    }).done;
    expect(record.status).toBe('failed');
    expect(record.node_results['l']!.error).toBe(
      'The secret this node needs could not be read: The vault is locked.',
    );
    client.dispose();
  });

  it('cancels a run in the worker mid-stream', async () => {
    const { client } = connect(async () => SECRET);
    let cancel = () => {};
    const handle = client.run(
      {
        workflow: graph('slow#worker-cancel'),
        input: { q: 'hi' },
        executionId: 'ex-w3',
        llmBaseUrls: { 'openai-compatible': `${server.url}/v1` },
      },
      (event) => {
        if (event.type === 'node-token') cancel();
      },
    );
    cancel = handle.cancel;
    const record = await handle.done;
    expect(record.status).toBe('cancelled');
    expect(record.node_results['l']!.status).toBe('cancelled');
    client.dispose();
  });

  it('ignores messages that are not part of the protocol', () => {
    expect(isToWorkerMessage({ type: 'run' })).toBe(false);
    expect(isToWorkerMessage({ type: 'eval', code: '1' })).toBe(false);
    expect(isToWorkerMessage('run')).toBe(false);
    expect(isToWorkerMessage({ type: 'cancel', runId: 'r' })).toBe(true);
  });
});
