/**
 * Each organization's vault key as this session holds it: loaded (unwrapped with the user's
 * private key) when the tenant's vault opens, and, on an admin's client, the chores that need
 * no manual step: setting the vault up, sharing the key with members who lack it, rotating it
 * after someone lost access, starting over when nobody holds it any more.
 */
import { RpcError } from '../model/errors.ts';
import { hasCapability, type TenantRole } from '../model/roles.ts';
import { wipe } from './encoding.ts';
import {
  VaultKeyMissingError,
  VaultNotAllowedError,
  VaultNotSetUpError,
  VaultVersionConflictError,
} from './errors.ts';
import type { VaultKeyring } from './keyring.ts';
import { prepareRotation, type KeyRecipient } from './tenant-key-rotation.ts';
import {
  generateTenantKeyBytes,
  unwrapTenantKey,
  unwrapTenantKeyBytes,
  wrapTenantKey,
} from './tenant-key-wrap.ts';
import type { KeyGrant, TenantVaultInfo, VaultMember, VaultServerPort } from './vault-ports.ts';

export type TenantAccess =
  /** Secrets can be read (and written, for admins). */
  | 'ready'
  /** The caller may use secrets but no admin has shared the current key yet. */
  | 'waiting_for_key'
  /** Viewers, and people who are no longer members. */
  | 'no_access'
  /** Nobody holds the key any more (the only holder reset their passphrase): see abandonLostKey. */
  | 'key_lost';

export interface TenantVaultStatus {
  tenantId: string;
  role: TenantRole | null;
  access: TenantAccess;
  currentVersion: number | null;
  /** What this client did on the way: set up the vault, rotated the key, shared it with users. */
  initialized: boolean;
  rotatedTo: number | null;
  grantedTo: string[];
}

/** Members who may use secrets and have a key pair to share the tenant key with. */
function keyRecipients(members: VaultMember[]): KeyRecipient[] {
  return members.filter(
    (m): m is KeyRecipient => m.publicKey !== null && hasCapability(m.role, 'use-secrets'),
  );
}

const isSqlState = (error: unknown, sqlState: string): boolean =>
  error instanceof RpcError && error.sqlState === sqlState;

export class TenantKeys {
  readonly #server: VaultServerPort;
  readonly #keyring: VaultKeyring;
  readonly #tenants = new Map<string, TenantVaultInfo>();

  constructor(server: VaultServerPort, keyring: VaultKeyring) {
    this.#server = server;
    this.#keyring = keyring;
  }

  /** Forgets what was loaded (the session locked or changed key pair). */
  clear(): void {
    this.#tenants.clear();
  }

  /** Whether this session opened the tenant's vault. */
  isOpen(tenantId: string): boolean {
    return this.#tenants.has(tenantId);
  }

  /** The current key version this session saw for the tenant, or null. */
  currentVersion(tenantId: string): number | null {
    return this.#tenants.get(tenantId)?.currentVersion ?? null;
  }

  /**
   * Loads the tenant keys this user holds and, on an admin's client, does what the tenant's
   * vault needs: set it up, rotate the key after someone lost access, share it with members
   * who lack it. Call after unlocking, on switching tenant, and now and then (e.g. each minute).
   */
  async open(tenantId: string): Promise<TenantVaultStatus> {
    const status: TenantVaultStatus = {
      tenantId,
      role: null,
      access: 'no_access',
      currentVersion: null,
      initialized: false,
      rotatedTo: null,
      grantedTo: [],
    };
    let info: TenantVaultInfo;
    try {
      info = await this.refresh(tenantId);
    } catch (error) {
      if (isSqlState(error, '42501')) {
        // No longer a member: whatever keys this session held for the tenant go.
        this.forget(tenantId);
        return status;
      }
      throw error;
    }
    status.role = info.role;
    const isAdmin = hasCapability(info.role, 'manage-secrets');

    if (info.currentVersion === null && isAdmin) {
      await this.#initialize(tenantId);
      status.initialized = true;
      info = await this.refresh(tenantId);
    }
    status.currentVersion = info.currentVersion;
    status.access = this.#accessOf(tenantId, info);

    if (isAdmin && status.access === 'ready') {
      if (info.rotationNeededSince !== null) {
        try {
          status.rotatedTo = await this.rotate(tenantId);
        } catch (error) {
          // Another admin rotated first: theirs counts, ours changed nothing.
          if (!(error instanceof VaultVersionConflictError)) throw error;
        }
        info = await this.refresh(tenantId);
        status.currentVersion = info.currentVersion;
      }
      try {
        status.grantedTo = await this.grantPending(tenantId);
      } catch (error) {
        // The key moved while we wrapped it: the next opening shares the new one.
        if (!isSqlState(error, '40001')) throw error;
      }
    } else if (isAdmin && status.access === 'waiting_for_key') {
      const members = await this.#server.listMembers(tenantId);
      if (!members.some((m) => m.hasCurrentKey)) status.access = 'key_lost';
    }
    return status;
  }

  /** Asks the server for the tenant's vault and unwraps the key versions not yet in memory. */
  async refresh(tenantId: string): Promise<TenantVaultInfo> {
    const info = await this.#server.openTenant(tenantId);
    this.#tenants.set(tenantId, info);
    const me = this.#keyring.user();
    for (const { keyVersion, wrappedKey } of info.keys) {
      if (this.#keyring.hasTenantKey(tenantId, keyVersion)) continue;
      this.#keyring.setTenantKey(
        tenantId,
        keyVersion,
        await unwrapTenantKey(wrappedKey, { tenantId, keyVersion }, me),
      );
    }
    return info;
  }

