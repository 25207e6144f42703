/**
 * The editor's state outside React: the stored document, the user's operations not yet
 * confirmed saved, undo history and save status. The graph on screen is always
 * "stored document + pending operations", so a remote change arriving mid-save is shown at once
 * and never overwritten, and a local edit is never lost to a remote one. Saves run one at a
 * time; edits made meanwhile wait and go out together in the next save, computed against the
 * freshest stored document (operations are per node / per field and idempotent).
 */
import { jsonEqual } from '../model/json.ts';
import type { WorkflowDoc, WorkflowNode, WorkflowVersion } from '../model/workflow.ts';
import { applyOperation, type Graph, type Operation } from './graph-ops.ts';
import { emptyHistory, recordOperation, redoStep, undoStep, type History } from './history.ts';
import {
  checkVersionName,
  createVersion,
  restoreVersionOperation,
  type VersionNameCheck,
} from './versions.ts';
import type { WorkflowChange, WorkflowSource } from './workflow-source.ts';
import { errorMessage } from '../model/errors.ts';

export type SaveStatus = 'saved' | 'saving' | 'error';

export interface EditorSessionState {
  /** The stored document as last seen (null while loading or after deletion). */
  doc: WorkflowDoc | null;
  /** What the user sees: the stored graph with the pending operations applied. */
  graph: Graph;
  /** Versions with pending additions and removals applied. */
  versions: readonly WorkflowVersion[];
  name: string;
  history: History;
  saveStatus: SaveStatus;
  saveError: string | null;
}

type VersionChange = { kind: 'add'; version: WorkflowVersion } | { kind: 'remove'; id: string };

export interface CommitOptions {
  label: string;
  coalesceKey?: string;
  /** Skip the undo history (used by undo and redo themselves). */
  record?: boolean;
}

export interface EditorSession {
  getState(): EditorSessionState;
  subscribe(listener: () => void): () => void;
  /** Applies and saves a user operation; returns false when it changed nothing. */
  commit(operation: Operation, options: CommitOptions): boolean;
  undo(): string | null;
  redo(): string | null;
  rename(name: string): void;
  saveViewport(viewport: { x: number; y: number; zoom: number }): void;
  saveVersion(name: string): VersionNameCheck;
  restoreVersion(id: string): boolean;
  deleteVersion(id: string): void;
  /** Resolves when every change made so far has been saved (or failed). */
  flush(): Promise<void>;
  dispose(): void;
}

export interface EditorSessionOptions {
  userId?: string | null;
  newId?: () => string;
  now?: () => Date;
  /** Delay before retrying a failed save; the edit stays pending meanwhile. */
  retryMs?: number;
}

const EMPTY_GRAPH: Graph = { nodes: [], edges: [] };

/** Keeps object identity of nodes and edges that did not change, so the canvas re-renders less. */
function stabilize(previous: Graph, next: Graph): Graph {
  if (previous === next) return next;
  const oldNodes = new Map(previous.nodes.map((n) => [n.id, n] as const));
  const oldEdges = new Map(previous.edges.map((e) => [e.id, e] as const));
  let same =
    previous.nodes.length === next.nodes.length && previous.edges.length === next.edges.length;
  const nodes = next.nodes.map((node, i) => {
    const old = oldNodes.get(node.id);
    const kept = old && (old === node || sameNode(old, node)) ? old : node;
    if (kept !== previous.nodes[i]) same = false;
    return kept;
  });
  const edges = next.edges.map((edge, i) => {
    const old = oldEdges.get(edge.id);
    const kept = old && (old === edge || jsonEqual(old, edge)) ? old : edge;
    if (kept !== previous.edges[i]) same = false;
    return kept;
  });
  return same ? previous : { nodes, edges };
}

function sameNode(a: WorkflowNode, b: WorkflowNode): boolean {
  return (
    a.type === b.type &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    jsonEqual(a.data, b.data)
  );
}

function applyVersionChanges(
  versions: readonly WorkflowVersion[],
  changes: readonly VersionChange[],
): WorkflowVersion[] {
  let next = [...versions];
  for (const change of changes) {
    if (change.kind === 'add') {
      if (!next.some((v) => v.id === change.version.id)) next.push(change.version);
    } else next = next.filter((v) => v.id !== change.id);
  }
  return next;
}

