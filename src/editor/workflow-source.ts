/**
 * The editor's only door to storage. The app implements it over the RxDB `workflows` document
 * (save = incrementalPatch); tests and the bench use an in-memory one
 * (test/support/memory-workflow-source.ts). The editor never sees RxDB, replication or the
 * network.
 */
import type { WorkflowDoc } from '../model/workflow.ts';

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
