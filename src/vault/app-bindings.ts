/**
 * Wires the vault into the app: the vault service over supabase-js and the local `secrets`
 * collection (which sync replicates), plus live views the UI and the editor read: a
 * tenant's secrets (ciphertext and metadata only) and which workflows use each secret.
 * Create once per signed-in session; call `vault.lock()` on sign-out.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { RxCollection } from 'rxdb';
import type { SecretDoc } from '../model/secret.ts';
import type { WorkflowDoc } from '../model/workflow.ts';
import type { StoredDoc } from '../model/synced-row.ts';
import { createRpcVaultServer, supabaseVaultRpcClient } from './rpc-vault-server.ts';
import type { SecretStorePort } from './vault-ports.ts';
import { VaultService } from './vault-service.ts';

export interface SecretUsage {
  secretId: string;
  workflowId: string;
  workflowName: string;
  nodeId: string;
  nodeLabel: string;
}

export type Unsubscribe = () => void;

export interface VaultSecretsSource {
  /** Calls `listener` now and on every change with the tenant's live secrets, sorted by name. */
  watch(tenantId: string, listener: (secrets: SecretDoc[]) => void): Unsubscribe;
}

export interface WorkflowUsageSource {
  /** Calls `listener` now and on every change with every node of the tenant that uses a secret. */
  watch(tenantId: string, listener: (usage: SecretUsage[]) => void): Unsubscribe;
}

export interface VaultBindings {
  vault: VaultService;
  secrets: VaultSecretsSource;
  workflowUsage: WorkflowUsageSource;
}

/** Every workflow node that references a secret (`node.data.secretId`). */
export function secretUsageIn(workflows: readonly WorkflowDoc[]): SecretUsage[] {
  const usage: SecretUsage[] = [];
  for (const workflow of workflows) {
    if (workflow._deleted) continue;
    for (const node of workflow.nodes) {
      const secretId = node.data.secretId;
      if (typeof secretId !== 'string' || secretId === '') continue;
      const label = node.data.label;
      usage.push({
        secretId,
        workflowId: workflow.id,
        workflowName: workflow.name,
        nodeId: node.id,
        nodeLabel: typeof label === 'string' && label !== '' ? label : node.type,
      });
    }
  }
  return usage;
}

type SecretCollection = RxCollection<StoredDoc<SecretDoc>>;
type WorkflowCollection = RxCollection<StoredDoc<WorkflowDoc>>;

const asSecret = (stored: StoredDoc<SecretDoc>): SecretDoc => ({ ...stored, _deleted: false });

/** The vault's store port over the RxDB `secrets` collection. */
export function createRxSecretStore(
  collection: SecretCollection,
): SecretStorePort & VaultSecretsSource {
  return {
    async list(tenantId) {
      const docs = await collection.find({ selector: { tenant_id: tenantId } }).exec();
      return docs.map((doc) => asSecret(doc.toJSON() as StoredDoc<SecretDoc>));
    },
    async get(secretId) {
      const doc = await collection.findOne(secretId).exec();
      return doc ? asSecret(doc.toJSON() as StoredDoc<SecretDoc>) : null;
    },
    async save(doc) {
      // RxDB owns `_deleted`: a deletion is a remove(), which sync pushes as a tombstone.
      const { _deleted: deleted, ...stored } = doc;
      if (deleted) {
        await (await collection.findOne(doc.id).exec())?.remove();
        return;
      }
      await collection.incrementalUpsert(stored);
    },
    watch(tenantId, listener) {
      const subscription = collection
        .find({ selector: { tenant_id: tenantId }, sort: [{ name: 'asc' }] })
        .$.subscribe((docs) =>
          listener(docs.map((doc) => asSecret(doc.toJSON() as StoredDoc<SecretDoc>))),
        );
      return () => subscription.unsubscribe();
    },
  };
}

export function createRxWorkflowUsage(collection: WorkflowCollection): WorkflowUsageSource {
  return {
    watch(tenantId, listener) {
      const subscription = collection
        .find({ selector: { tenant_id: tenantId } })
        .$.subscribe((docs) =>
          listener(
            secretUsageIn(
              docs.map((doc) => ({ ...(doc.toJSON() as StoredDoc<WorkflowDoc>), _deleted: false })),
            ),
          ),
        );
      return () => subscription.unsubscribe();
    },
  };
}

export interface CreateVaultBindingsOptions {
  supabase: SupabaseClient;
  secrets: SecretCollection;
  workflows: WorkflowCollection;
  userId: string;
  /** Lock after this long without vault activity (default 15 minutes). */
  idleLockMs?: number;
  onLock?: () => void;
}

export function createVaultBindings(options: CreateVaultBindingsOptions): VaultBindings {
  const store = createRxSecretStore(options.secrets);
  const vault = new VaultService({
    userId: options.userId,
    server: createRpcVaultServer(supabaseVaultRpcClient(options.supabase)),
    secrets: store,
    ...(options.idleLockMs === undefined ? {} : { idleLockMs: options.idleLockMs }),
    ...(options.onLock ? { onLock: options.onLock } : {}),
  });
  return { vault, secrets: store, workflowUsage: createRxWorkflowUsage(options.workflows) };
}

/**
 * Re-opens the current tenant's vault now and then while the vault is unlocked, wherever the
 * user is in the app: this is what makes an admin's client share the key with new members and
 * rotate it after someone lost access, with no manual step. Returns a stop function.
 */
export function startVaultMaintenance(
  vault: VaultService,
  currentTenantId: () => string | null,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  let running = false;
  const tick = async () => {
    const tenantId = currentTenantId();
    if (running || !tenantId || !vault.isUnlocked) return;
    running = true;
    try {
      await vault.openTenant(tenantId);
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 60_000);
  const unsubscribe = vault.subscribe(() => void tick());
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
