/**
 * The vault as the app uses it, framework-free: set up and unlock (once per session), lock
 * (sign-out, idle), open a tenant's vault, create / edit / rotate / delete / reveal secrets,
 * and the admin chores that happen with no manual step: sharing the tenant key with members
 * who lack it and rotating it after someone lost access. Plaintext and raw keys exist only
 * transiently inside these methods; the ports see ciphertext and wrapped keys only.
 */
import { RpcError } from '../model/errors.ts';
import { hasCapability, type TenantRole } from '../model/roles.ts';
import type { SecretDoc } from '../model/secret.ts';
import { wipe } from './encoding.ts';
import {
  SecretTamperedError,
  StaleSecretCopyError,
  VaultError,
  VaultKeyMissingError,
  VaultNotAllowedError,
  VaultNotSetUpError,
  VaultVersionConflictError,
} from './errors.ts';
import { startIdleLock, type IdleLock, type IdleLockOptions } from './idle-lock.ts';
import { VaultKeyring } from './keyring.ts';
import { checkPassphraseStrength, kdfNeedsUpgrade, newKdfParams } from './passphrase-kdf.ts';
import { decryptSecretValue, encryptSecretValue } from './secret-cipher.ts';
import {
  generateTenantKeyBytes,
  importTenantKey,
  unwrapTenantKey,
  unwrapTenantKeyBytes,
  wrapTenantKey,
} from './tenant-key-wrap.ts';
import { createUserKey, rewrapUserKey, unlockUserKey } from './user-key-pair.ts';
import {
  type KeyGrant,
  type ReencryptedSecret,
  type SecretEvent,
  type SecretStorePort,
  type TenantVaultInfo,
  type VaultMember,
  type VaultServerPort,
} from './vault-ports.ts';

export const DEFAULT_IDLE_LOCK_MS = 15 * 60 * 1000;

export type VaultStatus = 'not_set_up' | 'locked' | 'unlocked';

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

export interface SecretInput {
  name: string;
  value: string;
  provider?: string | null;
  secretType?: string;
  description?: string;
  tags?: string[];
  expiresAt?: string | null;
}

export type SecretPatch = Partial<Omit<SecretInput, 'value'>> & {
  value?: string;
  isActive?: boolean;
};

export interface VaultServiceOptions {
  userId: string;
  server: VaultServerPort;
  secrets: SecretStorePort;
  /** Lock after this long without vault activity; 0 disables. */
  idleLockMs?: number;
  /** Told whenever the vault locks (idle, sign-out), so the UI can show the unlock screen. */
  onLock?: () => void;
  newId?: () => string;
  now?: () => Date;
  /** Timer functions for the idle lock (tests inject their own clock). */
  idleTimers?: Pick<IdleLockOptions, 'setTimer' | 'clearTimer'>;
}

/** What a forgotten-passphrase reset costs, per tenant, said plainly before doing it. */
export interface ResetConsequence {
  tenantId: string;
  /** Another member still holds the key: an admin's client re-shares it automatically. */
  recoverable: boolean;
  liveSecrets: number;
}

