/**
 * An in-memory WorkflowSource (src/editor/workflow-source.ts) for editor tests and the editor
 * bench: what the app does over RxDB, without a database.
 */
import type { WorkflowChange, WorkflowSource } from '../../src/editor/workflow-source.ts';
import { newWorkflow, type WorkflowDoc } from '../../src/model/workflow.ts';

const TEST_TENANT_ID = '00000000-0000-4000-8000-000000000001';

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

/** A fresh, empty workflow document of a fixed test tenant. */
export function emptyWorkflowDoc(fields: Partial<WorkflowDoc> = {}): WorkflowDoc {
  return {
    ...newWorkflow(TEST_TENANT_ID, { name: 'Untitled workflow' }),
    _deleted: false,
    ...fields,
  };
}
