/**
 * The workflow editor (default export, loaded lazily by the app): palette, canvas, properties,
 * versions, import/export and keyboard shortcuts over one `WorkflowSource`. Start reading at
 * `EditorWorkspace`; the editing logic itself lives in the pure modules next to this file
 * (graph-ops, history, clipboard, validate-workflow, workflow-file, editor-session).
 */
import '@xyflow/react/dist/style.css';
import './editor.css';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnConnectEnd,
  type Viewport,
} from '@xyflow/react';
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
} from 'react';
import type { JsonValue } from '../model/json.ts';
import type { WorkflowNode } from '../model/workflow.ts';
import { DEFAULT_NODE_SIZE, autoLayoutOperation } from './auto-layout.ts';
import {
  PASTE_OFFSET,
  copySelection,
  duplicateOperation,
  parseClipboard,
  pasteOperation,
} from './clipboard.ts';
import { createEditorSession, type EditorSession } from './editor-session.ts';
import {
  reconcileEdges,
  reconcileNodes,
  stabilizeIssues,
  type FlowEdge,
  type FlowNode,
} from './flow-elements.ts';
import { diffGraphs, moveNodesOp, removeElementsOp, type Operation } from './graph-ops.ts';
import { NODE_COMPONENTS, detailedSelector } from './NodeCard.tsx';
import { defaultNodeData, getNodeType, nodeTitle } from './node-types.ts';
import { NODE_DRAG_MIME, Palette } from './Palette.tsx';
import { LostEditsPanel } from './LostEditsPanel.tsx';
import { PropertiesPanel } from './PropertiesPanel.tsx';
import { describeLostValues } from './sync-conflicts.ts';
import { WORKFLOW_TEMPLATES } from './templates.ts';
import { Toolbar } from './Toolbar.tsx';
import { checkConnection, validateWorkflow, type WorkflowIssues } from './validate-workflow.ts';
import { VersionsPanel } from './VersionsPanel.tsx';
import { exportWorkflowFile, readWorkflowFile, workflowFileName } from './workflow-file.ts';
import type { SecretOption, WorkflowSource } from './workflow-source.ts';

export interface WorkflowEditorProps {
  source: WorkflowSource;
  /** Viewers see the workflow but cannot change it. */
  readOnly?: boolean;
  /** Secrets the LLM and HTTP nodes may reference (by id). */
  secrets?: readonly SecretOption[];
  /** Recorded as the author of named versions. */
  userId?: string | null;
}

/** Mirrors the last copy so Paste works across tabs even when the clipboard API is refused. */
export const CLIPBOARD_STORAGE_KEY = 'flowkeep.clipboard';
const VIEWPORT_SAVE_DELAY_MS = 800;
const CLIPBOARD_READ_TIMEOUT_MS = 1000;
const MAX_LISTED_PROBLEMS = 50;

export default function WorkflowEditor(props: WorkflowEditorProps) {
  const [session, setSession] = useState<EditorSession | null>(null);
  const { source, userId } = props;
  useEffect(() => {
    // Created in an effect (not during render) so StrictMode's double mount gets a live session.
    const created = createEditorSession(source, { userId: userId ?? null });
    setSession(created);
    return () => created.dispose();
  }, [source, userId]);
  if (!session) return <p className="fk-muted">Opening the editor…</p>;
  return (
    <ReactFlowProvider>
      <EditorWorkspace {...props} session={session} />
    </ReactFlowProvider>
  );
}

function isEditableTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function readStoredClipboard(): string | null {
  try {
    return localStorage.getItem(CLIPBOARD_STORAGE_KEY);
  } catch {
    return null;
  }
}