export class VaultService {
  readonly userId: string;
  readonly #server: VaultServerPort;
  readonly #secrets: SecretStorePort;
  readonly #keyring = new VaultKeyring();
  readonly #tenants = new Map<string, TenantVaultInfo>();
  readonly #idleLockMs: number;
  readonly #onLock: (() => void) | undefined;
  readonly #newId: () => string;
  readonly #now: () => Date;
  readonly #idleTimers: VaultServiceOptions['idleTimers'];
  #idle: IdleLock | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(options: VaultServiceOptions) {
    this.userId = options.userId;
    this.#server = options.server;
    this.#secrets = options.secrets;
    this.#idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
    this.#onLock = options.onLock;
    this.#newId = options.newId ?? (() => globalThis.crypto.randomUUID());
    this.#now = options.now ?? (() => new Date());
    this.#idleTimers = options.idleTimers;
  }

  get isUnlocked(): boolean {
    return this.#keyring.isUnlocked;
  }

  /** Told on every lock and unlock (e.g. to show the unlock screen after the idle time). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  async status(): Promise<VaultStatus> {
    if (this.#keyring.isUnlocked) return 'unlocked';
    return (await this.#server.getMyKey()) ? 'locked' : 'not_set_up';
  }

  // ---------------------------------------------------------------------------------------
  // The user's key pair
  // ---------------------------------------------------------------------------------------

  /** First use: a key pair for this user, its private key wrapped with the passphrase. */
  async setUp(passphrase: string): Promise<void> {
    checkPassphraseStrength(passphrase);
    if (await this.#server.getMyKey()) {
      throw new VaultNotAllowedError(
        'Your vault is already set up: unlock it with your passphrase (or reset it if you forgot the passphrase)',
      );
    }
    const { stored, unlocked } = await createUserKey(this.userId, passphrase);
    await this.#server.saveMyKey(stored);
    this.#startSession(unlocked);
  }

  /** Throws WrongPassphraseError (nothing changed) or VaultNotSetUpError. */
  async unlock(passphrase: string): Promise<void> {
    const stored = await this.#server.getMyKey();
    if (!stored) {
      throw new VaultNotSetUpError('Your vault is not set up yet: choose a vault passphrase first');
    }
    const unlocked = await unlockUserKey(stored, passphrase);
    if (kdfNeedsUpgrade(stored.kdf)) {
      // The passphrase is in hand: re-wrap with today's cost, same key pair.
      await this.#server.saveMyKey(
        await rewrapUserKey(stored, passphrase, passphrase, newKdfParams()),
      );
    }
    this.#startSession(unlocked);
  }

  /** Forgets every key in memory. Call on sign-out; also happens after the idle time. */
  lock(): void {
    const wasUnlocked = this.#keyring.isUnlocked;
    this.#keyring.lock();
    this.#tenants.clear();
    this.#idle?.stop();
    this.#idle = null;
    if (wasUnlocked) {
      this.#onLock?.();
      this.#emit();
    }
  }

  /** Same key pair, new passphrase: nothing shared with the user is lost. */
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    checkPassphraseStrength(newPassphrase);
    const stored = await this.#server.getMyKey();
    if (!stored)
      throw new VaultNotSetUpError('Your vault is not set up yet: choose a vault passphrase first');
    await this.#server.saveMyKey(await rewrapUserKey(stored, oldPassphrase, newPassphrase));
  }

  /**
   * Before a forgotten-passphrase reset: per tenant, whether an admin can share the key with
   * the new key pair, or whether its secrets are lost for good (nobody else holds the key).
   */
  async describeReset(tenantIds: string[]): Promise<ResetConsequence[]> {
    const consequences: ResetConsequence[] = [];
    for (const tenantId of tenantIds) {
      let members: VaultMember[];
      try {
        members = await this.#server.listMembers(tenantId);
      } catch {
        continue; // viewer or not a member: no secrets to lose there
      }
      const recoverable = members.some((m) => m.userId !== this.userId && m.hasCurrentKey);
      const liveSecrets = (await this.#server.listServerSecrets(tenantId)).length;
      consequences.push({ tenantId, recoverable, liveSecrets });
    }
    return consequences;
  }

  /**
   * Forgotten passphrase: a new key pair replaces the old one. Every tenant key shared with
   * the old pair becomes useless; an admin's client shares the current key again (no manual
   * step), and tenants where nobody else held it lose their secrets (see describeReset).
   */
  async resetForgottenPassphrase(newPassphrase: string): Promise<void> {
    checkPassphraseStrength(newPassphrase);
    this.lock();
    const { stored, unlocked } = await createUserKey(this.userId, newPassphrase);
    await this.#server.saveMyKey(stored);
    this.#startSession(unlocked);
  }

  #startSession(unlocked: Parameters<VaultKeyring['unlock']>[0]): void {
    this.#keyring.unlock(unlocked);
    this.#tenants.clear();
    this.#idle?.stop();
    this.#idle =
      this.#idleLockMs > 0
        ? startIdleLock({
            ...this.#idleTimers,
            timeoutMs: this.#idleLockMs,
            onIdle: () => this.lock(),
          })
        : null;
    this.#emit();
  }

  #touch(): void {
    this.#keyring.user(); // throws VaultLockedError
    this.#idle?.touch();
  }

  // ---------------------------------------------------------------------------------------
  // A tenant's vault
  // ---------------------------------------------------------------------------------------

  /**
   * Loads the tenant keys this user holds and, on an admin's client, does what the tenant's
   * vault needs: set it up, rotate the key after someone lost access, share it with members
   * who lack it. Call after unlocking, on switching tenant, and now and then (e.g. each minute).
   */
  async openTenant(tenantId: string): Promise<TenantVaultStatus> {
    // Not user activity (the screen and background maintenance call it): the idle lock runs on.
    this.#keyring.user();
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
      info = await this.#refreshTenant(tenantId);
    } catch (error) {
      if (error instanceof RpcError && error.sqlState === '42501') {
        // No longer a member: whatever keys this session held for the tenant go.
        this.#keyring.forgetTenant(tenantId);
        this.#tenants.delete(tenantId);
        return status;
      }
      throw error;
    }
    status.role = info.role;
    const isAdmin = hasCapability(info.role, 'manage-secrets');

    if (info.currentVersion === null && isAdmin) {
      await this.#initializeTenant(tenantId);
      status.initialized = true;
      info = await this.#refreshTenant(tenantId);
    }
    status.currentVersion = info.currentVersion;
    status.access = this.#accessOf(tenantId, info);

    if (isAdmin && status.access === 'ready') {
      if (info.rotationNeededSince !== null) {
        try {
          status.rotatedTo = await this.#rotate(tenantId);
        } catch (error) {
          // Another admin rotated first: theirs counts, ours changed nothing.
          if (!(error instanceof VaultVersionConflictError)) throw error;
        }
        info = await this.#refreshTenant(tenantId);
        status.currentVersion = info.currentVersion;
      }
      try {
        status.grantedTo = await this.#grantPending(tenantId);
      } catch (error) {
        // The key moved while we wrapped it: the next opening shares the new one.
        if (!(error instanceof RpcError && error.sqlState === '40001')) throw error;
      }
    } else if (isAdmin && status.access === 'waiting_for_key') {
      const members = await this.#server.listMembers(tenantId);
      if (!members.some((m) => m.hasCurrentKey)) status.access = 'key_lost';
    }
    return status;
  }

  async #refreshTenant(tenantId: string): Promise<TenantVaultInfo> {
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

  #accessOf(tenantId: string, info: TenantVaultInfo): TenantAccess {
    if (!hasCapability(info.role, 'use-secrets')) return 'no_access';
    if (info.currentVersion === null) return 'waiting_for_key';
    return this.#keyring.hasTenantKey(tenantId, info.currentVersion) ? 'ready' : 'waiting_for_key';
  }

  async #initializeTenant(tenantId: string): Promise<void> {
    const me = this.#keyring.user();
    const raw = generateTenantKeyBytes();
    try {
      const wrapped = await wrapTenantKey(
        raw,
        { tenantId, keyVersion: 1 },
        {
          userId: me.userId,
          publicKey: me.publicKeyBase64,
        },
      );
      try {
        await this.#server.initialize(tenantId, wrapped);
      } catch (error) {
        // Another admin set it up first: their key will be shared with us.
        if (error instanceof RpcError && error.sqlState === '40001') return;
        throw error;
      }
    } finally {
      wipe(raw);
    }
  }

  #tenantInfo(tenantId: string): TenantVaultInfo {
    const info = this.#tenants.get(tenantId);
    if (!info) {
      throw new VaultNotSetUpError(
        `The vault of organization ${tenantId} is not open on this device: open it (openTenant) first`,
      );
    }
    return info;
  }

  #requireAdmin(tenantId: string, what: string): TenantVaultInfo {
    const info = this.#tenantInfo(tenantId);
    if (!hasCapability(info.role, 'manage-secrets')) {
      throw new VaultNotAllowedError(
        `Only admins ${what}: your role is ${info.role}. Nothing was changed`,
      );
    }
    return info;
  }

  #currentKey(tenantId: string): { key: CryptoKey; keyVersion: number } {
    const info = this.#tenantInfo(tenantId);
    if (info.currentVersion === null) throw new VaultKeyMissingError(tenantId, 1);
    return {
      key: this.#keyring.tenantKey(tenantId, info.currentVersion),
      keyVersion: info.currentVersion,
    };
  }

  /** Shares the current tenant key with every member who may use secrets and lacks it. */
  async grantPendingMembers(tenantId: string): Promise<string[]> {
    this.#touch();
    return this.#grantPending(tenantId);
  }

  async #grantPending(tenantId: string): Promise<string[]> {
    const info = this.#requireAdmin(tenantId, 'share the vault key');
    const pending = (await this.#server.listPendingMembers(tenantId)).filter(
      (m): m is VaultMember & { publicKey: string } =>
        m.publicKey !== null && hasCapability(m.role, 'use-secrets'),
    );
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
  async rotateTenantKey(tenantId: string): Promise<number> {
    this.#touch();
    return this.#rotate(tenantId);
  }

  async #rotate(tenantId: string): Promise<number> {
    this.#requireAdmin(tenantId, 'rotate the vault key');
    // Start from the server's current version, not the one this session saw last.
    const info = await this.#refreshTenant(tenantId);
    const { key: oldKey, keyVersion: fromVersion } = this.#currentKey(tenantId);
    const newVersion = fromVersion + 1;
    const members = await this.#server.listMembers(tenantId);
    const recipients = members.filter(
      (m): m is VaultMember & { publicKey: string } =>
        m.publicKey !== null && hasCapability(m.role, 'use-secrets'),
    );
    const serverSecrets = await this.#server.listServerSecrets(tenantId);

    const raw = generateTenantKeyBytes();
    let newKey: CryptoKey;
    const grants: KeyGrant[] = [];
    try {
      newKey = await importTenantKey(raw);
      for (const member of recipients) {
        grants.push({
          userId: member.userId,
          publicKey: member.publicKey,
          wrappedKey: await wrapTenantKey(raw, { tenantId, keyVersion: newVersion }, member),
        });
      }
    } finally {
      wipe(raw);
    }

    const reencrypted: ReencryptedSecret[] = [];
    for (const row of serverSecrets) {
      // Every live secret is under the current version (the server enforces it), so another
      // version here means another admin rotated between our reads.
      if (row.key_version !== fromVersion)
        throw new VaultVersionConflictError(fromVersion, row.key_version);
      const key = oldKey;
      let value: string;
      try {
        value = await decryptSecretValue(
          key,
          { tenantId, secretId: row.id, keyVersion: row.key_version },
          row,
        );
      } catch (error) {
        if (error instanceof SecretTamperedError) {
          throw new VaultNotAllowedError(
            `The vault key was not rotated because secret ${row.id} is damaged (tampered with on the server): delete it, then rotate again. Nothing was changed`,
          );
        }
        throw error;
      }
      const encrypted = await encryptSecretValue(
        newKey,
        { tenantId, secretId: row.id, keyVersion: newVersion },
        value,
      );
      reencrypted.push({ id: row.id, ...encrypted });
    }

    try {
      await this.#server.rotate(tenantId, fromVersion, grants, reencrypted);
    } catch (error) {
      if (error instanceof RpcError && error.sqlState === '40001') {
        throw new VaultVersionConflictError(fromVersion, null);
      }
      throw error;
    }
    this.#keyring.setTenantKey(tenantId, newVersion, newKey);
    this.#tenants.set(tenantId, { ...info, currentVersion: newVersion, rotationNeededSince: null });
    await this.#refreshTenant(tenantId);
    return newVersion;
  }

  /**
   * When nobody holds the tenant key any more (status 'key_lost'): start over with a new key.
   * The secrets encrypted under the lost key can't be read by anyone and are deleted.
   */
  async abandonLostKey(tenantId: string): Promise<number> {
    this.#touch();
    const info = this.#requireAdmin(tenantId, 'replace a lost vault key');
    if (info.currentVersion === null)
      throw new VaultNotSetUpError('This organization has no vault key yet');
    const me = this.#keyring.user();
    const keyVersion = info.currentVersion + 1;
    const raw = generateTenantKeyBytes();
    try {
      const wrapped = await wrapTenantKey(
        raw,
        { tenantId, keyVersion },
        {
          userId: me.userId,
          publicKey: me.publicKeyBase64,
        },
      );
      await this.#server.abandonKey(tenantId, info.currentVersion, wrapped);
    } finally {
      wipe(raw);
    }
    await this.#refreshTenant(tenantId);
    return keyVersion;
  }

  // ---------------------------------------------------------------------------------------
  // Secrets
  // ---------------------------------------------------------------------------------------

  async createSecret(tenantId: string, input: SecretInput): Promise<SecretDoc> {
    this.#touch();
    this.#requireAdmin(tenantId, 'add secrets');
    const name = input.name.trim();
    if (name === '') throw new VaultError('malformed', 'A secret needs a name: nothing was saved');
    const { key, keyVersion } = this.#currentKey(tenantId);
    const id = this.#newId();
    const encrypted = await encryptSecretValue(
      key,
      { tenantId, secretId: id, keyVersion },
      input.value,
    );
    const now = this.#now().toISOString();
    const doc: SecretDoc = {
      id,
      tenant_id: tenantId,
      name,
      provider: input.provider ?? null,
      secret_type: input.secretType ?? 'api_key',
      ciphertext: encrypted.ciphertext,
      iv: encrypted.iv,
      key_version: keyVersion,
      description: input.description ?? '',
      tags: input.tags ?? [],
      is_active: true,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      usage_count: 0,
      created_by: this.userId,
      created_at: now,
      updated_at: now,
      server_txid: null,
      _deleted: false,
    };
    await this.#secrets.save(doc);
    return doc;
  }

  async #existing(secretId: string): Promise<SecretDoc> {
    const doc = await this.#secrets.get(secretId);
    if (!doc || doc._deleted) {
      throw new VaultError(
        'malformed',
        `Secret ${secretId} does not exist on this device (deleted?): nothing was changed`,
      );
    }
    return doc;
  }

  /** Edits metadata and/or the value; a new value is encrypted under the current key. */
  async updateSecret(secretId: string, patch: SecretPatch): Promise<SecretDoc> {
    this.#touch();
    const doc = await this.#existing(secretId);
    this.#requireAdmin(doc.tenant_id, 'edit secrets');
    const next: SecretDoc = {
      ...doc,
      name: patch.name?.trim() || doc.name,
      provider: patch.provider === undefined ? doc.provider : patch.provider,
      secret_type: patch.secretType ?? doc.secret_type,
      description: patch.description ?? doc.description,
      tags: patch.tags ?? doc.tags,
      expires_at: patch.expiresAt === undefined ? doc.expires_at : patch.expiresAt,
      is_active: patch.isActive ?? doc.is_active,
      updated_at: this.#now().toISOString(),
    };
    if (patch.value !== undefined) {
      const { key, keyVersion } = this.#currentKey(doc.tenant_id);
      const encrypted = await encryptSecretValue(
        key,
        { tenantId: doc.tenant_id, secretId: doc.id, keyVersion },
        patch.value,
      );
      next.ciphertext = encrypted.ciphertext;
      next.iv = encrypted.iv;
      next.key_version = keyVersion;
    }
    await this.#secrets.save(next);
    return next;
  }

  /** Replaces the value (e.g. the provider issued a new API key) and logs a rotation. */
  async rotateSecretValue(secretId: string, newValue: string): Promise<SecretDoc> {
    const doc = await this.updateSecret(secretId, { value: newValue });
    await this.#server.recordSecretEvent(secretId, 'rotated', null);
    return doc;
  }

  async deleteSecret(secretId: string): Promise<void> {
    this.#touch();
    const doc = await this.#existing(secretId);
    this.#requireAdmin(doc.tenant_id, 'delete secrets');
    await this.#secrets.save({ ...doc, _deleted: true, updated_at: this.#now().toISOString() });
  }

  /**
   * The plaintext, for a workflow run (`purpose: 'use'`, with its workflow id) or to show a
   * user (`'reveal'`); either is logged. Throws SecretTamperedError or VaultKeyMissingError.
   */
  async readSecret(
    secretId: string,
    options: { purpose: 'use' | 'reveal'; workflowId?: string | null } = { purpose: 'reveal' },
  ): Promise<string> {
    this.#touch();
    const doc = await this.#existing(secretId);
    const value = await this.decryptDoc(doc);
    await this.#server.recordSecretEvent(
      secretId,
      options.purpose === 'use' ? 'used' : 'revealed',
      options.workflowId ?? null,
    );
    return value;
  }

  /** Who used or changed a secret, when, from which workflow (admins). */
  async secretHistory(secretId: string, limit = 50): Promise<SecretEvent[]> {
    this.#touch();
    const doc = await this.#secrets.get(secretId);
    if (!doc) throw new VaultError('malformed', `Secret ${secretId} does not exist on this device`);
    this.#requireAdmin(doc.tenant_id, 'see the history of secrets');
    return this.#server.secretHistory(secretId, limit);
  }

  /** Decrypts a document without logging (tests, previews). */
  async decryptDoc(
    doc: Pick<SecretDoc, 'id' | 'tenant_id' | 'ciphertext' | 'iv' | 'key_version'>,
  ): Promise<string> {
    this.#touch();
    const tenantId = doc.tenant_id;
    if (!this.#keyring.hasTenantKey(tenantId, doc.key_version) && this.#tenants.has(tenantId)) {
      // Maybe rotated or shared since we last looked: fetch once before giving up.
      try {
        await this.#refreshTenant(tenantId);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        this.#keyring.forgetTenant(tenantId);
      }
    }
    const currentVersion = this.#tenants.get(tenantId)?.currentVersion ?? null;
    if (
      !this.#keyring.hasTenantKey(tenantId, doc.key_version) &&
      currentVersion !== null &&
      doc.key_version < currentVersion &&
      this.#keyring.hasTenantKey(tenantId, currentVersion)
    ) {
      throw new StaleSecretCopyError(doc.id, doc.key_version, currentVersion);
    }
    const key = this.#keyring.tenantKey(tenantId, doc.key_version);
    return decryptSecretValue(
      key,
      { tenantId, secretId: doc.id, keyVersion: doc.key_version },
      doc,
    );
  }
}
