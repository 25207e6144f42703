/**
 * Turns the workflow graph into React Flow nodes and edges without rebuilding what did not
 * change: a node object is reused when its workflow node, its issues and the read-only flag are
 * the same, so a keystroke or a remote edit re-renders one card, not a thousand. State React Flow
 * owns (measured size, selection, an in-progress drag position) is carried over.
 */
import type { Edge, Node } from '@xyflow/react';
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import { nodeTitle } from './node-types.ts';
import type { Issue, WorkflowIssues } from './validate-workflow.ts';

export interface CardData extends Record<string, unknown> {
  node: WorkflowNode;
  issues: readonly Issue[] | undefined;
  readOnly: boolean;
}

export type FlowNode = Node<CardData, 'workflow'>;
export type FlowEdge = Edge<{ issues: readonly Issue[] | undefined }>;

const sameIssues = (a: readonly Issue[] | undefined, b: readonly Issue[] | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.length === b.length &&
    a.every((issue, i) => issue.message === b[i]!.message && issue.field === b[i]!.field));

/** Reuses the previous issue arrays when their content is unchanged (validation returns new ones). */
export function stabilizeIssues(
  previous: WorkflowIssues | null,
  next: WorkflowIssues,
): WorkflowIssues {
  if (!previous) return next;
  const keep = (
    prev: Map<string, Issue[]>,
    current: Map<string, Issue[]>,
  ): Map<string, Issue[]> => {
    const out = new Map<string, Issue[]>();
    for (const [id, issues] of current) {
      const old = prev.get(id);
      out.set(id, old && sameIssues(old, issues) ? old : issues);
    }
    return out;
  };
  return {
    ...next,
    nodes: keep(previous.nodes, next.nodes),
    edges: keep(previous.edges, next.edges),
  };
}

export function reconcileNodes(
  previous: readonly FlowNode[],
  nodes: readonly WorkflowNode[],
  issues: WorkflowIssues,
  readOnly: boolean,
  select: ReadonlySet<string> | null,
): FlowNode[] {
  const byId = new Map(previous.map((n) => [n.id, n] as const));
  return nodes.map((node) => {
    const prev = byId.get(node.id);
    const nodeIssues = issues.nodes.get(node.id);
    const selected = select ? select.has(node.id) : (prev?.selected ?? false);
    if (
      prev &&
      prev.data.node === node &&
      prev.data.issues === nodeIssues &&
      prev.data.readOnly === readOnly &&
      (prev.selected ?? false) === selected
    ) {
      return prev;
    }
    const title = nodeTitle(node.type, node.data);
    const flowNode: FlowNode = {
      ...(prev ?? {}),
      id: node.id,
      type: 'workflow',
      // A node being dragged keeps its live position until the drag ends and is committed.
      position: prev?.dragging ? prev.position : node.position,
      data: { node, issues: nodeIssues, readOnly },
      selected,
      ariaLabel: nodeIssues
        ? `${title}, ${nodeIssues.length} problem${nodeIssues.length === 1 ? '' : 's'}`
        : title,
    };
    return flowNode;
  });
}

export function reconcileEdges(
  previous: readonly FlowEdge[],
  edges: readonly WorkflowEdge[],
  issues: WorkflowIssues,
  select: ReadonlySet<string> | null,
): FlowEdge[] {
  const byId = new Map(previous.map((e) => [e.id, e] as const));
  return edges.map((edge) => {
    const prev = byId.get(edge.id);
    const edgeIssues = issues.edges.get(edge.id);
    const selected = select ? select.has(edge.id) : (prev?.selected ?? false);
    if (
      prev &&
      prev.source === edge.source &&
      prev.target === edge.target &&
      prev.sourceHandle === (edge.sourceHandle ?? null) &&
      prev.targetHandle === (edge.targetHandle ?? null) &&
      prev.data?.issues === edgeIssues &&
      (prev.selected ?? false) === selected
    ) {
      return prev;
    }
    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceHandle: edge.sourceHandle ?? null,
      targetHandle: edge.targetHandle ?? null,
      selected,
      className: edgeIssues ? 'fk-edge fk-edge--invalid' : 'fk-edge',
      ariaLabel: edgeIssues ? `Connection with a problem: ${edgeIssues[0]!.message}` : 'Connection',
      data: { issues: edgeIssues },
    };
  });
}
