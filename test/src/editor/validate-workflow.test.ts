import { describe, expect, it } from 'vitest';
import { getNodeType } from '../../../src/editor/node-types.ts';
import {
  checkConnection,
  edgesOnCycles,
  validateField,
  validateWorkflow,
} from '../../../src/editor/validate-workflow.ts';
import { chain, edge, node } from './fixtures.ts';

const field = (type: string, key: string) => getNodeType(type)!.fields.find((f) => f.key === key)!;

describe('validateField', () => {
  it('reports required, number range, integer, JSON, URL and template problems by field label', () => {
    const llm = getNodeType('llm')!;
    const data = { provider: 'openai' };
    expect(validateField(field('llm', 'model'), '  ', data)).toBe('Model is required.');
    expect(validateField(field('llm', 'temperature'), 3, data)).toBe(
      'Temperature must be at most 2.',
    );
    expect(validateField(field('llm', 'temperature'), '0.x', data)).toBe(
      'Temperature must be a number.',
    );
    expect(validateField(field('llm', 'maxTokens'), 1.5, data)).toBe(
      'Max output tokens must be a whole number.',
    );
    expect(validateField(field('trigger', 'inputSchema'), '{"a":', data)).toMatch(
      /^Input schema \(JSON Schema\) is not valid JSON/,
    );
    expect(validateField(field('trigger', 'inputSchema'), '[1]', data)).toBe(
      'Input schema (JSON Schema) must be a JSON object ({ ... }).',
    );
    expect(validateField(field('http', 'url'), 'ftp://x.org', data)).toBe(
      'URL must start with http:// or https://.',
    );
    expect(
      validateField(field('http', 'url'), 'https://api.example.com/{{input.id}}', data),
    ).toBeNull();
    expect(validateField(field('http', 'url'), 'not a url', data)).toMatch(/not a valid URL/);
    expect(validateField(field('llm', 'userPrompt'), 'Hi {{name', data)).toBe(
      'User prompt has an unclosed {{ }} placeholder.',
    );
    expect(llm.fields.find((f) => f.key === 'secretId')).toBeDefined();
  });

  it('requires a secret for hosted providers only, and flags a reference to a missing secret', () => {
    const secret = field('llm', 'secretId');
    expect(validateField(secret, '', { provider: 'openai' })).toBe('API key (secret) is required.');
    expect(validateField(secret, '', { provider: 'ollama' })).toBeNull();
    expect(
      validateField(secret, 'gone', { provider: 'openai' }, { secretIds: new Set(['s1']) }),
    ).toMatch(/no longer exists/);
    expect(
      validateField(secret, 's1', { provider: 'openai' }, { secretIds: new Set(['s1']) }),
    ).toBeNull();
  });

  it('checks condition branches for repeated ids and empty expressions', () => {
    const branches = field('condition', 'branches');
    const twice = [
      { id: 'a', label: 'A', expression: 'x' },
      { id: 'a', label: 'B', expression: 'y' },
    ];
    expect(validateField(branches, twice, { branches: twice })).toBe(
      'Branch 2 repeats the id "a".',
    );
    const empty = [{ id: 'a', label: 'A', expression: ' ' }];
    expect(validateField(branches, empty, { branches: empty })).toBe(
      'Branch 1 needs an expression.',
    );
  });
});

describe('checkConnection', () => {
  const graph = chain();
  it('accepts a compatible connection', () => {
    const g = { ...graph, nodes: [...graph.nodes, node('h', 'http')] };
    expect(
      checkConnection(g, {
        source: 't',
        sourceHandle: 'payload',
        target: 'h',
        targetHandle: 'input',
      }),
    ).toEqual({ ok: true });
  });

  it('refuses a type mismatch and names both ends', () => {
    const g = { nodes: [node('k', 'kb_retrieval'), node('k2', 'kb_retrieval')], edges: [] };
    const check = checkConnection(g, {
      source: 'k',
      sourceHandle: 'documents',
      target: 'k2',
      targetHandle: 'query',
    });
    expect(check).toEqual({
      ok: false,
      reason: 'Type mismatch: Passages (documents) cannot feed Query (text).',
    });
  });

  it('refuses a cycle, a self-loop and a second edge into a single input', () => {
    const g = {
      nodes: [...graph.nodes, node('x', 'transform')],
      edges: [...graph.edges, edge('e3', 'l', 'text', 'x', 'input')],
    };
    expect(
      checkConnection(g, {
        source: 'x',
        sourceHandle: 'output',
        target: 'l',
        targetHandle: 'input',
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/already has an input/),
    });
    const g2 = {
      nodes: g.nodes,
      edges: [edge('a', 't', 'payload', 'x', 'input'), edge('b', 'x', 'output', 'l', 'input')],
    };
    expect(
      checkConnection(g2, {
        source: 'l',
        sourceHandle: 'text',
        target: 'x',
        targetHandle: 'input',
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cycle/),
    });
    expect(
      checkConnection(g2, {
        source: 'x',
        sourceHandle: 'output',
        target: 'x',
        targetHandle: 'input',
      }),
    ).toMatchObject({ ok: false });
  });
});

