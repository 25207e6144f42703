/**
 * The vault's server port over the RPCs of supabase/migrations/20261123000100_vault.sql.
 * `VaultRpcClient` is the only thing that differs between the app (supabase-js, see
 * `supabaseVaultRpcClient`) and tests (direct SQL as a user).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { RpcError } from '../model/errors.ts';
import type { SecretDoc } from '../model/secret.ts';
import type { TenantRole } from '../model/roles.ts';
import { parseKdfParams } from './passphrase-kdf.ts';
import type { StoredUserKey } from './user-key-pair.ts';
import {
  type KeyGrant,
  type ReencryptedSecret,
  type SecretEvent,
  type SecretEventAction,
  type TenantVaultInfo,
  type VaultMember,
  type VaultServerPort,
} from './vault-ports.ts';

export type ServerSecretRow = Pick<
  SecretDoc,
  'id' | 'tenant_id' | 'ciphertext' | 'iv' | 'key_version'
>;

export interface VaultRpcClient {
  /** Calls `public.<fn>` with named arguments; throws RpcError on failure. */
  rpc(fn: string, args: Record<string, unknown>): Promise<unknown>;
  /** The tenant's live (not deleted) rows of `secrets`, as RLS lets the caller see them. */
  liveSecrets(tenantId: string): Promise<ServerSecretRow[]>;
}

interface UserKeyRow {
  user_id: string;
  public_key: string;
  wrapped_private_key: string;
  wrapped_private_key_iv: string;
  kdf: unknown;
}

interface MemberRow {
  user_id: string;
  role: TenantRole;
  public_key: string | null;
  has_current_key: boolean;
}

const toMember = (row: MemberRow): VaultMember => ({
  userId: row.user_id,
  role: row.role,
  publicKey: row.public_key,
  hasCurrentKey: row.has_current_key,
});

const toGrantJson = (grants: KeyGrant[]) =>
  grants.map((g) => ({ user_id: g.userId, public_key: g.publicKey, wrapped_key: g.wrappedKey }));

export function createRpcVaultServer(client: VaultRpcClient): VaultServerPort {
  return {
    async getMyKey() {
      const row = (await client.rpc('vault_get_my_key', {})) as UserKeyRow | null;
      if (!row) return null;
      return {
        userId: row.user_id,
        publicKey: row.public_key,
        wrappedPrivateKey: row.wrapped_private_key,
        wrappedPrivateKeyIv: row.wrapped_private_key_iv,
        kdf: parseKdfParams(row.kdf),
      };
    },
    async saveMyKey(key: StoredUserKey) {
      const result = (await client.rpc('vault_save_my_key', {
        p_public_key: key.publicKey,
        p_wrapped_private_key: key.wrappedPrivateKey,
        p_wrapped_private_key_iv: key.wrappedPrivateKeyIv,
        p_kdf: key.kdf,
      })) as { reset: boolean };
      return { reset: result.reset };
    },
    async openTenant(tenantId) {
      const result = (await client.rpc('vault_open', { p_tenant_id: tenantId })) as {
        role: TenantRole;
        current_version: number | null;
        rotation_needed_since: string | null;
        keys: { key_version: number; wrapped_key: string }[];
      };
      const info: TenantVaultInfo = {
        role: result.role,
        currentVersion: result.current_version,
        rotationNeededSince: result.rotation_needed_since,
        keys: result.keys.map((k) => ({ keyVersion: k.key_version, wrappedKey: k.wrapped_key })),
      };
      return info;
    },
    async listMembers(tenantId) {
      return ((await client.rpc('vault_members', { p_tenant_id: tenantId })) as MemberRow[]).map(
        toMember,
      );
    },
    async listPendingMembers(tenantId) {
      return (
        (await client.rpc('vault_pending_members', { p_tenant_id: tenantId })) as MemberRow[]
      ).map(toMember);
    },
    async initialize(tenantId, wrappedKeyForMe) {
      await client.rpc('vault_initialize', {
        p_tenant_id: tenantId,
        p_wrapped_key: wrappedKeyForMe,
      });
    },
    async grantKeys(tenantId, keyVersion, grants) {
      return (await client.rpc('vault_grant_keys', {
        p_tenant_id: tenantId,
        p_key_version: keyVersion,
        p_grants: toGrantJson(grants),
      })) as { granted: string[]; skipped: string[] };
    },
    async rotate(tenantId, fromVersion, grants, secrets: ReencryptedSecret[]) {
      const result = (await client.rpc('vault_rotate', {
        p_tenant_id: tenantId,
        p_from_version: fromVersion,
        p_grants: toGrantJson(grants),
        p_secrets: secrets,
      })) as { key_version: number };
      return { keyVersion: result.key_version };
    },
    async abandonKey(tenantId, fromVersion, wrappedKeyForMe) {
      return (await client.rpc('vault_abandon_key', {
        p_tenant_id: tenantId,
        p_from_version: fromVersion,
        p_wrapped_key: wrappedKeyForMe,
      })) as number;
    },
    listServerSecrets: (tenantId) => client.liveSecrets(tenantId),
    async recordSecretEvent(secretId, action: SecretEventAction, workflowId) {
      await client.rpc('vault_record_secret_event', {
        p_secret_id: secretId,
        p_action: action,
        p_workflow_id: workflowId,
      });
    },
    async secretHistory(secretId, limit) {
      const rows = (await client.rpc('vault_secret_history', {
        p_secret_id: secretId,
        p_limit: limit,
      })) as {
        at: string;
        action: SecretEvent['action'];
        actor_id: string | null;
        actor_email: string | null;
        workflow_id: string | null;
        key_version: number | null;
      }[];
      return rows.map((row) => ({
        at: new Date(row.at).toISOString(),
        action: row.action,
        actorId: row.actor_id,
        actorEmail: row.actor_email,
        workflowId: row.workflow_id,
        keyVersion: row.key_version,
      }));
    },
  };
}

export function supabaseVaultRpcClient(supabase: SupabaseClient): VaultRpcClient {
  return {
    async rpc(fn, args) {
      const { data, error } = await supabase.rpc(fn, args);
      if (error) throw RpcError.from(error);
      return data;
    },
    async liveSecrets(tenantId) {
      const { data, error } = await supabase
        .from('secrets')
        .select('id,tenant_id,ciphertext,iv,key_version,_deleted')
        .eq('tenant_id', tenantId);
      if (error) throw RpcError.from(error);
      return ((data ?? []) as (ServerSecretRow & { _deleted: boolean })[])
        .filter((row) => !row._deleted)
        .map(({ id, tenant_id, ciphertext, iv, key_version }) => ({
          id,
          tenant_id,
          ciphertext,
          iv,
          key_version,
        }));
    },
  };
}
