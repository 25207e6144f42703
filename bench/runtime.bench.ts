/**
 * The workflow runtime's own cost. Overhead per node: a trigger → LLM → output run against the
 * local OpenAI-compatible test server, set against the same streamed request made and read
 * directly with fetch in the same run; the difference spread over the run's three nodes. And a
 * 200-node chain (trigger, 198 transforms, output), set against evaluating the same 198 JSONata
 * expressions directly.
 */
import jsonata from 'jsonata';
import { median, type Bench, type BenchFigure } from './figures.ts';
import { runWorkflow } from '../src/runtime/run-workflow.ts';
import type { ExecutionRecord } from '../src/runtime/execution-record.ts';
import type { RuntimeEdge, RuntimeNode, RuntimeWorkflow } from '../src/runtime/types.ts';
import { startLlmTestServer } from '../test/src/runtime/support/llm-test-server.ts';

const LLM_RUNS = 200;
const CHAIN_RUNS = 20;
const CHAIN_LENGTH = 200;
const KEY = 'sk-bench-0000000000';

async function samples(count: number, run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

function llmWorkflow(): RuntimeWorkflow {
  return {
    id: 'bench-llm',
    nodes: [
      { id: 't', type: 'trigger', data: { inputSchema: '{"type":"object"}' } },
      {
        id: 'l',
        type: 'llm',
        data: {
          provider: 'openai-compatible',
          model: 'ok',
          secretId: 'k',
          userPrompt: '{{input.q}}',
          temperature: 0,
          maxTokens: 64,
        },
      },
      { id: 'o', type: 'output', data: { format: 'text' } },
    ],
    edges: [
      { id: 'e1', source: 't', sourceHandle: 'payload', target: 'l', targetHandle: 'input' },
      { id: 'e2', source: 'l', sourceHandle: 'text', target: 'o', targetHandle: 'result' },
    ],
  };
}

function chainWorkflow(): RuntimeWorkflow {
  const nodes: RuntimeNode[] = [{ id: 'n0', type: 'trigger', data: { inputSchema: '{}' } }];
  const edges: RuntimeEdge[] = [];
  for (let i = 1; i < CHAIN_LENGTH - 1; i++) {
    nodes.push({
      id: `n${i}`,
      type: 'transform',
      data: { mode: 'template', template: '{{ input + 1 }}' },
    });
  }
  nodes.push({ id: `n${CHAIN_LENGTH - 1}`, type: 'output', data: { format: 'json' } });
  for (let i = 1; i < CHAIN_LENGTH; i++) {
    edges.push({
      id: `e${i}`,
      source: `n${i - 1}`,
      target: `n${i}`,
      sourceHandle: null,
      targetHandle: null,
    });
  }
  return { id: 'bench-chain', nodes, edges };
}

/** The request the LLM node makes, made and read directly: the floor the runtime adds to. */
async function directCall(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      model: 'ok',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const text = await response.text();
  let answer = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as { choices: { delta?: { content?: string } }[] };
    answer += chunk.choices[0]?.delta?.content ?? '';
  }
  return answer;
}

export const bench: Bench = {
  id: 'runtime',
  title: 'Workflow runtime: overhead per node and a 200-node chain',
  async run(): Promise<BenchFigure[]> {
    const server = await startLlmTestServer();
    try {
      const records: ExecutionRecord[] = [];
      const runLlm = () =>
        runWorkflow({
          executionId: 'bench',
          workflow: llmWorkflow(),
          input: { q: 'hi' },
          secrets: { resolve: async () => KEY },
          llmBaseUrls: { 'openai-compatible': `${server.url}/v1` },
          sink: { write: (record) => void records.push(record) },
        });
      // Warm up both paths (JIT, keep-alive connections) before measuring.
      await samples(20, runLlm);
      await samples(20, () => directCall(server.url));
      // Interleaved, so load on the machine falls on both alike.
      const runtimeTimes: number[] = [];
      const directTimes: number[] = [];
      for (let i = 0; i < LLM_RUNS; i++) {
        runtimeTimes.push(...(await samples(1, runLlm)));
        directTimes.push(...(await samples(1, () => directCall(server.url))));
      }
      const runtimeMs = median(runtimeTimes);
      const directMs = median(directTimes);
      const nodes = llmWorkflow().nodes.length;
      server.requests.length = 0;

      const chain = chainWorkflow();
      const runChain = async () => {
        const record = await runWorkflow({
          executionId: 'chain',
          workflow: chain,
          input: 0,
          sink: { write: () => undefined },
        });
        if (record.output !== CHAIN_LENGTH - 2)
          throw new Error(`chain computed ${JSON.stringify(record.output)}`);
      };
      const evaluateDirectly = async () => {
        let value = 0;
        for (let i = 1; i < CHAIN_LENGTH - 1; i++)
          value = (await jsonata('input + 1').evaluate({ input: value })) as number;
        if (value !== CHAIN_LENGTH - 2) throw new Error('direct chain miscounted');
      };
      await samples(3, runChain);
      await samples(3, evaluateDirectly);
      const chainMs = median(await samples(CHAIN_RUNS, runChain));
      const directChainMs = median(await samples(CHAIN_RUNS, evaluateDirectly));

      return [
        {
          name: `overhead per node, trigger → LLM (streamed, local server) → output, median of ${LLM_RUNS}`,
          value: (runtimeMs - directMs) / nodes,
          unit: 'ms',
          goal: '≤ 2 ms per node',
          note: `whole run ${runtimeMs.toFixed(2)} ms against the direct call ${directMs.toFixed(2)} ms (ratio ${(runtimeMs / directMs).toFixed(2)})`,
        },
        {
          name: 'the run, trigger → LLM → output',
          value: runtimeMs,
          unit: 'ms',
          baseline: { name: 'the same request made and read directly with fetch', value: directMs },
        },
        {
          name: `${CHAIN_LENGTH}-node transform chain, whole run`,
          value: chainMs,
          unit: 'ms',
          baseline: {
            name: `the same ${CHAIN_LENGTH - 2} JSONata expressions evaluated directly`,
            value: directChainMs,
          },
          note: `${(chainMs / CHAIN_LENGTH).toFixed(3)} ms per node`,
        },
      ];
    } finally {
      await server.close();
    }
  },
};
