/**
 * The data interface (app-data.ts) over the user's local RxDB database (src/db). Reads come
 * from IndexedDB, so every screen works offline; writes go to IndexedDB at once and the sync
 * connection (sync-connection.ts) carries them to the server when it can.
 */
import { createFlowkeepDatabase, type FlowkeepDatabase } from '../../db/index.ts';
import type { RejectedChangeDoc } from '../../model/rejected-change.ts';
import type { StoredDoc } from '../../model/synced-row.ts';
import type { TenantDoc } from '../../model/tenant.ts';
import { newWorkflow, WORKFLOW_NAME_MAX_LENGTH, type WorkflowDoc } from '../../model/workflow.ts';
import type { SignedInUser } from '../auth/session.ts';
import type { AppData, RejectedChange, TenantMembership, WorkflowSummary } from './app-data.ts';
import { observableStore } from './observable-store.ts';
import type { Store } from './store.ts';
import type { VaultBindings } from '../../vault/app-bindings.ts';
import { connectSync, type SyncConnection } from './sync-connection.ts';
import { pickTenant } from './current-tenant.ts';
import type { RxStorage } from 'rxdb';

type StoredWorkflow = StoredDoc<WorkflowDoc>;

export interface RxAppDataOptions {
  /** Node tests pass Dexie over fake-indexeddb; the browser uses IndexedDB. */
  storage?: RxStorage<unknown, unknown>;
  /** How to reach the server; tests of the screens alone pass a connection that never syncs. */
  connect?: (db: FlowkeepDatabase, user: SignedInUser) => SyncConnection;
  multiInstance?: boolean;
  devMode?: boolean;
}

