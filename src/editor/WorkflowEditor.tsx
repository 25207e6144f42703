/**
 * The workflow editor (default export, loaded lazily by the app): palette, canvas, properties,
 * versions and import/export over one `WorkflowSource`. Start reading at `EditorWorkspace`.
 * The engine is framework-free: the session (editor-session.ts) holds the document, pending
 * edits and history, and the verbs are commands over it (editor-commands.ts). The view's own
 * concerns are hooks: the canvas elements and selection (use-flow-view), the viewport
 * (use-viewport), the clipboard (use-clipboard) and the shortcuts (use-editor-shortcuts).
 */
import '@xyflow/react/dist/style.css';
import './editor.css';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useStore,
  type Connection,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
} from 'react';
import type { JsonValue } from '../model/json.ts';
import { copySelection } from './clipboard.ts';
import { downloadTextFile } from './download.ts';
import { createEditorCommands } from './editor-commands.ts';
import { createEditorSession, type EditorSession } from './editor-session.ts';
import { stabilizeIssues, type FlowEdge, type FlowNode } from './flow-elements.ts';
import { moveNodesOp } from './graph-ops.ts';
import { LostEditsPanel } from './LostEditsPanel.tsx';
import { NODE_COMPONENTS, detailedSelector } from './NodeCard.tsx';
import { getNodeType } from './node-types.ts';
import { NODE_DRAG_MIME, Palette } from './Palette.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { PropertiesPanel } from './PropertiesPanel.tsx';
import { describeLostValues } from './sync-conflicts.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { WORKFLOW_TEMPLATES } from './templates.ts';
import { Toolbar } from './Toolbar.tsx';
import { useClipboard } from './use-clipboard.ts';
import { useEditorShortcuts } from './use-editor-shortcuts.ts';
import { useFlowView } from './use-flow-view.ts';
import { useViewport } from './use-viewport.ts';
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

