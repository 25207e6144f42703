/**
 * What an unlocked vault holds in memory for one session: the user's private key and the
 * tenant keys opened with it, all non-extractable CryptoKeys. `lock()` forgets them all.
 */
import { VaultKeyMissingError, VaultLockedError } from './errors.ts';
import type { UnlockedUserKey } from './user-key-pair.ts';

export class VaultKeyring {
  #user: UnlockedUserKey | null = null;
  #tenantKeys = new Map<string, Map<number, CryptoKey>>();

  get isUnlocked(): boolean {
    return this.#user !== null;
  }

  unlock(user: UnlockedUserKey): void {
    this.lock();
    this.#user = user;
  }

  lock(): void {
    this.#user = null;
    this.#tenantKeys.clear();
  }

  user(): UnlockedUserKey {
    if (!this.#user) throw new VaultLockedError();
    return this.#user;
  }

  setTenantKey(tenantId: string, keyVersion: number, key: CryptoKey): void {
    if (!this.#user) throw new VaultLockedError();
    let versions = this.#tenantKeys.get(tenantId);
    if (!versions) {
      versions = new Map();
      this.#tenantKeys.set(tenantId, versions);
    }
    versions.set(keyVersion, key);
  }

  hasTenantKey(tenantId: string, keyVersion: number): boolean {
    return this.#tenantKeys.get(tenantId)?.has(keyVersion) ?? false;
  }

  tenantKey(tenantId: string, keyVersion: number): CryptoKey {
    if (!this.#user) throw new VaultLockedError();
    const key = this.#tenantKeys.get(tenantId)?.get(keyVersion);
    if (!key) throw new VaultKeyMissingError(tenantId, keyVersion);
    return key;
  }

  /** Drops every version of a tenant's key, e.g. after losing access to the tenant. */
  forgetTenant(tenantId: string): void {
    this.#tenantKeys.delete(tenantId);
  }
}
