/**
 * The user's side of the vault: their key pair, unlocked once per session with the passphrase
 * and forgotten on lock (sign-out, idle). Setting up, changing and resetting the passphrase
 * live here too. The tenant keys (tenant-keys.ts) and secrets (vault-secrets.ts) build on it.
 */
import { VaultNotAllowedError, VaultNotSetUpError } from './errors.ts';
import { startIdleLock, type IdleLock, type IdleLockOptions } from './idle-lock.ts';
import { VaultKeyring } from './keyring.ts';
import { checkPassphraseStrength, kdfNeedsUpgrade, newKdfParams } from './passphrase-kdf.ts';
import { createUserKey, rewrapUserKey, unlockUserKey } from './user-key-pair.ts';
import type { VaultMember, VaultServerPort } from './vault-ports.ts';

export const DEFAULT_IDLE_LOCK_MS = 15 * 60 * 1000;

export type VaultStatus = 'not_set_up' | 'locked' | 'unlocked';

/** What a forgotten-passphrase reset costs, per tenant, said plainly before doing it. */
export interface ResetConsequence {
  tenantId: string;
  /** Another member still holds the key: an admin's client re-shares it automatically. */
  recoverable: boolean;
  liveSecrets: number;
}

export interface VaultSessionOptions {
  userId: string;
  server: VaultServerPort;
  /** Lock after this long without vault activity; 0 disables. */
  idleLockMs?: number;
  /** Told whenever the vault locks (idle, sign-out), so the UI can show the unlock screen. */
  onLock?: () => void;
  /** Timer functions for the idle lock (tests inject their own clock). */
  idleTimers?: Pick<IdleLockOptions, 'setTimer' | 'clearTimer'>;
  /** Called when a session starts or ends: whatever was derived from the old keys goes. */
  onKeysChanged?: () => void;
}

const NOT_SET_UP = 'Your vault is not set up yet: choose a vault passphrase first';

export class VaultSession {
  readonly userId: string;
  /** The keys in memory: the user's private key and the tenant keys unwrapped with it. */
  readonly keyring = new VaultKeyring();
  readonly #server: VaultServerPort;
  readonly #options: VaultSessionOptions;
  readonly #idleLockMs: number;
  #idle: IdleLock | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(options: VaultSessionOptions) {
    this.userId = options.userId;
    this.#server = options.server;
    this.#options = options;
    this.#idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
  }

  get isUnlocked(): boolean {
    return this.keyring.isUnlocked;
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
    if (this.keyring.isUnlocked) return 'unlocked';
    return (await this.#server.getMyKey()) ? 'locked' : 'not_set_up';
  }

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
    this.#start(unlocked);
  }

  /** Throws WrongPassphraseError (nothing changed) or VaultNotSetUpError. */
  async unlock(passphrase: string): Promise<void> {
    const stored = await this.#server.getMyKey();
    if (!stored) throw new VaultNotSetUpError(NOT_SET_UP);
    const unlocked = await unlockUserKey(stored, passphrase);
    if (kdfNeedsUpgrade(stored.kdf)) {
      // The passphrase is in hand: re-wrap with today's cost, same key pair.
      await this.#server.saveMyKey(
        await rewrapUserKey(stored, passphrase, passphrase, newKdfParams()),
      );
    }
    this.#start(unlocked);
  }

  /** Forgets every key in memory. Call on sign-out; also happens after the idle time. */
  lock(): void {
    const wasUnlocked = this.keyring.isUnlocked;
    this.keyring.lock();
    this.#options.onKeysChanged?.();
    this.#idle?.stop();
    this.#idle = null;
    if (wasUnlocked) {
      this.#options.onLock?.();
      this.#emit();
    }
  }

  /** Same key pair, new passphrase: nothing shared with the user is lost. */
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    checkPassphraseStrength(newPassphrase);
    const stored = await this.#server.getMyKey();
    if (!stored) throw new VaultNotSetUpError(NOT_SET_UP);
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
    this.#start(unlocked);
  }

  /** Vault activity: restarts the idle timer. Throws VaultLockedError when locked. */
  touch(): void {
    this.keyring.user();
    this.#idle?.touch();
  }

  #start(unlocked: Parameters<VaultKeyring['unlock']>[0]): void {
    this.keyring.unlock(unlocked);
    this.#options.onKeysChanged?.();
    this.#idle?.stop();
    this.#idle =
      this.#idleLockMs > 0
        ? startIdleLock({
            ...this.#options.idleTimers,
            timeoutMs: this.#idleLockMs,
            onIdle: () => this.lock(),
          })
        : null;
    this.#emit();
  }
}
