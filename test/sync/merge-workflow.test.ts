import { describe, expect, it } from 'vitest';
import type { WorkflowDoc, WorkflowEdge, WorkflowNode } from '../../src/model/workflow.ts';
import { mergeSet, mergeWorkflow } from '../../sync/merge-workflow.ts';

const AT = '2026-11-23T16:00:00.000Z';

function node(id: string, data: WorkflowNode['data'] = {}, x = 0): WorkflowNode {
  return { id, type: 'llm', position: { x, y: 0 }, data };
}
function edge(id: string, source: string, target: string): WorkflowEdge {
  return { id, source, target };
}

const base: WorkflowDoc = {
  id: 'w1',
  tenant_id: 't1',
  created_by: 'u1',
  created_at: '2026-01-01T00:00:00+00:00',
  updated_at: '2026-01-01T00:00:00+00:00',
  server_txid: '100',
  _deleted: false,
  name: 'Triage',
  description: '',
  nodes: [node('a', { prompt: 'hello', model: 'm1' }), node('b', { url: 'http://x' }), node('c')],
  edges: [edge('ab', 'a', 'b'), edge('bc', 'b', 'c')],
  viewport: { x: 0, y: 0, zoom: 1 },
  settings: { retries: 1 },
  versions: [],
  conflicts: [],
  tags: ['ops'],
};

function edit(doc: WorkflowDoc, change: (d: WorkflowDoc) => void): WorkflowDoc {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}
function nodeById(doc: WorkflowDoc, id: string): WorkflowNode | undefined {
  return doc.nodes.find((n) => n.id === id);
}