function EditorWorkspace(props: WorkflowEditorProps & { session: EditorSession }) {
  const { session } = props;
  const readOnly = props.readOnly ?? false;
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const { graph } = state;
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const detailed = useStore(detailedSelector);
  const rootRef = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const [sidePanel, setSidePanel] = useState<'versions' | 'lost-edits' | null>(null);
  const versionsOpen = sidePanel === 'versions';

  const secretIds = useMemo(
    () => (props.secrets ? new Set(props.secrets.map((s) => s.id)) : undefined),
    [props.secrets],
  );
  const issuesRef = useRef<WorkflowIssues | null>(null);
  const issues = useMemo(() => {
    const next = stabilizeIssues(
      issuesRef.current,
      validateWorkflow(graph, secretIds ? { secretIds } : {}),
    );
    issuesRef.current = next;
    return next;
  }, [graph, secretIds]);

  // React Flow's view of the graph. Selection, measured sizes and live drag positions live here.
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

  const latest = useRef({ graph, nodes, edges, readOnly });
  latest.current = { graph, nodes, edges, readOnly };

  const selectedKey = useMemo(
    () =>
      nodes
        .filter((n) => n.selected)
        .map((n) => n.id)
        .join('\n'),
    [nodes],
  );
  const selectedEdgeKey = useMemo(
    () =>
      edges
        .filter((e) => e.selected)
        .map((e) => e.id)
        .join('\n'),
    [edges],
  );
  const selectedNodeIds = useMemo(
    () => new Set(selectedKey ? selectedKey.split('\n') : []),
    [selectedKey],
  );
  const selectedEdgeIds = useMemo(
    () => new Set(selectedEdgeKey ? selectedEdgeKey.split('\n') : []),
    [selectedEdgeKey],
  );
  const selectionRef = useRef({ nodes: selectedNodeIds, edges: selectedEdgeIds });
  selectionRef.current = { nodes: selectedNodeIds, edges: selectedEdgeIds };

  const commit = useCallback(
    (
      operation: Operation,
      label: string,
      select?: Iterable<string>,
      coalesceKey?: string,
    ): boolean => {
      if (latest.current.readOnly) return false;
      if (select) selectRequest.current = new Set(select);
      const changed = session.commit(operation, { label, ...(coalesceKey ? { coalesceKey } : {}) });
      if (!changed) selectRequest.current = null;
      return changed;
    },
    [session],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      // Removal goes through deleteSelection (an undoable operation), never straight to the view.
      const local = changes.filter(
        (c) => c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace',
      );
      if (local.length > 0) setNodes((current) => applyNodeChanges(local, current));
      // A position that settled (the end of a drag, or an arrow-key move) is an edit; the
      // frames in between are only shown, so a drag is saved once, at its end.
      const moves: { id: string; position: { x: number; y: number } }[] = [];
      for (const change of changes) {
        if (change.type === 'position' && change.dragging !== true && change.position) {
          moves.push({ id: change.id, position: change.position });
        }
      }
      if (moves.length > 0) {
        commit(moveNodesOp(moves), moves.length === 1 ? 'Move node' : `Move ${moves.length} nodes`);
      }
    },
    [commit],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const local = changes.filter((c) => c.type === 'select');
    if (local.length > 0) setEdges((current) => applyEdgeChanges(local, current));
  }, []);

  // A drag interrupted by leaving the editor is still saved.
  useEffect(
    () => () => {
      const { graph: g, nodes: current } = latest.current;
      const stored = new Map(g.nodes.map((n) => [n.id, n.position] as const));
      const moves = current
        .filter((n) => {
          const at = stored.get(n.id);
          return n.dragging && at && (at.x !== n.position.x || at.y !== n.position.y);
        })
        .map((n) => ({ id: n.id, position: n.position }));
      if (moves.length > 0) session.commit(moveNodesOp(moves), { label: 'Move nodes' });
    },
    [session],
  );

  const isValidConnection = useCallback(
    (connection: FlowEdge | Connection) => checkConnection(latest.current.graph, connection).ok,
    [],
  );
  const onConnect = useCallback(
    (connection: Connection) => {
      const check = checkConnection(latest.current.graph, connection);
      if (!check.ok) {
        setAnnouncement(`Cannot connect: ${check.reason}`);
        return;
      }
      commit(
        [
          {
            kind: 'add-edge',
            edge: {
              id: crypto.randomUUID(),
              source: connection.source,
              target: connection.target,
              sourceHandle: connection.sourceHandle ?? null,
              targetHandle: connection.targetHandle ?? null,
            },
          },
        ],
        'Connect',
      );
    },
    [commit],
  );
  const onConnectEnd: OnConnectEnd = useCallback((_event, connection) => {
    if (
      connection.isValid !== false ||
      !connection.fromNode ||
      !connection.toNode ||
      !connection.fromHandle ||
      !connection.toHandle
    )
      return;
    const fromSource = connection.fromHandle.type === 'source';
    const check = checkConnection(latest.current.graph, {
      source: fromSource ? connection.fromNode.id : connection.toNode.id,
      sourceHandle: fromSource ? connection.fromHandle.id : connection.toHandle.id,
      target: fromSource ? connection.toNode.id : connection.fromNode.id,
      targetHandle: fromSource ? connection.toHandle.id : connection.fromHandle.id,
    });
    if (!check.ok) setAnnouncement(`Cannot connect: ${check.reason}`);
  }, []);

  const addNode = useCallback(
    (type: string, at?: { x: number; y: number }) => {
      let position = at;
      if (!position) {
        const box = rootRef.current?.querySelector('.fk-canvas')?.getBoundingClientRect();
        const centre = box
          ? { x: box.left + box.width / 2, y: box.top + box.height / 2 }
          : { x: 0, y: 0 };
        position = flow.screenToFlowPosition(centre);
        // Successive clicks fan out instead of stacking exactly.
        const offset = (latest.current.graph.nodes.length % 8) * 24;
        position = {
          x: Math.round(position.x - 110 + offset),
          y: Math.round(position.y - 40 + offset),
        };
      }
      const node: WorkflowNode = {
        id: crypto.randomUUID(),
        type,
        position,
        data: defaultNodeData(type),
      };
      if (
        commit([{ kind: 'add-node', node }], `Add ${getNodeType(type)?.title ?? type}`, [node.id])
      ) {
        setAnnouncement(`Added ${getNodeType(type)?.title ?? type}.`);
      }
    },
    [commit, flow],
  );

  const deleteSelection = useCallback(() => {
    const { nodes: n, edges: e } = selectionRef.current;
    if (n.size === 0 && e.size === 0) return;
    if (commit(removeElementsOp(latest.current.graph, n, e), 'Delete')) {
      setAnnouncement(
        `Deleted ${n.size} node${n.size === 1 ? '' : 's'}${e.size ? ` and ${e.size} connection(s)` : ''}.`,
      );
    }
  }, [commit]);

  const selectionText = useCallback(
    (): string | null => copySelection(latest.current.graph, selectionRef.current.nodes),
    [],
  );
  const rememberCopy = useCallback((text: string) => {
    try {
      localStorage.setItem(CLIPBOARD_STORAGE_KEY, text);
    } catch {
      // Storage full or disabled: the system clipboard still has it.
    }
    const count = selectionRef.current.nodes.size;
    setAnnouncement(`Copied ${count} node${count === 1 ? '' : 's'}.`);
  }, []);

  const copyToClipboard = useCallback(async () => {
    const text = selectionText();
    if (!text) return;
    rememberCopy(text);
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Permission refused: the local mirror lets Paste work in this browser anyway.
    }
  }, [rememberCopy, selectionText]);

  /** Next to the originals when they are in view, else centred in view, so a paste is seen. */
  const pasteOffset = useCallback(
    (pasted: readonly WorkflowNode[]): { x: number; y: number } => {
      const shifted = { x: PASTE_OFFSET, y: PASTE_OFFSET };
      const box = rootRef.current?.querySelector('.fk-canvas')?.getBoundingClientRect();
      if (!box || pasted.length === 0) return shifted;
      const topLeft = flow.screenToFlowPosition({ x: box.left, y: box.top });
      const bottomRight = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
      const xs = pasted.map((n) => n.position.x + PASTE_OFFSET);
      const ys = pasted.map((n) => n.position.y + PASTE_OFFSET);
      const minX = Math.min(...xs);
      const minY = Math.min(...ys);
      const maxX = Math.max(...xs) + DEFAULT_NODE_SIZE.width;
      const maxY = Math.max(...ys) + DEFAULT_NODE_SIZE.height;
      const visible =
        minX < bottomRight.x && maxX > topLeft.x && minY < bottomRight.y && maxY > topLeft.y;
      if (visible) return shifted;
      const centre = { x: (topLeft.x + bottomRight.x) / 2, y: (topLeft.y + bottomRight.y) / 2 };
      return {
        x: Math.round(centre.x - (minX + maxX) / 2 + PASTE_OFFSET),
        y: Math.round(centre.y - (minY + maxY) / 2 + PASTE_OFFSET),
      };
    },
    [flow],
  );

  const pasteText = useCallback(
    (text: string) => {
      const parsed = parseClipboard(text);
      if (!parsed.ok) {
        setAnnouncement(parsed.error);
        return;
      }
      const plan = pasteOperation(
        parsed.content,
        () => crypto.randomUUID(),
        pasteOffset(parsed.content.nodes),
      );
      if (commit(plan.operation, `Paste ${plan.nodeIds.length} nodes`, plan.nodeIds)) {
        setAnnouncement(
          `Pasted ${plan.nodeIds.length} node${plan.nodeIds.length === 1 ? '' : 's'}.`,
        );
      }
    },
    [commit, pasteOffset],
  );

  const pasteFromClipboard = useCallback(async () => {
    let text: string | null = null;
    try {
      // Headless or unfocused pages may leave the read pending forever: give it a moment.
      text = await Promise.race([
        navigator.clipboard.readText(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), CLIPBOARD_READ_TIMEOUT_MS)),
      ]);
    } catch {
      text = null;
    }
    if (!text || !parseClipboard(text).ok) text = readStoredClipboard() ?? text;
    if (text) pasteText(text);
    else setAnnouncement('The clipboard is empty.');
  }, [pasteText]);

  const duplicate = useCallback(() => {
    const plan = duplicateOperation(latest.current.graph, selectionRef.current.nodes, () =>
      crypto.randomUUID(),
    );
    if (plan.nodeIds.length > 0 && commit(plan.operation, 'Duplicate', plan.nodeIds)) {
      setAnnouncement(
        `Duplicated ${plan.nodeIds.length} node${plan.nodeIds.length === 1 ? '' : 's'}.`,
      );
    }
  }, [commit]);

  const selectAll = useCallback(() => {
    setNodes((current) => current.map((n) => (n.selected ? n : { ...n, selected: true })));
    setEdges((current) => current.map((e) => (e.selected ? e : { ...e, selected: true })));
  }, []);

  const undo = useCallback(() => {
    if (latest.current.readOnly) return;
    const label = session.undo();
    setAnnouncement(label ? `Undid: ${label}.` : 'Nothing to undo.');
  }, [session]);
  const redo = useCallback(() => {
    if (latest.current.readOnly) return;
    const label = session.redo();
    setAnnouncement(label ? `Redid: ${label}.` : 'Nothing to redo.');
  }, [session]);

  const fitView = useCallback(() => {
    void flow.fitView({ padding: 0.1, duration: 0 });
  }, [flow]);

  const autoLayout = useCallback(() => {
    const sizes = new Map<string, { width: number; height: number }>();
    for (const n of latest.current.nodes) {
      if (n.measured?.width && n.measured.height)
        sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
    }
    if (commit(autoLayoutOperation(latest.current.graph, sizes), 'Auto-layout')) {
      setAnnouncement('Arranged the nodes.');
      requestAnimationFrame(() => fitView());
    }
  }, [commit, fitView]);

  const exportFile = useCallback(() => {
    const doc = session.getState().doc;
    const name = session.getState().name || 'Workflow';
    const text = exportWorkflowFile({
      name,
      description: doc?.description ?? '',
      viewport: flow.getViewport(),
      nodes: latest.current.graph.nodes,
      edges: latest.current.graph.edges,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = workflowFileName(name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setAnnouncement(`Exported ${link.download}.`);
  }, [flow, session]);

  const importFile = useCallback(
    async (file: File) => {
      const result = await readWorkflowFile(file);
      if (!result.ok) {
        setImportError(`Could not import ${file.name}: ${result.error}`);
        return;
      }
      setImportError(null);
      const { workflow } = result;
      commit(diffGraphs(latest.current.graph, workflow), `Import ${file.name}`);
      setAnnouncement(
        `Imported ${workflow.nodes.length} nodes from ${file.name}. Undo to go back.`,
      );
      requestAnimationFrame(() => fitView());
    },
    [commit, fitView],
  );

  const applyTemplate = useCallback(
    (id: string) => {
      const template = WORKFLOW_TEMPLATES.find((t) => t.id === id);
      if (!template) return;
      commit(diffGraphs(latest.current.graph, template.build()), `Start from "${template.name}"`);
      requestAnimationFrame(() => fitView());
    },
    [commit, fitView],
  );

  const onFieldChange = useCallback(
    (nodeId: string, key: string, value: JsonValue, label: string) => {
      commit(
        [{ kind: 'update-node', id: nodeId, patch: { data: { [key]: value } } }],
        `Edit ${label}`,
        undefined,
        `${nodeId}:${key}`,
      );
    },
    [commit],
  );
  const newBranchId = useCallback(() => crypto.randomUUID().slice(0, 8), []);

  // Keyboard shortcuts, active while focus is in the editor (or nowhere) but not in a field.
  useEffect(() => {
    // Scope by the focused element: Chromium aims clipboard events at the selection's node
    // (often a link clicked earlier), not at the focused element.
    const inScope = (target: EventTarget | null): boolean => {
      const active = document.activeElement;
      if (isEditableTarget(target) || isEditableTarget(active)) return false;
      return (
        active === null || active === document.body || (rootRef.current?.contains(active) ?? false)
      );
    };
    /** The user selected page text to copy it: leave that copy alone. */
    const textSelected = (): boolean => {
      const selection = document.getSelection();
      return selection !== null && !selection.isCollapsed && selection.toString().trim() !== '';
    };
    let pasteEventSeen = false;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!inScope(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const editable = !latest.current.readOnly;
      if (mod && key === 'z' && !event.shiftKey && editable) {
        event.preventDefault();
        undo();
      } else if (mod && ((key === 'z' && event.shiftKey) || key === 'y') && editable) {
        event.preventDefault();
        redo();
      } else if (mod && key === 'd' && editable) {
        event.preventDefault();
        duplicate();
      } else if (mod && key === 'a') {
        event.preventDefault();
        selectAll();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && !mod && editable) {
        event.preventDefault();
        deleteSelection();
      } else if (mod && key === 'v' && editable) {
        // Some browsers fire no paste event outside an editable field: fall back to the
        // clipboard API (or the local mirror) if none arrived by the end of this task.
        pasteEventSeen = false;
        setTimeout(() => {
          if (!pasteEventSeen) void pasteFromClipboard();
        }, 0);
      } else if (mod && key === 'c' && !textSelected()) {
        // The copy event below fills the system clipboard; keep the local mirror too.
        const text = selectionText();
        if (text) rememberCopy(text);
      }
    };
    const onCopy = (event: ClipboardEvent) => {
      if (!inScope(event.target) || textSelected()) return;
      const text = selectionText();
      if (!text || !event.clipboardData) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
      rememberCopy(text);
    };
    const onPaste = (event: ClipboardEvent) => {
      pasteEventSeen = true;
      if (!inScope(event.target) || latest.current.readOnly) return;
      const text = event.clipboardData?.getData('text/plain') || readStoredClipboard();
      if (!text) return;
      event.preventDefault();
      pasteText(text);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [
    deleteSelection,
    duplicate,
    pasteFromClipboard,
    pasteText,
    redo,
    rememberCopy,
    selectAll,
    selectionText,
    undo,
  ]);

  // The viewport is saved when a pan or zoom ends, coalesced, so reopening shows the same view.
  const viewportTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const onMoveStart = useCallback(() => {
    canvasRef.current?.classList.add('fk-canvas--moving');
  }, []);
  const onMoveEnd = useCallback(
    (_event: unknown, viewport: Viewport) => {
      canvasRef.current?.classList.remove('fk-canvas--moving');
      if (latest.current.readOnly) return;
      if (viewportTimer.current) clearTimeout(viewportTimer.current);
      viewportTimer.current = setTimeout(() => {
        session.saveViewport({ x: viewport.x, y: viewport.y, zoom: viewport.zoom });
      }, VIEWPORT_SAVE_DELAY_MS);
    },
    [session],
  );
  useEffect(
    () => () => {
      if (viewportTimer.current) clearTimeout(viewportTimer.current);
    },
    [],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(NODE_DRAG_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_DRAG_MIME);
      if (!type || !getNodeType(type)) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNode(type, { x: Math.round(at.x), y: Math.round(at.y) });
    },
    [addNode, flow],
  );

  const selectNode = useCallback(
    (id: string) => {
      setNodes((current) =>
        current.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })),
      );
      const node = latest.current.nodes.find((n) => n.id === id);
      if (node)
        void flow.setCenter(node.position.x + 110, node.position.y + 40, {
          zoom: Math.max(flow.getZoom(), 0.8),
        });
    },
    [flow],
  );

  const conflictEntries = state.doc?.conflicts;
  const lostEdits = useMemo(
    () => describeLostValues(conflictEntries ?? [], graph),
    [conflictEntries, graph],
  );

  const singleSelected =
    selectedNodeIds.size === 1 ? graph.nodes.find((n) => selectedNodeIds.has(n.id)) : undefined;
  const initialViewport = useRef(state.doc?.viewport ?? null).current;

  if (state.doc === null || state.doc._deleted) {
    return (
      <div className="fk-editor" role="alert">
        This workflow is not available: it was deleted, or it has not finished loading.
      </div>
    );
  }

  return (
    <div className="fk-editor" ref={rootRef}>
      {readOnly && (
        <p className="fk-readonly" role="note">
          View only: your role in this organization is viewer, so you can look at this workflow,
          copy and export it, but not change it. Ask an admin or owner to make you a member to edit.
        </p>
      )}
      <Toolbar
        readOnly={readOnly}
        canUndo={state.history.past.length > 0}
        canRedo={state.history.future.length > 0}
        selectedCount={selectedNodeIds.size + selectedEdgeIds.size}
        nodeCount={graph.nodes.length}
        edgeCount={graph.edges.length}
        saveStatus={state.saveStatus}
        saveError={state.saveError}
        versionsOpen={versionsOpen}
        onUndo={undo}
        onRedo={redo}
        onCopy={copyToClipboard}
        onPaste={pasteFromClipboard}
        onDuplicate={duplicate}
        onDelete={deleteSelection}
        onAutoLayout={autoLayout}
        onFitView={fitView}
        onExport={exportFile}
        onImport={importFile}
        onToggleVersions={() => setSidePanel((open) => (open === 'versions' ? null : 'versions'))}
        lostEditCount={lostEdits.length}
        lostEditsOpen={sidePanel === 'lost-edits'}
        onToggleLostEdits={() =>
          setSidePanel((open) => (open === 'lost-edits' ? null : 'lost-edits'))
        }
      />
      {importError && (
        <div className="fk-import-error" role="alert">
          <span>{importError}</span>
          <button
            type="button"
            aria-label="Dismiss import error"
            onClick={() => setImportError(null)}
          >
            Dismiss
          </button>
        </div>
      )}
      <div className="fk-editor__body">
        {!readOnly && <Palette onAdd={addNode} />}
        <div
          ref={canvasRef}
          className={detailed ? 'fk-canvas' : 'fk-canvas fk-canvas--compact'}
          onDragOver={onDragOver}
          onDrop={onDrop}
        >
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_COMPONENTS}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            edgesReconnectable={false}
            elementsSelectable
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
            onlyRenderVisibleElements
            minZoom={0.05}
            {...(initialViewport ? { defaultViewport: initialViewport } : { fitView: true })}
            proOptions={{ hideAttribution: true }}
            aria-label="Workflow canvas"
          >
            {/* Zoomed far out the dot grid is denser than the pixels and costly to draw. */}
            {detailed ? <Background gap={24} /> : null}
            <Controls showInteractive={false} aria-label="Zoom controls" />
            <MiniMap pannable zoomable ariaLabel="Minimap" nodeStrokeWidth={3} />
          </ReactFlow>
          {graph.nodes.length === 0 && !readOnly && (
            <section className="fk-templates" aria-label="Start from a template">
              <h2>Start from a template</h2>
              <p className="fk-muted">Or add nodes from the palette.</p>
              <ul>
                {WORKFLOW_TEMPLATES.map((template) => (
                  <li key={template.id}>
                    <button
                      type="button"
                      aria-label={`Use template ${template.name}`}
                      onClick={() => applyTemplate(template.id)}
                    >
                      <strong>{template.name}</strong>
                      <span>{template.description}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
        <aside className="fk-side" aria-label="Details">
          {sidePanel === 'lost-edits' ? (
            <LostEditsPanel
              lost={lostEdits}
              readOnly={readOnly}
              onRestore={(lost) => {
                if (lost.restore && commit(lost.restore, 'Restore lost edit')) {
                  setAnnouncement(`Restored: ${lost.description}. Undo to go back.`);
                }
              }}
            />
          ) : versionsOpen ? (
            <VersionsPanel
              versions={state.versions}
              readOnly={readOnly}
              onSave={(name) => {
                const check = session.saveVersion(name);
                if (check.ok) setAnnouncement(`Saved version "${check.name}".`);
                return check;
              }}
              onRestore={(id) => {
                const version = state.versions.find((v) => v.id === id);
                if (session.restoreVersion(id) && version) {
                  setAnnouncement(`Restored version "${version.name}". Undo to go back.`);
                  requestAnimationFrame(() => fitView());
                }
              }}
              onDelete={(id) => session.deleteVersion(id)}
            />
          ) : singleSelected ? (
            <PropertiesPanel
              node={singleSelected}
              issues={issues.nodes.get(singleSelected.id)}
              readOnly={readOnly}
              secrets={props.secrets ?? EMPTY_SECRETS}
              onFieldChange={onFieldChange}
              newBranchId={newBranchId}
            />
          ) : (
            <ProblemsList
              graph={graph.nodes}
              issues={issues}
              onSelect={selectNode}
              selectedCount={selectedNodeIds.size}
            />
          )}
        </aside>
      </div>
      <div
        className="fk-visually-hidden"
        role="status"
        aria-live="polite"
        aria-label="Editor announcements"
      >
        {announcement}
      </div>
    </div>
  );
}

const EMPTY_SECRETS: readonly SecretOption[] = [];

const ProblemsList = memo(function ProblemsList(props: {
  graph: readonly WorkflowNode[];
  issues: WorkflowIssues;
  selectedCount: number;
  onSelect: (id: string) => void;
}) {
  const { issues } = props;
  const byId = new Map(props.graph.map((n) => [n.id, n] as const));
  const nodeProblems = [...issues.nodes.entries()].slice(0, MAX_LISTED_PROBLEMS);
  const edgeProblemCount = [...issues.edges.values()].reduce((sum, list) => sum + list.length, 0);
  return (
    <section className="fk-panel" aria-labelledby="fk-problems-heading">
      <h2 id="fk-problems-heading">Problems</h2>
      {props.selectedCount > 1 && (
        <p className="fk-muted">{props.selectedCount} nodes selected. Select one to edit it.</p>
      )}
      {issues.workflow.map((issue) => (
        <p key={issue.message} className="fk-warning">
          {issue.message}
        </p>
      ))}
      {nodeProblems.length === 0 && edgeProblemCount === 0 ? (
        <p className="fk-muted">No problems found. Select a node to edit its properties.</p>
      ) : (
        <ul className="fk-problems" aria-label="Problems by node">
          {nodeProblems.map(([id, list]) => {
            const node = byId.get(id);
            const title = node ? nodeTitle(node.type, node.data) : id;
            return (
              <li key={id}>
                <button
                  type="button"
                  aria-label={`Show ${title}`}
                  onClick={() => props.onSelect(id)}
                >
                  {title}
                </button>
                : {list.map((i) => i.message).join(' ')}
              </li>
            );
          })}
          {edgeProblemCount > 0 && (
            <li>
              {edgeProblemCount} problem{edgeProblemCount === 1 ? '' : 's'} with connections (shown
              in red).
            </li>
          )}
        </ul>
      )}
    </section>
  );
});
