/**
 * What the vault service needs from the outside world, as two narrow ports: the server
 * (RPCs over supabase-js in the app, direct SQL in tests) and the local secrets collection
 * (RxDB in the app, which sync pushes to the server).
 */
import type { SecretDoc } from '../model/secret.ts';
import type { TenantRole } from '../model/roles.ts';
import type { StoredUserKey } from './user-key-pair.ts';

export interface TenantVaultInfo {
  role: TenantRole;
  /** null until an admin sets up the tenant's vault. */
  currentVersion: number | null;
  /** Set when someone lost access and the key awaits rotation by an admin's client. */
  rotationNeededSince: string | null;
  /** The tenant key versions wrapped for the caller's current key pair. */
  keys: { keyVersion: number; wrappedKey: string }[];
}

export interface VaultMember {
  userId: string;
  role: TenantRole;
  /** null if they never set up a vault passphrase. */
  publicKey: string | null;
  hasCurrentKey: boolean;
}

export interface KeyGrant {
  userId: string;
  /** The public key the tenant key was wrapped for; the server skips a stale one. */
  publicKey: string;
  wrappedKey: string;
}

export interface ReencryptedSecret {
  id: string;
  ciphertext: string;
  iv: string;
}

export type SecretEventAction = 'used' | 'revealed' | 'rotated';

/** One line of a secret's audit trail. */
export interface SecretEvent {
  at: string;
  action:
    'created' | 'updated' | 'rotated' | 'rekeyed' | 'used' | 'revealed' | 'deleted' | 'restored';
  actorId: string | null;
  actorEmail: string | null;
  workflowId: string | null;
  keyVersion: number | null;
}

export interface VaultServerPort {
  getMyKey(): Promise<StoredUserKey | null>;
  /** `reset` is true when a new key pair replaced another (keys shared with the old one are dropped). */
  saveMyKey(key: StoredUserKey): Promise<{ reset: boolean }>;
  openTenant(tenantId: string): Promise<TenantVaultInfo>;
  listMembers(tenantId: string): Promise<VaultMember[]>;
  /** Members who may use secrets, have a key pair, and lack the current tenant key (admins only). */
  listPendingMembers(tenantId: string): Promise<VaultMember[]>;
  initialize(tenantId: string, wrappedKeyForMe: string): Promise<void>;
  grantKeys(
    tenantId: string,
    keyVersion: number,
    grants: KeyGrant[],
  ): Promise<{ granted: string[]; skipped: string[] }>;
  rotate(
    tenantId: string,
    fromVersion: number,
    grants: KeyGrant[],
    secrets: ReencryptedSecret[],
  ): Promise<{ keyVersion: number }>;
  abandonKey(tenantId: string, fromVersion: number, wrappedKeyForMe: string): Promise<number>;
  /** The tenant's live secrets as the server has them (the source of truth for a rotation). */
  listServerSecrets(
    tenantId: string,
  ): Promise<Pick<SecretDoc, 'id' | 'tenant_id' | 'ciphertext' | 'iv' | 'key_version'>[]>;
  recordSecretEvent(
    secretId: string,
    action: SecretEventAction,
    workflowId: string | null,
  ): Promise<void>;
  /** Newest first; empty for non-admins (the log is admins-only). */
  secretHistory(secretId: string, limit: number): Promise<SecretEvent[]>;
}

export interface SecretStorePort {
  list(tenantId: string): Promise<SecretDoc[]>;
  get(secretId: string): Promise<SecretDoc | null>;
  /** Inserts or replaces the local document; sync carries it to the server. */
  save(doc: SecretDoc): Promise<void>;
}
