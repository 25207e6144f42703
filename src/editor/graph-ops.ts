/**
 * Editing operations on a workflow graph, as data. Every verb (add, move, edit a field, connect,
 * delete, paste, auto-layout, restore a version, import) becomes an `Operation`: a list of
 * per-node / per-edge changes that touch only what the user touched. Applying one is idempotent
 * and tolerant of a graph that changed meanwhile (a remote edit), which is what lets undo revert
 * only the user's own changes on top of whatever arrived from other devices.
 */
import { jsonEqual, type JsonObject, type JsonValue } from '../model/json.ts';
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import type { WorkflowGraph } from './validate-workflow.ts';

/** Field-level update of a node; a data value of `undefined` removes that key. */
export interface NodePatch {
  position?: { x: number; y: number };
  data?: Record<string, JsonValue | undefined>;
}

export type GraphChange =
  | { kind: 'add-node'; node: WorkflowNode }
  | { kind: 'remove-node'; id: string }
  | { kind: 'update-node'; id: string; patch: NodePatch }
  | { kind: 'add-edge'; edge: WorkflowEdge }
  | { kind: 'remove-edge'; id: string };

export type Operation = readonly GraphChange[];

export interface Graph {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

function patchNode(node: WorkflowNode, patch: NodePatch): WorkflowNode {
  let next = node;
  if (
    patch.position &&
    (patch.position.x !== node.position.x || patch.position.y !== node.position.y)
  ) {
    next = { ...next, position: { x: patch.position.x, y: patch.position.y } };
  }
  if (patch.data) {
    let data: JsonObject | null = null;
    for (const [key, value] of Object.entries(patch.data)) {
      if (value === undefined) {
        if (key in node.data) {
          data ??= { ...node.data };
          delete data[key];
        }
      } else if (!jsonEqual(node.data[key], value)) {
        data ??= { ...node.data };
        data[key] = value;
      }
    }
    if (data) next = { ...next, data };
  }
  return next;
}

/**
 * Applies an operation. Unchanged nodes and edges keep their object identity (the canvas relies
 * on it to re-render only what changed). Changes that no longer make sense are skipped: updating
 * or removing something already gone, adding something that exists. Removing a node also removes
 * any edge still attached to it, so the graph never holds a dangling edge.
 */
export function applyOperation(graph: WorkflowGraph, operation: Operation): Graph {
  if (operation.length === 0) return { nodes: [...graph.nodes], edges: [...graph.edges] };
  const nodes = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const edges = new Map(graph.edges.map((e) => [e.id, e] as const));

  for (const change of operation) {
    switch (change.kind) {
      case 'add-node':
        if (!nodes.has(change.node.id)) nodes.set(change.node.id, change.node);
        break;
      case 'remove-node':
        nodes.delete(change.id);
        break;
      case 'update-node': {
        const node = nodes.get(change.id);
        if (node) nodes.set(change.id, patchNode(node, change.patch));
        break;
      }
      case 'add-edge':
        if (!edges.has(change.edge.id)) edges.set(change.edge.id, change.edge);
        break;
      case 'remove-edge':
        edges.delete(change.id);
        break;
    }
  }
  const nextEdges = [...edges.values()].filter((e) => nodes.has(e.source) && nodes.has(e.target));
  return { nodes: [...nodes.values()], edges: nextEdges };
}

/**
 * The operation that undoes `operation`, computed against the graph it is about to be applied
 * to. Only the touched fields are recorded, so undoing later does not revert other people's
 * changes to other fields or nodes. Edges the operation would remove implicitly (attached to a
 * removed node) are recorded too.
 */
export function invertOperation(graph: WorkflowGraph, operation: Operation): GraphChange[] {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const edges = new Map(graph.edges.map((e) => [e.id, e] as const));
  const inverse: GraphChange[] = [];
  const removedNodes = new Set<string>();
  const restoredEdges = new Set<string>();

  for (const change of operation) {
    switch (change.kind) {
      case 'add-node':
        if (!nodes.has(change.node.id)) {
          inverse.push({ kind: 'remove-node', id: change.node.id });
          nodes.set(change.node.id, change.node);
        }
        break;
      case 'remove-node': {
        const node = nodes.get(change.id);
        if (node) {
          inverse.push({ kind: 'add-node', node });
          nodes.delete(change.id);
          removedNodes.add(change.id);
        }
        break;
      }
      case 'update-node': {
        const node = nodes.get(change.id);
        if (!node) break;
        const back: NodePatch = {};
        if (change.patch.position) back.position = { ...node.position };
        if (change.patch.data) {
          back.data = {};
          for (const key of Object.keys(change.patch.data)) back.data[key] = node.data[key];
        }
        inverse.push({ kind: 'update-node', id: change.id, patch: back });
        nodes.set(change.id, patchNode(node, change.patch));
        break;
      }
      case 'add-edge':
        if (!edges.has(change.edge.id)) {
          inverse.push({ kind: 'remove-edge', id: change.edge.id });
          edges.set(change.edge.id, change.edge);
        }
        break;
      case 'remove-edge': {
        const edge = edges.get(change.id);
        if (edge) {
          inverse.push({ kind: 'add-edge', edge });
          restoredEdges.add(edge.id);
          edges.delete(change.id);
        }
        break;
      }
    }
  }
  for (const edge of edges.values()) {
    if (
      (removedNodes.has(edge.source) || removedNodes.has(edge.target)) &&
      !restoredEdges.has(edge.id)
    ) {
      inverse.push({ kind: 'add-edge', edge });
    }
  }
  // Undo replays in reverse: re-add nodes before the edges that attach to them.
  inverse.reverse();
  return inverse;
}

/** The operation that turns `from` into `to` (restore a version, import, apply a template). */
export function diffGraphs(from: WorkflowGraph, to: WorkflowGraph): GraphChange[] {
  const changes: GraphChange[] = [];
  const toNodes = new Map(to.nodes.map((n) => [n.id, n] as const));
  const toEdges = new Map(to.edges.map((e) => [e.id, e] as const));
  const fromNodes = new Map(from.nodes.map((n) => [n.id, n] as const));
  const fromEdges = new Map(from.edges.map((e) => [e.id, e] as const));

  for (const edge of from.edges) {
    const wanted = toEdges.get(edge.id);
    if (!wanted || !jsonEqual(edge, wanted)) {
      changes.push({ kind: 'remove-edge', id: edge.id });
    }
  }
  for (const node of from.nodes) {
    const wanted = toNodes.get(node.id);
    if (!wanted || wanted.type !== node.type) {
      changes.push({ kind: 'remove-node', id: node.id });
      continue;
    }
    const patch: NodePatch = {};
    if (wanted.position.x !== node.position.x || wanted.position.y !== node.position.y) {
      patch.position = { ...wanted.position };
    }
    const keys = new Set([...Object.keys(node.data), ...Object.keys(wanted.data)]);
    for (const key of keys) {
      if (!jsonEqual(node.data[key], wanted.data[key])) {
        patch.data ??= {};
        patch.data[key] = wanted.data[key];
      }
    }
    if (patch.position || patch.data) changes.push({ kind: 'update-node', id: node.id, patch });
  }
  for (const node of to.nodes) {
    const existing = fromNodes.get(node.id);
    if (!existing || existing.type !== node.type) changes.push({ kind: 'add-node', node });
  }
  for (const edge of to.edges) {
    const existing = fromEdges.get(edge.id);
    if (!existing || !jsonEqual(existing, edge)) {
      changes.push({ kind: 'add-edge', edge });
    }
  }
  return changes;
}

/** Removes the given nodes and edges, and every edge attached to a removed node. */
export function removeElementsOp(
  graph: WorkflowGraph,
  nodeIds: ReadonlySet<string>,
  edgeIds: ReadonlySet<string>,
): GraphChange[] {
  const changes: GraphChange[] = [];
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id) || nodeIds.has(edge.source) || nodeIds.has(edge.target)) {
      changes.push({ kind: 'remove-edge', id: edge.id });
    }
  }
  for (const node of graph.nodes) {
    if (nodeIds.has(node.id)) changes.push({ kind: 'remove-node', id: node.id });
  }
  return changes;
}

export function moveNodesOp(
  moves: Iterable<{ id: string; position: { x: number; y: number } }>,
): GraphChange[] {
  return [...moves].map(({ id, position }) => ({
    kind: 'update-node' as const,
    id,
    patch: { position: { x: position.x, y: position.y } },
  }));
}