export async function createRxAppData(
  user: SignedInUser,
  options: RxAppDataOptions = {},
): Promise<AppData> {
  const db = await createFlowkeepDatabase({
    userId: user.id,
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.multiInstance !== undefined ? { multiInstance: options.multiInstance } : {}),
    ...(options.devMode !== undefined ? { devMode: options.devMode } : {}),
  });
  const workflows = db.workflows;
  if (!workflows) throw new Error('The local database opened without its workflows collection.');
  const sync = (options.connect ?? connectSync)(db, user);

  const toMemberships = (docs: Array<{ toJSON(): unknown }>) =>
    docs.map((doc) => toMembership(doc.toJSON() as TenantDoc)).sort(byName);
  // Read once before the first render, so the shell never flashes "no organization" offline.
  const tenants = observableStore(
    db.tenants.find().$,
    toMemberships,
    toMemberships(await db.tenants.find().exec()),
  );
  const rejectedChanges = observableStore(
    db.rejected_changes.find({ sort: [{ rejected_at: 'desc' }] }).$,
    (docs) => docs.map((doc) => toRejectedChange(doc.toJSON() as RejectedChangeDoc)),
    [] as RejectedChange[],
  );
  let vault: Promise<VaultBindings> | null = null;
  let stopVaultMaintenance: (() => void) | null = null;
  const workflowLists = new Map<string, Store<WorkflowSummary[] | undefined>>();
  const workflowDocs = new Map<string, Store<WorkflowDoc | null | undefined>>();

  async function existing(workflowId: string) {
    const doc = await workflows!.findOne(workflowId).exec();
    if (!doc)
      throw new Error(
        `Workflow ${workflowId} is not on this device (deleted, or never synced here).`,
      );
    return doc;
  }

  return {
    userId: user.id,
    email: user.email,
    tenants,
    rejectedChanges,
    syncState: sync.state,

    workflows(tenantId) {
      let store = workflowLists.get(tenantId);
      if (!store) {
        store = observableStore(
          workflows.find({
            selector: { tenant_id: tenantId },
            sort: [{ updated_at: 'desc' }, { id: 'asc' }],
          }).$,
          (docs) => docs.map((doc) => toSummary(doc.toJSON() as StoredWorkflow)),
          undefined,
        );
        workflowLists.set(tenantId, store);
      }
      return store;
    },

    workflow(workflowId) {
      let store = workflowDocs.get(workflowId);
      if (!store) {
        store = observableStore(
          workflows.findOne(workflowId).$,
          (doc) =>
            doc ? ({ ...(doc.toJSON() as StoredWorkflow), _deleted: false } as WorkflowDoc) : null,
          undefined,
        );
        workflowDocs.set(workflowId, store);
      }
      return store;
    },

    async createWorkflow(tenantId, name) {
      const doc = newWorkflow(tenantId, {
        created_by: user.id,
        name: name.slice(0, WORKFLOW_NAME_MAX_LENGTH),
      });
      await workflows.insert(doc);
      return doc.id;
    },

    async renameWorkflow(workflowId, name) {
      const doc = await existing(workflowId);
      await doc.incrementalPatch({
        name: name.slice(0, 200),
        updated_at: new Date().toISOString(),
      });
    },

    async deleteWorkflow(workflowId) {
      const doc = await existing(workflowId);
      // A tombstone (_deleted), replicated like any other write, so other devices drop it too.
      await doc.incrementalRemove();
    },

    async updateWorkflow(workflowId, change) {
      const doc = await existing(workflowId);
      await doc.incrementalModify((stored) => {
        const patch = change({ ...stored, _deleted: false } as WorkflowDoc);
        const { _deleted: _ignored, ...fields } = patch;
        return {
          ...stored,
          ...fields,
          id: stored.id,
          tenant_id: stored.tenant_id,
          updated_at: new Date().toISOString(),
        };
      });
    },

    refreshTenants: () => sync.refreshTenants(),

    dismissRejectedChange(key) {
      void db.rejected_changes
        .findOne(key)
        .exec()
        .then((doc) => doc?.remove());
    },

    vault() {
      vault ??= (async () => {
        const [{ createVaultBindings, startVaultMaintenance }, { getSupabase }] = await Promise.all(
          [import('../../vault/app-bindings.ts'), import('../auth/supabase-client.ts')],
        );
        const bindings = createVaultBindings({
          supabase: await getSupabase(),
          secrets: db.secrets!,
          workflows,
          userId: user.id,
        });
        // While the vault is unlocked, share the key with members who joined and rotate it
        // after someone left, whichever screen is open: nobody has to visit /secrets for it.
        stopVaultMaintenance = startVaultMaintenance(
          bindings.vault,
          () => pickTenant(user.id, tenants.get())?.id ?? null,
        );
        return bindings;
      })();
      vault.catch(() => {
        vault = null;
      });
      return vault;
    },

    async close() {
      // Forget every vault key held in memory before anything else.
      stopVaultMaintenance?.();
      (await vault?.catch(() => null))?.vault.lock();
      await sync.stop();
      await closeDatabase(db);
    },
  };
}

async function closeDatabase(db: FlowkeepDatabase): Promise<void> {
  if (!db.closed) await db.close();
}

function toMembership(doc: TenantDoc): TenantMembership {
  return { id: doc.id, name: doc.name, role: doc.role };
}

function byName(a: TenantMembership, b: TenantMembership): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function toSummary(doc: StoredWorkflow): WorkflowSummary {
  return {
    id: doc.id,
    tenantId: doc.tenant_id,
    name: doc.name,
    description: doc.description,
    nodeCount: doc.nodes.length,
    conflictCount: doc.conflicts.length,
    updatedAt: doc.updated_at,
  };
}

function toRejectedChange(doc: RejectedChangeDoc): RejectedChange {
  const name = doc.document['name'];
  return {
    key: doc.id,
    collection: doc.collection_name,
    documentId: doc.document_id,
    label:
      typeof name === 'string' && name
        ? name
        : `${doc.collection_name} ${doc.document_id.slice(0, 8)}`,
    code: doc.code,
    message: doc.reason || doc.message,
    at: doc.rejected_at,
    rejectedDocument: doc.document,
  };
}
