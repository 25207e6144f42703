import { describe, expect, it } from 'vitest';
import { autoLayoutOperation } from '../../../src/editor/auto-layout.ts';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import { chain, node } from './fixtures.ts';

describe('autoLayoutOperation', () => {
  it('places each node right of the nodes feeding it, without overlaps', () => {
    const graph = chain();
    graph.nodes = graph.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } }));
    graph.nodes.push(node('x', 'output'));
    const laid = applyOperation(graph, autoLayoutOperation(graph));
    const x = (id: string) => laid.nodes.find((n) => n.id === id)!.position.x;
    expect(x('t')).toBeLessThan(x('l'));
    expect(x('l')).toBeLessThan(x('o'));
    const positions = new Set(laid.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(positions.size).toBe(laid.nodes.length);
  });

  it('returns no change when the layout is already in place', () => {
    const graph = chain();
    const laid = applyOperation(graph, autoLayoutOperation(graph));
    expect(autoLayoutOperation(laid)).toEqual([]);
  });
});