function EditorWorkspace(props: WorkflowEditorProps & { session: EditorSession }) {
  const { session } = props;
  const readOnly = props.readOnly ?? false;
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const { graph } = state;
  const detailed = useStore(detailedSelector);
  const rootRef = useRef<HTMLDivElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const [sidePanel, setSidePanel] = useState<'versions' | 'lost-edits' | null>(null);
  const versionsOpen = sidePanel === 'versions';
  const announce = useCallback((text: string | null) => {
    if (text !== null) setAnnouncement(text);
  }, []);

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

  const view = useFlowView(graph, issues, readOnly);
  const { nodes, selectionRef, selectedNodeIds, selectedEdgeIds } = view;
  const latest = useRef({ graph, nodes, readOnly });
  latest.current = { graph, nodes, readOnly };
  const isReadOnly = useCallback(() => latest.current.readOnly, []);
  const viewport = useViewport(session, isReadOnly, rootRef);
  const { fitView, flow } = viewport;
  const fitViewSoon = useCallback(() => requestAnimationFrame(() => fitView()), [fitView]);

  const commands = useMemo(
    () =>
      createEditorCommands(session, {
        isReadOnly: () => latest.current.readOnly,
        requestSelection: view.requestSelection,
      }),
    [session, view.requestSelection],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      view.applyViewChanges(changes);
      // A position that settled (the end of a drag, or an arrow-key move) is an edit; the
      // frames in between are only shown, so a drag is saved once, at its end.
      const moves: { id: string; position: { x: number; y: number } }[] = [];
      for (const change of changes) {
        if (change.type === 'position' && change.dragging !== true && change.position) {
          moves.push({ id: change.id, position: change.position });
        }
      }
      commands.moveNodes(moves);
    },
    [commands, view],
  );

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
    (connection: Connection) => announce(commands.connect(connection)),
    [announce, commands],
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
    (type: string, at?: { x: number; y: number }) =>
      announce(
        commands.addNode(type, at ?? viewport.placeInView(latest.current.graph.nodes.length)),
      ),
    [announce, commands, viewport],
  );
  const deleteSelection = useCallback(() => {
    const { nodes: n, edges: e } = selectionRef.current;
    announce(commands.deleteElements(n, e));
  }, [announce, commands, selectionRef]);
  const duplicate = useCallback(
    () => announce(commands.duplicate(selectionRef.current.nodes)),
    [announce, commands, selectionRef],
  );
  const undo = useCallback(() => announce(commands.undo()), [announce, commands]);
  const redo = useCallback(() => announce(commands.redo()), [announce, commands]);

  const selectionText = useCallback(
    (): string | null => copySelection(latest.current.graph, selectionRef.current.nodes),
    [selectionRef],
  );
  const clipboard = useClipboard({
    commands,
    selectionText,
    selectedCount: useCallback(() => selectionRef.current.nodes.size, [selectionRef]),
    pasteOffset: viewport.pasteOffset,
    announce: setAnnouncement,
  });
  useEditorShortcuts(rootRef, {
    isReadOnly,
    undo,
    redo,
    duplicate,
    selectAll: view.selectAll,
    deleteSelection,
    pasteFromClipboard: clipboard.pasteFromClipboard,
    pasteText: clipboard.pasteText,
    selectionText,
    rememberCopy: clipboard.rememberCopy,
  });

  const autoLayout = useCallback(() => {
    const sizes = new Map<string, { width: number; height: number }>();
    for (const n of latest.current.nodes) {
      if (n.measured?.width && n.measured.height)
        sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
    }
    const message = commands.autoLayout(sizes);
    if (message) {
      setAnnouncement(message);
      fitViewSoon();
    }
  }, [commands, fitViewSoon]);

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
    const fileName = workflowFileName(name);
    downloadTextFile(fileName, text, 'application/json');
    setAnnouncement(`Exported ${fileName}.`);
  }, [flow, session]);

  const importFile = useCallback(
    async (file: File) => {
      const result = await readWorkflowFile(file);
      if (!result.ok) {
        setImportError(`Could not import ${file.name}: ${result.error}`);
        return;
      }
      setImportError(null);
      announce(commands.importWorkflow(result.workflow, file.name));
      fitViewSoon();
    },
    [announce, commands, fitViewSoon],
  );

  const applyTemplate = useCallback(
    (id: string) => {
      if (!WORKFLOW_TEMPLATES.some((t) => t.id === id)) return;
      commands.applyTemplate(id);
      fitViewSoon();
    },
    [commands, fitViewSoon],
  );

  const onFieldChange = useCallback(
    (nodeId: string, key: string, value: JsonValue, label: string) =>
      commands.editField(nodeId, key, value, label),
    [commands],
  );
  const newBranchId = useCallback(() => crypto.randomUUID().slice(0, 8), []);

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
      view.selectOnly(id);
      const node = latest.current.nodes.find((n) => n.id === id);
      if (node) viewport.centreOn(node.position);
    },
    [view, viewport],
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
        onCopy={clipboard.copyToClipboard}
        onPaste={clipboard.pasteFromClipboard}
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
          ref={viewport.canvasRef}
          className={detailed ? 'fk-canvas' : 'fk-canvas fk-canvas--compact'}
          onDragOver={onDragOver}
          onDrop={onDrop}
        >
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={view.edges}
            nodeTypes={NODE_COMPONENTS}
            onNodesChange={onNodesChange}
            onEdgesChange={view.onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onMoveStart={viewport.onMoveStart}
            onMoveEnd={viewport.onMoveEnd}
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
          {graph.nodes.length === 0 && !readOnly && <TemplatePicker onPick={applyTemplate} />}
        </div>
        <aside className="fk-side" aria-label="Details">
          {sidePanel === 'lost-edits' ? (
            <LostEditsPanel
              lost={lostEdits}
              readOnly={readOnly}
              onRestore={(lost) => announce(commands.restoreLostValue(lost))}
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
                const message = commands.restoreVersion(id);
                if (message) {
                  setAnnouncement(message);
                  fitViewSoon();
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
