/**
 * The narrow interface between the screens and the data core (local database + sync). Screens
 * call these commands and read these stores through the hooks in hooks.ts; they never see RxDB
 * queries or replication internals. The implementation is rx-app-data.ts.
 */
import type { JsonValue } from '../../model/json.ts';
import type { TenantRole } from '../../model/roles.ts';
import type { WorkflowDoc } from '../../model/workflow.ts';
import type { Store } from './store.ts';
import type { VaultBindings } from '../../vault/app-bindings.ts';

export interface TenantMembership {
  id: string;
  name: string;
  role: TenantRole;
}

export interface WorkflowSummary {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  nodeCount: number;
  /** Values that lost a same-field sync conflict and are kept for the user to review. */
  conflictCount: number;
  updatedAt: string;
}

export type SyncPhase =
  /** `browser`: the device is offline; `server`: online, but the server does not answer. */
  | { kind: 'offline'; cause: 'browser' | 'server' }
  | { kind: 'connecting' }
  | { kind: 'syncing'; done: number; total: number | null; initial: boolean }
  /** Only with nothing unsent and the last pull of every collection successful. */
  | { kind: 'up-to-date'; at: string }
  | { kind: 'error'; reason: string; retrying: boolean };

export type SyncState = SyncPhase & {
  /** Local changes the server does not have yet (counted from the local database). */
  unsent: number;
  /** When this device last finished a sync, kept across reloads; null if never. */
  lastSyncedAt: string | null;
};

export interface RejectedChange {
  /** Unique per rejection. */
  key: string;
  collection: string;
  documentId: string;
  /** A readable label of the document: its name when it has one. */
  label: string;
  code: string;
  message: string;
  at: string;
  /** The version the server refused, kept so the user can see (and copy) what was lost. */
  rejectedDocument: JsonValue;
}

export interface AppData {
  readonly userId: string;
  readonly email: string;
  /** Tenants the user belongs to, from the last successful fetch (kept offline). */
  readonly tenants: Store<TenantMembership[]>;
  readonly syncState: Store<SyncState>;
  readonly rejectedChanges: Store<RejectedChange[]>;
  /** Live, sorted by name; `undefined` until the first local read returns. */
  workflows(tenantId: string): Store<WorkflowSummary[] | undefined>;
  workflow(workflowId: string): Store<WorkflowDoc | null | undefined>;
  createWorkflow(tenantId: string, name: string): Promise<string>;
  renameWorkflow(workflowId: string, name: string): Promise<void>;
  deleteWorkflow(workflowId: string): Promise<void>;
  /** Applies a change to a workflow's document in the local database (synced later). */
  updateWorkflow(
    workflowId: string,
    change: (doc: WorkflowDoc) => Partial<WorkflowDoc>,
  ): Promise<void>;
  /** Re-reads the tenant list from the server (after creating, joining or leaving one). */
  refreshTenants(): Promise<void>;
  dismissRejectedChange(key: string): void;
  /** The secrets vault of this session, created on first use (it needs supabase-js). */
  vault(): Promise<VaultBindings>;
  close(): Promise<void>;
}
