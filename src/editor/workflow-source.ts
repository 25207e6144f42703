/**
 * The editor's only door to storage. The app implements it over the RxDB `workflows` document
 * (save = incrementalPatch); tests and the bench use the in-memory version below. The editor
 * never sees RxDB, replication or the network.
 */
import type { WorkflowDoc } from '../../sync/documents.ts';

export type WorkflowChange = Partial<
  Pick<WorkflowDoc, 'name' | 'description' | 'nodes' | 'edges' | 'viewport' | 'versions'>
>;

export interface WorkflowSource {
  /** Current document, or null while loading / after deletion. */
  current(): WorkflowDoc | null;
  /** Fires on every change, local or remote (synced from another device). */
  subscribe(listener: (doc: WorkflowDoc) => void): () => void;
  /** Persist a change at once (the app writes it to RxDB: incrementalPatch). */
  save(change: WorkflowChange): Promise<void>;
  /**
   * Optional: persist a change computed from the freshest stored document inside the write
   * (RxDB incrementalModify). When present the editor prefers it, so a remote edit landing
   * between read and write is never overwritten.
   */
  modify?(recipe: (doc: WorkflowDoc) => WorkflowChange): Promise<void>;
}

/** A secret the LLM and HTTP nodes may reference by id; the value never reaches the editor. */
export interface SecretOption {
  id: string;
  name: string;
  provider: string | null;
}

export interface MemoryWorkflowSource extends WorkflowSource {
  /** Simulates a change synced from another device: replaces fields and notifies listeners. */
  applyRemote(change: Partial<WorkflowDoc>): void;
  /** Every change passed to save, in order (what would have reached the database). */
  readonly saves: WorkflowChange[];
}

export function createMemoryWorkflowSource(
  doc: WorkflowDoc,
  options: { saveDelayMs?: number } = {},
): MemoryWorkflowSource {
  let currentDoc: WorkflowDoc = doc;
  const listeners = new Set<(doc: WorkflowDoc) => void>();
  const saves: WorkflowChange[] = [];

  const write = (change: Partial<WorkflowDoc>): void => {
    currentDoc = { ...currentDoc, ...change, updated_at: new Date().toISOString() };
    for (const listener of [...listeners]) listener(currentDoc);
  };
  const delay = async (): Promise<void> => {
    if (options.saveDelayMs) await new Promise((r) => setTimeout(r, options.saveDelayMs));
  };

  return {
    saves,
    current: () => currentDoc,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async save(change) {
      saves.push(change);
      await delay();
      write(change);
    },
    async modify(recipe) {
      await delay();
      const change = recipe(currentDoc);
      saves.push(change);
      write(change);
    },
    applyRemote(change) {
      write(change);
    },
  };
}

/** A fresh, empty workflow document (tests, bench, templates). */
export function emptyWorkflowDoc(fields: Partial<WorkflowDoc> = {}): WorkflowDoc {
  const now = new Date().toISOString();
  return {
    id: fields.id ?? crypto.randomUUID(),
    tenant_id: '00000000-0000-4000-8000-000000000001',
    created_by: null,
    created_at: now,
    updated_at: now,
    server_txid: null,
    _deleted: false,
    name: 'Untitled workflow',
    description: '',
    nodes: [],
    edges: [],
    viewport: null,
    settings: {},
    versions: [],
    conflicts: [],
    tags: [],
    ...fields,
  };
}
