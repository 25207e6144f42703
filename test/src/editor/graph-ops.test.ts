import { describe, expect, it } from 'vitest';
import {
  applyOperation,
  diffGraphs,
  invertOperation,
  removeElementsOp,
  type Operation,
} from '../../../src/editor/graph-ops.ts';
import { chain, edge, node } from './fixtures.ts';

describe('applyOperation', () => {
  it('keeps the identity of untouched nodes and edges', () => {
    const graph = chain();
    const next = applyOperation(graph, [
      { kind: 'update-node', id: 'l', patch: { data: { model: 'gpt-x' } } },
    ]);
    expect(next.nodes[0]).toBe(graph.nodes[0]);
    expect(next.nodes[1]).not.toBe(graph.nodes[1]);
    expect(next.nodes[1]!.data['model']).toBe('gpt-x');
    expect(next.edges[0]).toBe(graph.edges[0]);
  });

  it('is idempotent and skips changes to things that are gone', () => {
    const graph = chain();
    const op: Operation = [
      { kind: 'add-node', node: node('n', 'http') },
      { kind: 'update-node', id: 'missing', patch: { position: { x: 1, y: 1 } } },
      { kind: 'remove-edge', id: 'missing' },
    ];
    const once = applyOperation(graph, op);
    const twice = applyOperation(once, op);
    expect(twice.nodes.map((n) => n.id)).toEqual(['t', 'l', 'o', 'n']);
  });

  it('removing a node removes its edges, so no edge dangles', () => {
    const next = applyOperation(chain(), [{ kind: 'remove-node', id: 'l' }]);
    expect(next.edges).toEqual([]);
  });

  it('an undefined data value removes the key', () => {
    const next = applyOperation(chain(), [
      { kind: 'update-node', id: 'l', patch: { data: { model: undefined } } },
    ]);
    expect('model' in next.nodes[1]!.data).toBe(false);
  });
});

describe('invertOperation', () => {
  it('restores a deleted node together with the edges deleted with it', () => {
    const graph = chain();
    const op = removeElementsOp(graph, new Set(['l']), new Set());
    const after = applyOperation(graph, op);
    const restored = applyOperation(after, invertOperation(graph, op));
    expect(restored.nodes.map((n) => n.id).sort()).toEqual(['l', 'o', 't']);
    expect(restored.edges.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
  });

  it('records only the touched fields, so undo keeps a remote edit of another field', () => {
    const graph = chain();
    const op: Operation = [{ kind: 'update-node', id: 'l', patch: { data: { model: 'mine' } } }];
    const inverse = invertOperation(graph, op);
    const mine = applyOperation(graph, op);
    const remote = applyOperation(mine, [
      {
        kind: 'update-node',
        id: 'l',
        patch: { data: { systemPrompt: 'theirs' }, position: { x: 5, y: 5 } },
      },
    ]);
    const undone = applyOperation(remote, inverse);
    const l = undone.nodes.find((n) => n.id === 'l')!;
    expect(l.data['model']).toBe('gpt-4o-mini');
    expect(l.data['systemPrompt']).toBe('theirs');
    expect(l.position).toEqual({ x: 5, y: 5 });
  });

  it('inverts an added data key by removing it', () => {
    const graph = {
      nodes: [{ id: 'a', type: 'output', position: { x: 0, y: 0 }, data: {} }],
      edges: [],
    };
    const op: Operation = [{ kind: 'update-node', id: 'a', patch: { data: { format: 'json' } } }];
    const back = applyOperation(applyOperation(graph, op), invertOperation(graph, op));
    expect(back.nodes[0]!.data).toEqual({});
  });
});

describe('diffGraphs', () => {
  it('produces the operation that turns one graph into another', () => {
    const from = chain();
    const to = {
      nodes: [
        from.nodes[0]!,
        {
          ...from.nodes[1]!,
          position: { x: 9, y: 9 },
          data: { ...from.nodes[1]!.data, model: 'm2' },
        },
        node('h', 'http'),
      ],
      edges: [edge('e1', 't', 'payload', 'l', 'input')],
    };
    const result = applyOperation(from, diffGraphs(from, to));
    expect(result.nodes.map((n) => n.id).sort()).toEqual(['h', 'l', 't']);
    expect(result.nodes.find((n) => n.id === 'l')!.data['model']).toBe('m2');
    expect(result.edges.map((e) => e.id)).toEqual(['e1']);
    expect(diffGraphs(to, to)).toEqual([]);
  });
});