describe('validateWorkflow', () => {
  it('finds nothing wrong in a valid chain', () => {
    const result = validateWorkflow(chain(), { secretIds: new Set(['s1']) });
    expect(result.errorCount).toBe(0);
    expect(result.workflow).toEqual([]);
  });

  it('flags dangling required inputs, invalid fields and unknown types on the node', () => {
    const result = validateWorkflow({
      nodes: [
        node('t', 'trigger'),
        node('l', 'llm', { model: '' }),
        { id: 'z', type: 'mystery', position: { x: 0, y: 0 }, data: {} },
      ],
      edges: [],
    });
    const messages = result.nodes.get('l')!.map((i) => i.message);
    expect(messages).toContain('Model is required.');
    expect(messages).toContain('Input "Input" is not connected.');
    expect(result.nodes.get('l')!.find((i) => i.message === 'Model is required.')!.field).toBe(
      'model',
    );
    expect(result.nodes.get('z')![0]!.message).toBe('Unknown node type "mystery".');
  });

  it('flags edges on a cycle, with a type mismatch, a missing handle or a missing node', () => {
    const result = validateWorkflow({
      nodes: [
        node('a', 'transform'),
        node('b', 'transform'),
        node('k', 'kb_retrieval'),
        node('k2', 'kb_retrieval'),
      ],
      edges: [
        edge('ab', 'a', 'output', 'b', 'input'),
        edge('ba', 'b', 'output', 'a', 'input'),
        edge('kk', 'k', 'documents', 'k2', 'query'),
        edge('gone', 'a', 'output', 'nowhere', 'input'),
        edge('badhandle', 'a', 'nope', 'k', 'query'),
      ],
    });
    expect(result.edges.get('ab')![0]!.message).toMatch(/cycle/);
    expect(result.edges.get('ba')![0]!.message).toMatch(/cycle/);
    expect(result.edges.get('kk')![0]!.message).toMatch(/Type mismatch/);
    expect(result.edges.get('gone')![0]!.message).toBe(
      'Dangling connection: its target "nowhere" is not in the workflow.',
    );
    expect(result.edges.get('badhandle')![0]!.message).toMatch(/output "nope"/);
    expect(result.workflow[0]!.message).toMatch(/no trigger/);
  });

  it('condition branches become output handles an edge can use', () => {
    const cond = node('c', 'condition', {
      branches: [{ id: 'hot', label: 'Hot', expression: 'x' }],
    });
    const result = validateWorkflow({
      nodes: [node('t', 'trigger'), cond, node('o', 'output')],
      edges: [
        edge('e1', 't', 'payload', 'c', 'input'),
        edge('e2', 'c', 'branch-hot', 'o', 'result'),
      ],
    });
    expect(result.errorCount).toBe(0);
  });

  it('finds cycles in a long chain without overflowing the stack', () => {
    const n = 20_000;
    const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`, 'transform'));
    const edges = Array.from({ length: n - 1 }, (_, i) =>
      edge(`e${i}`, `n${i}`, 'output', `n${i + 1}`, 'input'),
    );
    expect(edgesOnCycles({ nodes, edges }).size).toBe(0);
    edges.push(edge('back', `n${n - 1}`, 'output', 'n0', 'input'));
    expect(edgesOnCycles({ nodes, edges }).size).toBe(n);
  });
});