  /** Drops the tenant's keys from memory (the user lost access). */
  forget(tenantId: string): void {
    this.#keyring.forgetTenant(tenantId);
    this.#tenants.delete(tenantId);
  }

  #accessOf(tenantId: string, info: TenantVaultInfo): TenantAccess {
    if (!hasCapability(info.role, 'use-secrets')) return 'no_access';
    if (info.currentVersion === null) return 'waiting_for_key';
    return this.#keyring.hasTenantKey(tenantId, info.currentVersion) ? 'ready' : 'waiting_for_key';
  }

  /** The tenant key wrapped for this user alone, as a new vault or a restart needs it. */
  async #wrapNewKeyForMe(tenantId: string, keyVersion: number): Promise<string> {
    const me = this.#keyring.user();
    const raw = generateTenantKeyBytes();
    try {
      return await wrapTenantKey(
        raw,
        { tenantId, keyVersion },
        { userId: me.userId, publicKey: me.publicKeyBase64 },
      );
    } finally {
      wipe(raw);
    }
  }

  async #initialize(tenantId: string): Promise<void> {
    const wrapped = await this.#wrapNewKeyForMe(tenantId, 1);
    try {
      await this.#server.initialize(tenantId, wrapped);
    } catch (error) {
      // Another admin set it up first: their key will be shared with us.
      if (isSqlState(error, '40001')) return;
      throw error;
    }
  }

  #info(tenantId: string): TenantVaultInfo {
    const info = this.#tenants.get(tenantId);
    if (!info) {
      throw new VaultNotSetUpError(
        `The vault of organization ${tenantId} is not open on this device: open it (openTenant) first`,
      );
    }
    return info;
  }

  /** The tenant's vault as last loaded, when the user may manage its secrets. */
  requireAdmin(tenantId: string, what: string): TenantVaultInfo {
    const info = this.#info(tenantId);
    if (!hasCapability(info.role, 'manage-secrets')) {
      throw new VaultNotAllowedError(
        `Only admins ${what}: your role is ${info.role}. Nothing was changed`,
      );
    }
    return info;
  }

  /** The key new ciphertext is written under. */
  currentKey(tenantId: string): { key: CryptoKey; keyVersion: number } {
    const info = this.#info(tenantId);
    if (info.currentVersion === null) throw new VaultKeyMissingError(tenantId, 1);
    return {
      key: this.#keyring.tenantKey(tenantId, info.currentVersion),
      keyVersion: info.currentVersion,
    };
  }

  /** Shares the current tenant key with every member who may use secrets and lacks it. */
  async grantPending(tenantId: string): Promise<string[]> {
    const info = this.requireAdmin(tenantId, 'share the vault key');
    const pending = keyRecipients(await this.#server.listPendingMembers(tenantId));
    if (pending.length === 0 || info.currentVersion === null) return [];
    const keyVersion = info.currentVersion;
    const me = this.#keyring.user();
    const mine = info.keys.find((k) => k.keyVersion === keyVersion);
    if (!mine) throw new VaultKeyMissingError(tenantId, keyVersion);
    const raw = await unwrapTenantKeyBytes(mine.wrappedKey, { tenantId, keyVersion }, me);
    try {
      const grants: KeyGrant[] = [];
      for (const member of pending) {
        grants.push({
          userId: member.userId,
          publicKey: member.publicKey,
          wrappedKey: await wrapTenantKey(raw, { tenantId, keyVersion }, member),
        });
      }
      const result = await this.#server.grantKeys(tenantId, keyVersion, grants);
      return result.granted;
    } finally {
      wipe(raw);
    }
  }

  /**
   * A new tenant key version: every live secret re-encrypted under it and the key shared
   * with everyone who may still use secrets, in one server transaction. Refused with
   * VaultVersionConflictError, nothing changed, if another admin rotated meanwhile.
   */
  async rotate(tenantId: string): Promise<number> {
    this.requireAdmin(tenantId, 'rotate the vault key');
    // Start from the server's current version, not the one this session saw last.
    const info = await this.refresh(tenantId);
    const { key: oldKey, keyVersion: fromVersion } = this.currentKey(tenantId);
    const newVersion = fromVersion + 1;
    const recipients = keyRecipients(await this.#server.listMembers(tenantId));
    const serverSecrets = await this.#server.listServerSecrets(tenantId);

    const { newKey, grants, reencrypted } = await prepareRotation({
      tenantId,
      fromVersion,
      oldKey,
      recipients,
      serverSecrets,
    });

    try {
      await this.#server.rotate(tenantId, fromVersion, grants, reencrypted);
    } catch (error) {
      if (isSqlState(error, '40001')) throw new VaultVersionConflictError(fromVersion, null);
      throw error;
    }
    this.#keyring.setTenantKey(tenantId, newVersion, newKey);
    this.#tenants.set(tenantId, { ...info, currentVersion: newVersion, rotationNeededSince: null });
    await this.refresh(tenantId);
    return newVersion;
  }

  /**
   * When nobody holds the tenant key any more (status 'key_lost'): start over with a new key.
   * The secrets encrypted under the lost key can't be read by anyone and are deleted.
   */
  async abandonLostKey(tenantId: string): Promise<number> {
    const info = this.requireAdmin(tenantId, 'replace a lost vault key');
    if (info.currentVersion === null)
      throw new VaultNotSetUpError('This organization has no vault key yet');
    const keyVersion = info.currentVersion + 1;
    const wrapped = await this.#wrapNewKeyForMe(tenantId, keyVersion);
    await this.#server.abandonKey(tenantId, info.currentVersion, wrapped);
    await this.refresh(tenantId);
    return keyVersion;
  }
}
