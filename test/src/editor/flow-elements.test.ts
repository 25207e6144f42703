import { describe, expect, it } from 'vitest';
import {
  reconcileEdges,
  reconcileNodes,
  stabilizeIssues,
  type FlowNode,
} from '../../../src/editor/flow-elements.ts';
import { applyOperation } from '../../../src/editor/graph-ops.ts';
import { validateWorkflow } from '../../../src/editor/validate-workflow.ts';
import { chain } from './fixtures.ts';

describe('flow elements', () => {
  it('rebuilds only the node that changed, keeping measured size, selection and a live drag', () => {
    const graph = chain();
    const issues = validateWorkflow(graph);
    const first = reconcileNodes([], graph.nodes, issues, false, null);
    const view: FlowNode[] = first.map((n) =>
      n.id === 't' ? { ...n, selected: true, measured: { width: 220, height: 92 } } : n,
    );
    view[2] = { ...view[2]!, dragging: true, position: { x: 999, y: 999 } };

    const edited = applyOperation(graph, [
      { kind: 'update-node', id: 'l', patch: { data: { label: 'Sum' } } },
    ]);
    const nextIssues = stabilizeIssues(issues, validateWorkflow(edited));
    const second = reconcileNodes(view, edited.nodes, nextIssues, false, null);
    expect(second[0]).toBe(view[0]);
    expect(second[1]).not.toBe(view[1]);
    expect(second[1]!.ariaLabel).toBe('Sum');
    expect(second[2]).toBe(view[2]);

    // A remote move of the dragged node does not yank it from under the pointer.
    const moved = applyOperation(edited, [
      { kind: 'update-node', id: 'o', patch: { position: { x: 1, y: 1 } } },
    ]);
    const third = reconcileNodes(second, moved.nodes, nextIssues, false, null);
    expect(third[2]!.position).toEqual({ x: 999, y: 999 });
  });

  it('keeps issue arrays whose content did not change', () => {
    const graph = chain();
    const a = validateWorkflow(graph);
    const b = stabilizeIssues(a, validateWorkflow(graph));
    expect(b.nodes.get('l')).toBe(a.nodes.get('l'));
  });

  it('marks edges with problems and keeps unchanged edges', () => {
    const graph = chain();
    const issues = validateWorkflow(graph);
    const edges = reconcileEdges([], graph.edges, issues, null);
    expect(edges.every((e) => e.className === 'fk-edge')).toBe(true);
    expect(reconcileEdges(edges, graph.edges, issues, null)[0]).toBe(edges[0]);
    const broken = {
      ...graph,
      edges: [
        ...graph.edges,
        { id: 'bad', source: 'o', target: 't', sourceHandle: 'x', targetHandle: 'y' },
      ],
    };
    const flagged = reconcileEdges(edges, broken.edges, validateWorkflow(broken), null);
    expect(flagged[2]!.className).toBe('fk-edge fk-edge--invalid');
    expect(flagged[2]!.ariaLabel).toMatch(/^Connection with a problem: /);
  });
});
