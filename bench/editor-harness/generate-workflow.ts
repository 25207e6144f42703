/**
 * A large, valid workflow for the bench: a grid of columns, each node feeding the next column,
 * with extra cross edges up to the requested edge count. Deterministic, so runs compare.
 */
import type { WorkflowEdge, WorkflowNode } from '../../src/model/workflow.ts';
import { defaultNodeData } from '../../src/editor/node-types.ts';

export function generateWorkflow(
  nodeCount: number,
  edgeCount: number,
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const rows = Math.max(1, Math.round(Math.sqrt(nodeCount / 2.5)));
  const columns = Math.ceil(nodeCount / rows);
  const nodes: WorkflowNode[] = [];
  const idAt = (c: number, r: number) => `n-${c}-${r}`;
  for (let i = 0; i < nodeCount; i++) {
    const c = Math.floor(i / rows);
    const r = i % rows;
    const type = c === 0 ? 'trigger' : c === columns - 1 ? 'output' : 'transform';
    nodes.push({
      id: idAt(c, r),
      type,
      position: { x: c * 300, y: r * 130 },
      data: { ...defaultNodeData(type), label: `${type} ${c}.${r}` },
    });
  }
  const exists = new Set(nodes.map((n) => n.id));
  const handles = (source: string) => (source.startsWith('n-0-') ? 'payload' : 'output');
  const edges: WorkflowEdge[] = [];
  const add = (from: string, to: string) => {
    if (edges.length >= edgeCount || !exists.has(from) || !exists.has(to)) return;
    edges.push({
      id: `e-${edges.length}`,
      source: from,
      target: to,
      sourceHandle: handles(from),
      targetHandle: to.startsWith(`n-${columns - 1}-`) ? 'result' : 'input',
    });
  };
  for (let c = 0; c < columns - 1; c++)
    for (let r = 0; r < rows; r++) add(idAt(c, r), idAt(c + 1, r));
  for (let shift = 1; edges.length < edgeCount && shift < rows; shift++) {
    for (let c = 0; c < columns - 1; c++)
      for (let r = 0; r < rows; r++) add(idAt(c, r), idAt(c + 1, (r + shift) % rows));
  }
  return { nodes, edges };
}
