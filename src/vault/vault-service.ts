/**
 * The vault as the app uses it, framework-free: one object over the user's session
 * (vault-session.ts: set up, unlock, lock, passphrase), the organizations' keys
 * (tenant-keys.ts: open a tenant's vault, share and rotate its key) and their secrets
 * (vault-secrets.ts). Plaintext and raw keys exist only transiently inside those modules; the
 * ports see ciphertext and wrapped keys only. Every call but openTenant counts as vault
 * activity for the idle lock.
 */
import type { SecretDoc } from '../model/secret.ts';
import type { IdleLockOptions } from './idle-lock.ts';
import { TenantKeys, type TenantVaultStatus } from './tenant-keys.ts';
import type { SecretEvent, SecretStorePort, VaultServerPort } from './vault-ports.ts';
import { VaultSecrets, type SecretInput, type SecretPatch } from './vault-secrets.ts';
import { VaultSession, type ResetConsequence, type VaultStatus } from './vault-session.ts';

export type { TenantAccess, TenantVaultStatus } from './tenant-keys.ts';
export type { SecretInput, SecretPatch } from './vault-secrets.ts';
export { DEFAULT_IDLE_LOCK_MS, type ResetConsequence, type VaultStatus } from './vault-session.ts';

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

export class VaultService {
  readonly userId: string;
  readonly #session: VaultSession;
  readonly #tenantKeys: TenantKeys;
  readonly #secrets: VaultSecrets;

  constructor(options: VaultServiceOptions) {
    this.userId = options.userId;
    this.#session = new VaultSession({
      userId: options.userId,
      server: options.server,
      ...(options.idleLockMs !== undefined ? { idleLockMs: options.idleLockMs } : {}),
      ...(options.onLock ? { onLock: options.onLock } : {}),
      ...(options.idleTimers ? { idleTimers: options.idleTimers } : {}),
      onKeysChanged: () => this.#tenantKeys.clear(),
    });
    this.#tenantKeys = new TenantKeys(options.server, this.#session.keyring);
    this.#secrets = new VaultSecrets({
      userId: options.userId,
      server: options.server,
      secrets: options.secrets,
      keyring: this.#session.keyring,
      tenantKeys: this.#tenantKeys,
      newId: options.newId ?? (() => globalThis.crypto.randomUUID()),
      now: options.now ?? (() => new Date()),
    });
  }

  // The user's session (vault-session.ts)

  get isUnlocked(): boolean {
    return this.#session.isUnlocked;
  }
  subscribe(listener: () => void): () => void {
    return this.#session.subscribe(listener);
  }
  async status(): Promise<VaultStatus> {
    return this.#session.status();
  }
  async setUp(passphrase: string): Promise<void> {
    return this.#session.setUp(passphrase);
  }
  async unlock(passphrase: string): Promise<void> {
    return this.#session.unlock(passphrase);
  }
  lock(): void {
    this.#session.lock();
  }
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.#session.changePassphrase(oldPassphrase, newPassphrase);
  }
  async describeReset(tenantIds: string[]): Promise<ResetConsequence[]> {
    return this.#session.describeReset(tenantIds);
  }
  async resetForgottenPassphrase(newPassphrase: string): Promise<void> {
    return this.#session.resetForgottenPassphrase(newPassphrase);
  }

  // Organizations' keys (tenant-keys.ts)

  /** Not user activity (the screen and background maintenance call it): the idle lock runs on. */
  async openTenant(tenantId: string): Promise<TenantVaultStatus> {
    this.#session.keyring.user(); // throws VaultLockedError
    return this.#tenantKeys.open(tenantId);
  }
  async grantPendingMembers(tenantId: string): Promise<string[]> {
    this.#session.touch();
    return this.#tenantKeys.grantPending(tenantId);
  }
  async rotateTenantKey(tenantId: string): Promise<number> {
    this.#session.touch();
    return this.#tenantKeys.rotate(tenantId);
  }
  async abandonLostKey(tenantId: string): Promise<number> {
    this.#session.touch();
    return this.#tenantKeys.abandonLostKey(tenantId);
  }

  // Secrets (vault-secrets.ts)

  async createSecret(tenantId: string, input: SecretInput): Promise<SecretDoc> {
    this.#session.touch();
    return this.#secrets.create(tenantId, input);
  }
  async updateSecret(secretId: string, patch: SecretPatch): Promise<SecretDoc> {
    this.#session.touch();
    return this.#secrets.update(secretId, patch);
  }
  async rotateSecretValue(secretId: string, newValue: string): Promise<SecretDoc> {
    this.#session.touch();
    return this.#secrets.rotateValue(secretId, newValue);
  }
  async deleteSecret(secretId: string): Promise<void> {
    this.#session.touch();
    return this.#secrets.delete(secretId);
  }
  /**
   * The plaintext, for a workflow run (`purpose: 'use'`, with its workflow id) or to show a
   * user (`'reveal'`); either is logged. Throws SecretTamperedError or VaultKeyMissingError.
   */
  async readSecret(
    secretId: string,
    options: { purpose: 'use' | 'reveal'; workflowId?: string | null } = { purpose: 'reveal' },
  ): Promise<string> {
    this.#session.touch();
    return this.#secrets.read(secretId, options);
  }
  async secretHistory(secretId: string, limit = 50): Promise<SecretEvent[]> {
    this.#session.touch();
    return this.#secrets.history(secretId, limit);
  }
  /** Decrypts a document without logging (tests, previews). */
  async decryptDoc(
    doc: Pick<SecretDoc, 'id' | 'tenant_id' | 'ciphertext' | 'iv' | 'key_version'>,
  ): Promise<string> {
    this.#session.touch();
    return this.#secrets.decrypt(doc);
  }
}
