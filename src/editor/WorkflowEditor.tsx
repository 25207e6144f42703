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
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { JsonValue } from '../model/json.ts';
import { copySelection } from './clipboard.ts';
import { EditorSidePanel, type SidePanelKind } from './EditorSidePanel.tsx';
import { createEditorCommands } from './editor-commands.ts';
import { createEditorSession, type EditorSession } from './editor-session.ts';
import type { FlowEdge, FlowNode } from './flow-elements.ts';
import { NODE_COMPONENTS, detailedSelector } from './NodeCard.tsx';
import { Palette } from './Palette.tsx';
import { describeLostValues } from './sync-conflicts.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { WORKFLOW_TEMPLATES } from './templates.ts';
import { Toolbar } from './Toolbar.tsx';
import { useCanvasEdits } from './use-canvas-edits.ts';
import { useClipboard } from './use-clipboard.ts';
import { useEditorShortcuts } from './use-editor-shortcuts.ts';
import { useFlowView, useWorkflowIssues } from './use-flow-view.ts';
import { useViewport } from './use-viewport.ts';
import { useWorkflowFile } from './use-workflow-file.ts';
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
  const [sidePanel, setSidePanel] = useState<SidePanelKind>(null);
  const versionsOpen = sidePanel === 'versions';
  const announce = useCallback((text: string | null) => {
    if (text !== null) setAnnouncement(text);
  }, []);

  const issues = useWorkflowIssues(graph, props.secrets);

  const view = useFlowView(graph, issues, readOnly);
  const { nodes, selectionRef, selectedNodeIds, selectedEdgeIds } = view;
  const latest = useRef({ graph, nodes, readOnly });
  latest.current = { graph, nodes, readOnly };
  const isReadOnly = useCallback(() => latest.current.readOnly, []);
  const viewport = useViewport(session, isReadOnly, rootRef);
  const { fitView, flow, placeInView, pasteOffset, centreOn } = viewport;
  const fitViewSoon = useCallback(() => requestAnimationFrame(() => fitView()), [fitView]);

  const commands = useMemo(
    () =>
      createEditorCommands(session, {
        isReadOnly: () => latest.current.readOnly,
        requestSelection: view.requestSelection,
      }),
    [session, view.requestSelection],
  );

  const addNode = useCallback(
    (type: string, at?: { x: number; y: number }) =>
      announce(commands.addNode(type, at ?? placeInView(latest.current.graph.nodes.length))),
    [announce, commands, placeInView],
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
    pasteOffset,
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

  const file = useWorkflowFile({ session, commands, flow, announce, onImported: fitViewSoon });

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

  const canvas = useCanvasEdits({
    session,
    commands,
    latest,
    flow,
    applyViewChanges: view.applyViewChanges,
    addNode,
    announce,
  });

  const { selectOnly } = view;
  const selectNode = useCallback(
    (id: string) => {
      selectOnly(id);
      const node = latest.current.nodes.find((n) => n.id === id);
      if (node) centreOn(node.position);
    },
    [centreOn, selectOnly],
  );

  const conflictEntries = state.doc?.conflicts;
  const lostEdits = useMemo(
    () => describeLostValues(conflictEntries ?? [], graph),
    [conflictEntries, graph],
  );

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
        onExport={file.exportFile}
        onImport={file.importFile}
        onToggleVersions={() => setSidePanel((open) => (open === 'versions' ? null : 'versions'))}
        lostEditCount={lostEdits.length}
        lostEditsOpen={sidePanel === 'lost-edits'}
        onToggleLostEdits={() =>
          setSidePanel((open) => (open === 'lost-edits' ? null : 'lost-edits'))
        }
      />
      {file.importError && (
        <div className="fk-import-error" role="alert">
          <span>{file.importError}</span>
          <button type="button" aria-label="Dismiss import error" onClick={file.dismissImportError}>
            Dismiss
          </button>
        </div>
      )}
      <div className="fk-editor__body">
        {!readOnly && <Palette onAdd={addNode} />}
        <div
          ref={viewport.canvasRef}
          className={detailed ? 'fk-canvas' : 'fk-canvas fk-canvas--compact'}
          onDragOver={canvas.onDragOver}
          onDrop={canvas.onDrop}
        >
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={view.edges}
            nodeTypes={NODE_COMPONENTS}
            onNodesChange={canvas.onNodesChange}
            onEdgesChange={view.onEdgesChange}
            onConnect={canvas.onConnect}
            onConnectEnd={canvas.onConnectEnd}
            isValidConnection={canvas.isValidConnection}
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
        <EditorSidePanel
          open={sidePanel}
          readOnly={readOnly}
          nodes={graph.nodes}
          issues={issues}
          selectedNodeIds={selectedNodeIds}
          secrets={props.secrets ?? EMPTY_SECRETS}
          lostEdits={lostEdits}
          versions={state.versions}
          onRestoreLostEdit={(lost) => announce(commands.restoreLostValue(lost))}
          onSaveVersion={(name) => {
            const check = session.saveVersion(name);
            if (check.ok) setAnnouncement(`Saved version "${check.name}".`);
            return check;
          }}
          onRestoreVersion={(id) => {
            const message = commands.restoreVersion(id);
            if (message) {
              setAnnouncement(message);
              fitViewSoon();
            }
          }}
          onDeleteVersion={(id) => session.deleteVersion(id)}
          onFieldChange={onFieldChange}
          newBranchId={newBranchId}
          onShowNode={selectNode}
        />
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