describe('mergeWorkflow', () => {
  it('keeps edits to different nodes from both devices', () => {
    const ours = edit(base, (d) => (d.nodes[0]!.data['prompt'] = 'hi there'));
    const theirs = edit(base, (d) => {
      d.nodes[1]!.data['url'] = 'https://y';
      d.server_txid = '105';
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(nodeById(merged, 'a')!.data['prompt']).toBe('hi there');
    expect(nodeById(merged, 'b')!.data['url']).toBe('https://y');
    expect(merged.conflicts).toEqual([]);
    expect(merged.server_txid).toBe('105');
  });

  it('keeps edits to different fields of one node', () => {
    const ours = edit(base, (d) => (d.nodes[0]!.data['prompt'] = 'mine'));
    const theirs = edit(base, (d) => {
      d.nodes[0]!.data['model'] = 'm2';
      d.nodes[0]!.position = { x: 50, y: 60 };
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(nodeById(merged, 'a')).toEqual({
      id: 'a',
      type: 'llm',
      position: { x: 50, y: 60 },
      data: { prompt: 'mine', model: 'm2' },
    });
    expect(merged.conflicts).toEqual([]);
  });

  it('resolves the same node field edited on both sides to the server value and records the local value', () => {
    const ours = edit(base, (d) => (d.nodes[0]!.data['prompt'] = 'mine'));
    const theirs = edit(base, (d) => (d.nodes[0]!.data['prompt'] = 'theirs'));
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(nodeById(merged, 'a')!.data['prompt']).toBe('theirs');
    expect(merged.conflicts).toEqual([
      { path: 'nodes/a/data/prompt', value: 'mine', winner: 'theirs', at: AT },
    ]);
  });

  it('is deterministic: the same inputs give the same document', () => {
    const ours = edit(base, (d) => {
      d.nodes[0]!.data['prompt'] = 'mine';
      d.name = 'Mine';
    });
    const theirs = edit(base, (d) => {
      d.nodes[0]!.data['prompt'] = 'theirs';
      d.name = 'Theirs';
    });
    expect(mergeWorkflow(base, ours, theirs, AT)).toEqual(
      mergeWorkflow(structuredClone(base), structuredClone(ours), structuredClone(theirs), AT),
    );
  });

  it('keeps nodes and edges added on both sides', () => {
    const ours = edit(base, (d) => {
      d.nodes.push(node('x'));
      d.edges.push(edge('cx', 'c', 'x'));
    });
    const theirs = edit(base, (d) => {
      d.nodes.push(node('y'));
      d.edges.push(edge('cy', 'c', 'y'));
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(merged.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'y', 'x']);
    expect(merged.edges.map((e) => e.id)).toEqual(['ab', 'bc', 'cy', 'cx']);
  });

  it('applies a deletion from either side and drops edges left dangling', () => {
    const ours = edit(base, (d) => {
      d.nodes = d.nodes.filter((n) => n.id !== 'c');
      d.edges = d.edges.filter((e) => e.id !== 'bc');
    });
    const theirs = edit(base, (d) => {
      d.nodes.push(node('z'));
      d.edges.push(edge('cz', 'c', 'z'));
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(merged.nodes.map((n) => n.id)).toEqual(['a', 'b', 'z']);
    expect(merged.edges.map((e) => e.id)).toEqual(['ab']);
  });

  it('keeps a node deleted on one side and edited on the other deleted, with the edit in conflicts', () => {
    const ours = edit(base, (d) => (d.nodes[1]!.data['url'] = 'https://edited'));
    const theirs = edit(base, (d) => {
      d.nodes = d.nodes.filter((n) => n.id !== 'b');
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(nodeById(merged, 'b')).toBeUndefined();
    expect(merged.conflicts).toEqual([
      { path: 'nodes/b', value: ours.nodes[1]!, winner: null, at: AT },
    ]);
    // edges to the deleted node are gone too
    expect(merged.edges).toEqual([]);
  });

  it('merges top-level fields, tags as a set, and settings key by key', () => {
    const ours = edit(base, (d) => {
      d.description = 'local description';
      d.tags = ['ops', 'local'];
      d.settings = { retries: 1, timeout: 5 };
    });
    const theirs = edit(base, (d) => {
      d.name = 'Renamed';
      d.tags = ['server'];
      d.settings = { retries: 3 };
    });
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(merged).toMatchObject({
      name: 'Renamed',
      description: 'local description',
      tags: ['server', 'local'],
      settings: { retries: 3, timeout: 5 },
      conflicts: [],
    });
  });

  it('takes the server viewport without recording a conflict', () => {
    const ours = edit(base, (d) => (d.viewport = { x: 1, y: 1, zoom: 2 }));
    const theirs = edit(base, (d) => (d.viewport = { x: 5, y: 5, zoom: 1 }));
    const merged = mergeWorkflow(base, ours, theirs, AT);
    expect(merged.viewport).toEqual({ x: 5, y: 5, zoom: 1 });
    expect(merged.conflicts).toEqual([]);
  });

  it('unions saved versions and keeps earlier conflicts a side has not dismissed', () => {
    const old = { path: 'name', value: 'x', winner: 'y', at: 'earlier' };
    const withOld = edit(base, (d) => (d.conflicts = [old]));
    const version = (id: string) => ({
      id,
      name: id,
      created_at: AT,
      created_by: null,
      nodes: [],
      edges: [],
    });
    const ours = edit(withOld, (d) => d.versions.push(version('v-ours')));
    const theirs = edit(withOld, (d) => {
      d.versions.push(version('v-theirs'));
      d.conflicts = []; // dismissed on the other device
    });
    const merged = mergeWorkflow(withOld, ours, theirs, AT);
    expect(merged.versions.map((v) => v.id)).toEqual(['v-theirs', 'v-ours']);
    expect(merged.conflicts).toEqual([]);
  });

  it('merges a workflow both sides created with the same id (no base)', () => {
    const ours = edit(base, (d) => (d.nodes[0]!.data['prompt'] = 'mine'));
    const merged = mergeWorkflow(undefined, ours, base, AT);
    expect(nodeById(merged, 'a')!.data['prompt']).toBe('hello');
    expect(merged.conflicts).toHaveLength(1);
  });
});

describe('mergeSet', () => {
  it('adds what either side added and removes what either side removed', () => {
    expect(mergeSet(['a', 'b', 'c'], ['a', 'c', 'd'], ['a', 'b', 'e'])).toEqual(['a', 'e', 'd']);
  });
});
