import { describe, expect, it } from 'vitest';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import {
  copySelection,
  duplicateOperation,
  parseClipboard,
  pasteOperation,
} from '../../../src/editor/clipboard.ts';
import { chain, counterIds } from './fixtures.ts';

describe('clipboard', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const text = copySelection(chain(), new Set(['l', 'o']))!;
    const parsed = parseClipboard(text);
    expect(parsed.ok && parsed.content.nodes.map((n) => n.id)).toEqual(['l', 'o']);
    expect(parsed.ok && parsed.content.edges.map((e) => e.id)).toEqual(['e2']);
    expect(copySelection(chain(), new Set())).toBeNull();
  });

  it('pastes into another workflow with new ids, shifted, edges remapped', () => {
    const parsed = parseClipboard(copySelection(chain(), new Set(['l', 'o']))!);
    if (!parsed.ok) throw new Error(parsed.error);
    const plan = pasteOperation(parsed.content, counterIds('p'));
    const target = applyOperation({ nodes: [], edges: [] }, plan.operation);
    expect(target.nodes.map((n) => n.id)).toEqual(['p-1', 'p-2']);
    expect(target.nodes[0]!.position).toEqual({ x: 340, y: 40 });
    expect(target.edges).toEqual([
      { id: 'p-3', source: 'p-1', target: 'p-2', sourceHandle: 'text', targetHandle: 'result' },
    ]);
    expect(plan.nodeIds).toEqual(['p-1', 'p-2']);
  });

  it('pasted data is a copy, not shared with the source', () => {
    const graph = chain();
    const plan = duplicateOperation(graph, new Set(['l']), counterIds('d'));
    const next = applyOperation(graph, plan.operation);
    expect(next.nodes).toHaveLength(4);
    expect(next.nodes[3]!.data).not.toBe(graph.nodes[1]!.data);
    expect(next.nodes[3]!.data).toEqual(graph.nodes[1]!.data);
  });

  it('refuses text that is not Flowkeep nodes, and a bad node inside', () => {
    expect(parseClipboard('hello')).toEqual({
      ok: false,
      error: 'The clipboard does not hold Flowkeep nodes.',
    });
    const bad = JSON.stringify({
      format: 'flowkeep.clipboard',
      version: 1,
      nodes: [{ id: 'a', type: 'nope', position: { x: 0, y: 0 } }],
      edges: [],
    });
    const parsed = parseClipboard(bad);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/nodes\[0\]\.type: unknown node type "nope"/);
  });
});