export function createEditorSession(
  source: WorkflowSource,
  options: EditorSessionOptions = {},
): EditorSession {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const now = options.now ?? (() => new Date());
  const retryMs = options.retryMs ?? 2000;
  const listeners = new Set<() => void>();

  let pendingOps: Operation[] = [];
  let pendingVersions: VersionChange[] = [];
  let pendingName: string | null = null;
  let pendingViewport: WorkflowDoc['viewport'] | undefined;
  let inFlight: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const initialDoc = source.current();
  let state: EditorSessionState = {
    doc: initialDoc,
    graph: initialDoc ? { nodes: initialDoc.nodes, edges: initialDoc.edges } : EMPTY_GRAPH,
    versions: initialDoc?.versions ?? [],
    name: initialDoc?.name ?? '',
    history: emptyHistory(),
    saveStatus: 'saved',
    saveError: null,
  };

  const setState = (patch: Partial<EditorSessionState>): void => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };

  const derive = (
    doc: WorkflowDoc | null,
  ): Pick<EditorSessionState, 'graph' | 'versions' | 'name'> => {
    const base: Graph = doc ? { nodes: doc.nodes, edges: doc.edges } : EMPTY_GRAPH;
    const graph = pendingOps.reduce<Graph>((g, op) => applyOperation(g, op), base);
    return {
      graph: stabilize(state.graph, graph),
      versions: applyVersionChanges(doc?.versions ?? [], pendingVersions),
      name: pendingName ?? doc?.name ?? '',
    };
  };

  const unsubscribe = source.subscribe((doc) => {
    if (disposed) return;
    setState({ doc, ...derive(doc) });
  });

  const hasPending = (): boolean =>
    pendingOps.length > 0 ||
    pendingVersions.length > 0 ||
    pendingName !== null ||
    pendingViewport !== undefined;

  const buildChange = (
    doc: WorkflowDoc,
    ops: readonly Operation[],
    versions: readonly VersionChange[],
    name: string | null,
    viewport: WorkflowDoc['viewport'] | undefined,
  ): WorkflowChange => {
    const change: WorkflowChange = {};
    if (ops.length > 0) {
      const graph = ops.reduce<Graph>((g, op) => applyOperation(g, op), {
        nodes: doc.nodes,
        edges: doc.edges,
      });
      change.nodes = graph.nodes;
      change.edges = graph.edges;
    }
    if (versions.length > 0) change.versions = applyVersionChanges(doc.versions, versions);
    if (name !== null) change.name = name;
    if (viewport !== undefined) change.viewport = viewport;
    return change;
  };

  const runSave = (): void => {
    if (inFlight || !hasPending()) return;
    const ops = pendingOps;
    const versions = pendingVersions;
    const name = pendingName;
    const viewport = pendingViewport;
    setState({ saveStatus: 'saving' });
    const write = async (): Promise<void> => {
      if (source.modify) {
        await source.modify((doc) => buildChange(doc, ops, versions, name, viewport));
        return;
      }
      const doc = source.current();
      if (!doc)
        throw new Error(
          'The workflow is not available (deleted or not loaded); your change was kept on screen.',
        );
      await source.save(buildChange(doc, ops, versions, name, viewport));
    };
    inFlight = write().then(
      () => {
        inFlight = null;
        // Only what was sent is confirmed; anything added meanwhile stays pending.
        pendingOps = pendingOps.slice(ops.length);
        pendingVersions = pendingVersions.slice(versions.length);
        if (pendingName === name) pendingName = null;
        if (pendingViewport === viewport) pendingViewport = undefined;
        const doc = source.current() ?? state.doc;
        setState({
          doc,
          ...derive(doc),
          saveStatus: hasPending() ? 'saving' : 'saved',
          saveError: null,
        });
        runSave();
      },
      (error: unknown) => {
        inFlight = null;
        setState({
          saveStatus: 'error',
          saveError: `Could not save: ${errorMessage(error)}. Your edits are kept and will be retried.`,
        });
        if (!disposed && retryTimer === null) {
          retryTimer = setTimeout(() => {
            retryTimer = null;
            runSave();
          }, retryMs);
        }
      },
    );
  };

  const commit = (operation: Operation, commitOptions: CommitOptions): boolean => {
    if (operation.length === 0) return false;
    const before = state.graph;
    const after = applyOperation(before, operation);
    const graph = stabilize(before, after);
    if (graph === before) return false;
    const history =
      commitOptions.record === false
        ? state.history
        : recordOperation(state.history, before, operation, {
            label: commitOptions.label,
            ...(commitOptions.coalesceKey !== undefined
              ? { coalesceKey: commitOptions.coalesceKey }
              : {}),
            at: now().getTime(),
          });
    pendingOps = [...pendingOps, operation];
    setState({ graph, history });
    runSave();
    return true;
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    commit,
    undo() {
      const step = undoStep(state.history, state.graph);
      if (!step) return null;
      setState({ history: step.history });
      commit(step.operation, { label: step.label, record: false });
      return step.label;
    },
    redo() {
      const step = redoStep(state.history, state.graph);
      if (!step) return null;
      setState({ history: step.history });
      commit(step.operation, { label: step.label, record: false });
      return step.label;
    },
    rename(name) {
      pendingName = name;
      setState({ name });
      runSave();
    },
    saveViewport(viewport) {
      pendingViewport = viewport;
      runSave();
    },
    saveVersion(name) {
      const check = checkVersionName(name, state.versions);
      if (!check.ok) return check;
      const version = createVersion(state.graph, check.name, {
        id: newId(),
        createdBy: options.userId ?? null,
        at: now(),
      });
      pendingVersions = [...pendingVersions, { kind: 'add', version }];
      setState({ versions: applyVersionChanges(state.versions, [{ kind: 'add', version }]) });
      runSave();
      return check;
    },
    restoreVersion(id) {
      const version = state.versions.find((v) => v.id === id);
      if (!version) return false;
      commit(restoreVersionOperation(state.graph, version), { label: `Restore "${version.name}"` });
      return true;
    },
    deleteVersion(id) {
      pendingVersions = [...pendingVersions, { kind: 'remove', id }];
      setState({ versions: state.versions.filter((v) => v.id !== id) });
      runSave();
    },
    async flush() {
      while (inFlight) await inFlight;
    },
    dispose() {
      disposed = true;
      unsubscribe();
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      // A save still pending keeps running; retry once more if the last attempt failed.
      if (!inFlight && hasPending()) runSave();
    },
  };
}
