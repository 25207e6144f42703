/**
 * Copy, paste and duplicate as pure functions. The clipboard carries JSON text in a small
 * versioned envelope, so a selection copied in one workflow (or browser tab) pastes into
 * another; pasted nodes and edges get fresh ids, so pasting twice or into the source workflow
 * never collides with what is there.
 */
import type { WorkflowEdge, WorkflowNode } from '../model/workflow.ts';
import type { GraphChange } from './graph-ops.ts';
import type { WorkflowGraph } from './validate-workflow.ts';
import { readGraphJson } from './workflow-file.ts';

export const CLIPBOARD_FORMAT = 'flowkeep.clipboard';
export const CLIPBOARD_VERSION = 1;
export const PASTE_OFFSET = 40;

export interface ClipboardContent {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** The selected nodes and the edges between them, as clipboard text. Null when nothing is selected. */
export function copySelection(graph: WorkflowGraph, nodeIds: ReadonlySet<string>): string | null {
  const nodes = graph.nodes.filter((n) => nodeIds.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target));
  return JSON.stringify({ format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, nodes, edges });
}

export type ClipboardParse = { ok: true; content: ClipboardContent } | { ok: false; error: string };

export function parseClipboard(text: string): ClipboardParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The clipboard does not hold Flowkeep nodes.' };
  }
  if (
    raw === null ||
    typeof raw !== 'object' ||
    (raw as { format?: unknown }).format !== CLIPBOARD_FORMAT
  ) {
    return { ok: false, error: 'The clipboard does not hold Flowkeep nodes.' };
  }
  const { version, nodes, edges } = raw as { version?: unknown; nodes?: unknown; edges?: unknown };
  if (version !== CLIPBOARD_VERSION) {
    return {
      ok: false,
      error: `Copied from a different Flowkeep version (${String(version)}); cannot paste.`,
    };
  }
  const graph = readGraphJson(nodes, edges);
  if (!graph.ok) return { ok: false, error: `Cannot paste: ${graph.error}` };
  return { ok: true, content: { nodes: graph.nodes, edges: graph.edges } };
}

export interface PastePlan {
  operation: GraphChange[];
  /** Ids of the new nodes, to select them after pasting. */
  nodeIds: string[];
}

/** New copies of the content, with fresh ids, shifted by `offset`. */
export function pasteOperation(
  content: ClipboardContent,
  newId: () => string,
  offset: { x: number; y: number } = { x: PASTE_OFFSET, y: PASTE_OFFSET },
): PastePlan {
  const idMap = new Map<string, string>();
  const operation: GraphChange[] = [];
  for (const node of content.nodes) {
    const id = newId();
    idMap.set(node.id, id);
    operation.push({
      kind: 'add-node',
      node: {
        id,
        type: node.type,
        position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
        data: structuredClone(node.data),
      },
    });
  }
  for (const edge of content.edges) {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target) continue;
    operation.push({
      kind: 'add-edge',
      edge: {
        id: newId(),
        source,
        target,
        sourceHandle: edge.sourceHandle ?? null,
        targetHandle: edge.targetHandle ?? null,
      },
    });
  }
  return { operation, nodeIds: [...idMap.values()] };
}

export function duplicateOperation(
  graph: WorkflowGraph,
  nodeIds: ReadonlySet<string>,
  newId: () => string,
): PastePlan {
  const nodes = graph.nodes.filter((n) => nodeIds.has(n.id));
  const edges = graph.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target));
  return pasteOperation({ nodes, edges }, newId);
}
