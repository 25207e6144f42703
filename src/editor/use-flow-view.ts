/**
 * React Flow's view of the session's graph and its problems: the nodes and edges on the canvas with what only
 * the view knows (selection, measured sizes, live drag positions), kept in step with the graph
 * and its problems. A command that makes nodes asks for them to be selected
 * (`requestSelection`); the next reconcile selects them.
 */
import {
  applyEdgeChanges,
  applyNodeChanges,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  reconcileEdges,
  reconcileNodes,
  stabilizeIssues,
  type FlowEdge,
  type FlowNode,
} from './flow-elements.ts';
import type { Graph } from './graph-ops.ts';
import { validateWorkflow, type WorkflowIssues } from './validate-workflow.ts';
import type { SecretOption } from './workflow-source.ts';

export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

/** Ids of the selected elements, as a set that keeps its identity while the selection does. */
function useSelectedIds(elements: readonly { id: string; selected?: boolean }[]): Set<string> {
  const key = useMemo(
    () =>
      elements
        .filter((e) => e.selected)
        .map((e) => e.id)
        .join('\n'),
    [elements],
  );
  return useMemo(() => new Set(key ? key.split('\n') : []), [key]);
}

/** The graph's problems; unchanged entries keep their identity so the canvas redraws less. */
export function useWorkflowIssues(
  graph: Graph,
  secrets: readonly SecretOption[] | undefined,
): WorkflowIssues {
  const secretIds = useMemo(
    () => (secrets ? new Set(secrets.map((s) => s.id)) : undefined),
    [secrets],
  );
  const previous = useRef<WorkflowIssues | null>(null);
  return useMemo(() => {
    const next = stabilizeIssues(
      previous.current,
      validateWorkflow(graph, secretIds ? { secretIds } : {}),
    );
    previous.current = next;
    return next;
  }, [graph, secretIds]);
}

export function useFlowView(graph: Graph, issues: WorkflowIssues, readOnly: boolean) {
  const selectRequest = useRef<ReadonlySet<string> | null>(null);
  const [nodes, setNodes] = useState<FlowNode[]>(() =>
    reconcileNodes([], graph.nodes, issues, readOnly, null),
  );
  const [edges, setEdges] = useState<FlowEdge[]>(() =>
    reconcileEdges([], graph.edges, issues, null),
  );
  useLayoutEffect(() => {
    const select = selectRequest.current;
    selectRequest.current = null;
    setNodes((previous) => reconcileNodes(previous, graph.nodes, issues, readOnly, select));
    setEdges((previous) =>
      reconcileEdges(previous, graph.edges, issues, select ? new Set() : null),
    );
  }, [graph, issues, readOnly]);

  const selectedNodeIds = useSelectedIds(nodes);
  const selectedEdgeIds = useSelectedIds(edges);
  /** The selection now, for callbacks that must not change identity with it. */
  const selectionRef = useRef<Selection>({ nodes: selectedNodeIds, edges: selectedEdgeIds });
  selectionRef.current = { nodes: selectedNodeIds, edges: selectedEdgeIds };

  const requestSelection = useCallback((ids: ReadonlySet<string> | null) => {
    selectRequest.current = ids;
  }, []);

  /** Shows changes that are only the view's (selection, sizes, drag frames). */
  const applyViewChanges = useCallback((changes: NodeChange<FlowNode>[]) => {
    // Removal goes through the delete command (an undoable operation), never straight here.
    const local = changes.filter(
      (c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace',
    );
    if (local.length > 0) setNodes((current) => applyNodeChanges(local, current));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const local = changes.filter((c) => c.type === 'select');
    if (local.length > 0) setEdges((current) => applyEdgeChanges(local, current));
  }, []);

  const selectAll = useCallback(() => {
    setNodes((current) => current.map((n) => (n.selected ? n : { ...n, selected: true })));
    setEdges((current) => current.map((e) => (e.selected ? e : { ...e, selected: true })));
  }, []);
  const selectOnly = useCallback((id: string) => {
    setNodes((current) =>
      current.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })),
    );
  }, []);

  return {
    nodes,
    edges,
    selectedNodeIds,
    selectedEdgeIds,
    selectionRef,
    requestSelection,
    applyViewChanges,
    onEdgesChange,
    selectAll,
    selectOnly,
  };
}
