/**
 * Auto-layout with dagre (@dagrejs/dagre): left-to-right ranks following the edges. Returns the
 * move operation, so the layout is one undoable step like any other edit.
 */
import dagre from '@dagrejs/dagre';
import { moveNodesOp, type GraphChange } from './graph-ops.ts';
import type { WorkflowGraph } from './validate-workflow.ts';

export const DEFAULT_NODE_SIZE = { width: 220, height: 92 };

export function autoLayoutOperation(
  graph: WorkflowGraph,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): GraphChange[] {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    const size = sizes.get(node.id) ?? DEFAULT_NODE_SIZE;
    g.setNode(node.id, { width: size.width, height: size.height });
  }
  for (const edge of graph.edges) {
    if (g.hasNode(edge.source) && g.hasNode(edge.target))
      g.setEdge(edge.source, edge.target, {}, edge.id);
  }
  dagre.layout(g);
  const moves: { id: string; position: { x: number; y: number } }[] = [];
  for (const node of graph.nodes) {
    const placed = g.node(node.id);
    const size = sizes.get(node.id) ?? DEFAULT_NODE_SIZE;
    // dagre gives centres; React Flow positions are top-left corners.
    const position = {
      x: Math.round(placed.x - size.width / 2),
      y: Math.round(placed.y - size.height / 2),
    };
    if (position.x !== node.position.x || position.y !== node.position.y)
      moves.push({ id: node.id, position });
  }
  return moveNodesOp(moves);
}
