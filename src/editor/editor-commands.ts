/**
 * The editor's verbs as commands over the session (editor-session.ts): each turns what the
 * user asked for into one undoable operation, commits it and says what happened, in words for
 * the screen reader's live region. No React and no DOM: the canvas (WorkflowEditor.tsx) only
 * gathers the inputs (selection, positions, sizes, clipboard text) and shows the result.
 */
import type { JsonValue } from '../model/json.ts';
import type { WorkflowNode } from '../model/workflow.ts';
import { autoLayoutOperation } from './auto-layout.ts';
import { duplicateOperation, parseClipboard, pasteOperation } from './clipboard.ts';
import type { EditorSession } from './editor-session.ts';
import { diffGraphs, moveNodesOp, removeElementsOp, type Operation } from './graph-ops.ts';
import { defaultNodeData, getNodeType } from './node-types.ts';
import type { LostValue } from './sync-conflicts.ts';
import { WORKFLOW_TEMPLATES } from './templates.ts';
import {
  checkConnection,
  type ConnectionAttempt,
  type WorkflowGraph,
} from './validate-workflow.ts';

type Point = { x: number; y: number };
type Size = { width: number; height: number };

export interface EditorCommandsOptions {
  /** Viewers cannot change anything: every command is refused. */
  isReadOnly: () => boolean;
  /** Asked before a command that selects what it made (null: the command changed nothing). */
  requestSelection?: (ids: ReadonlySet<string> | null) => void;
  newId?: () => string;
}

/** Each command returns the sentence to announce, or null when nothing changed. */
export interface EditorCommands {
  addNode(type: string, position: Point): string | null;
  connect(connection: ConnectionAttempt): string | null;
  moveNodes(moves: readonly { id: string; position: Point }[]): string | null;
  deleteElements(nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string>): string | null;
  duplicate(nodeIds: ReadonlySet<string>): string | null;
  /** `offsetFor` places the pasted nodes (next to the originals, or in view). */
  paste(text: string, offsetFor?: (nodes: readonly WorkflowNode[]) => Point): string | null;
  editField(nodeId: string, key: string, value: JsonValue, label: string): string | null;
  autoLayout(sizes: ReadonlyMap<string, Size>): string | null;
  applyTemplate(id: string): string | null;
  importWorkflow(workflow: WorkflowGraph, fileName: string): string | null;
  restoreLostValue(lost: LostValue): string | null;
  restoreVersion(id: string): string | null;
  undo(): string | null;
  redo(): string | null;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export function createEditorCommands(
  session: EditorSession,
  options: EditorCommandsOptions,
): EditorCommands {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const graph = (): WorkflowGraph => session.getState().graph;

  const run = (
    operation: Operation,
    label: string,
    select?: Iterable<string>,
    coalesceKey?: string,
  ): boolean => {
    if (options.isReadOnly()) return false;
    if (select) options.requestSelection?.(new Set(select));
    const changed = session.commit(operation, { label, ...(coalesceKey ? { coalesceKey } : {}) });
    if (!changed && select) options.requestSelection?.(null);
    return changed;
  };

  return {
    addNode(type, position) {
      const node: WorkflowNode = { id: newId(), type, position, data: defaultNodeData(type) };
      const title = getNodeType(type)?.title ?? type;
      return run([{ kind: 'add-node', node }], `Add ${title}`, [node.id])
        ? `Added ${title}.`
        : null;
    },

    connect(connection) {
      const check = checkConnection(graph(), connection);
      if (!check.ok) return `Cannot connect: ${check.reason}`;
      const edge = {
        id: newId(),
        source: connection.source,
        target: connection.target,
        sourceHandle: connection.sourceHandle ?? null,
        targetHandle: connection.targetHandle ?? null,
      };
      run([{ kind: 'add-edge', edge }], 'Connect');
      return null;
    },

    moveNodes(moves) {
      if (moves.length === 0) return null;
      const label = moves.length === 1 ? 'Move node' : `Move ${moves.length} nodes`;
      run(moveNodesOp(moves), label);
      return null;
    },

    deleteElements(nodeIds, edgeIds) {
      if (nodeIds.size === 0 && edgeIds.size === 0) return null;
      if (!run(removeElementsOp(graph(), nodeIds, edgeIds), 'Delete')) return null;
      const edges = edgeIds.size ? ` and ${edgeIds.size} connection(s)` : '';
      return `Deleted ${plural(nodeIds.size, 'node')}${edges}.`;
    },

    duplicate(nodeIds) {
      const plan = duplicateOperation(graph(), nodeIds, newId);
      if (plan.nodeIds.length === 0 || !run(plan.operation, 'Duplicate', plan.nodeIds)) return null;
      return `Duplicated ${plural(plan.nodeIds.length, 'node')}.`;
    },

    paste(text, offsetFor) {
      const parsed = parseClipboard(text);
      if (!parsed.ok) return parsed.error;
      const offset = offsetFor?.(parsed.content.nodes);
      const plan = pasteOperation(parsed.content, newId, offset);
      if (!run(plan.operation, `Paste ${plan.nodeIds.length} nodes`, plan.nodeIds)) return null;
      return `Pasted ${plural(plan.nodeIds.length, 'node')}.`;
    },

    editField(nodeId, key, value, label) {
      const patch = { data: { [key]: value } };
      run(
        [{ kind: 'update-node', id: nodeId, patch }],
        `Edit ${label}`,
        undefined,
        `${nodeId}:${key}`,
      );
      return null;
    },

    autoLayout(sizes) {
      return run(autoLayoutOperation(graph(), sizes), 'Auto-layout') ? 'Arranged the nodes.' : null;
    },

    applyTemplate(id) {
      const template = WORKFLOW_TEMPLATES.find((t) => t.id === id);
      if (!template) return null;
      run(diffGraphs(graph(), template.build()), `Start from "${template.name}"`);
      return null;
    },

    importWorkflow(workflow, fileName) {
      run(diffGraphs(graph(), workflow), `Import ${fileName}`);
      return `Imported ${workflow.nodes.length} nodes from ${fileName}. Undo to go back.`;
    },

    restoreLostValue(lost) {
      if (!lost.restore || !run(lost.restore, 'Restore lost edit')) return null;
      return `Restored: ${lost.description}. Undo to go back.`;
    },

    restoreVersion(id) {
      const version = session.getState().versions.find((v) => v.id === id);
      if (!session.restoreVersion(id) || !version) return null;
      return `Restored version "${version.name}". Undo to go back.`;
    },

    undo() {
      if (options.isReadOnly()) return null;
      const label = session.undo();
      return label ? `Undid: ${label}.` : 'Nothing to undo.';
    },

    redo() {
      if (options.isReadOnly()) return null;
      const label = session.redo();
      return label ? `Redid: ${label}.` : 'Nothing to redo.';
    },
  };
}
