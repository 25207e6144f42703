/**
 * A tenant's secrets: create, edit, rotate, delete and read them. Values are encrypted under
 * the tenant's current key (tenant-keys.ts) before they reach the local store, which sync
 * carries to the server; reading decrypts in memory and logs who used the value.
 */
import { newSecret, type SecretDoc } from '../model/secret.ts';
import { RpcError } from '../model/errors.ts';
import { StaleSecretCopyError, VaultError } from './errors.ts';
import type { VaultKeyring } from './keyring.ts';
import { decryptSecretValue, encryptSecretValue } from './secret-cipher.ts';
import type { TenantKeys } from './tenant-keys.ts';
import type { SecretEvent, SecretStorePort, VaultServerPort } from './vault-ports.ts';

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

export interface VaultSecretsOptions {
  userId: string;
  server: VaultServerPort;
  secrets: SecretStorePort;
  keyring: VaultKeyring;
  tenantKeys: TenantKeys;
  newId: () => string;
  now: () => Date;
}

export class VaultSecrets {
  readonly #options: VaultSecretsOptions;

  constructor(options: VaultSecretsOptions) {
    this.#options = options;
  }

  async create(tenantId: string, input: SecretInput): Promise<SecretDoc> {
    const { tenantKeys, newId, now, userId } = this.#options;
    tenantKeys.requireAdmin(tenantId, 'add secrets');
    const name = input.name.trim();
    if (name === '') throw new VaultError('malformed', 'A secret needs a name: nothing was saved');
    const { key, keyVersion } = tenantKeys.currentKey(tenantId);
    const id = newId();
    const encrypted = await encryptSecretValue(
      key,
      { tenantId, secretId: id, keyVersion },
      input.value,
    );
    const at = now().toISOString();
    const doc: SecretDoc = {
      ...newSecret(
        tenantId,
        { ...encrypted, key_version: keyVersion },
        {
          id,
          name,
          provider: input.provider ?? null,
          secret_type: input.secretType ?? 'api_key',
          description: input.description ?? '',
          tags: input.tags ?? [],
          expires_at: input.expiresAt ?? null,
          created_by: userId,
          created_at: at,
          updated_at: at,
        },
      ),
      _deleted: false,
    };
    await this.#options.secrets.save(doc);
    return doc;
  }

  async #existing(secretId: string): Promise<SecretDoc> {
    const doc = await this.#options.secrets.get(secretId);
    if (!doc || doc._deleted) {
      throw new VaultError(
        'malformed',
        `Secret ${secretId} does not exist on this device (deleted?): nothing was changed`,
      );
    }
    return doc;
  }

  /** Edits metadata and/or the value; a new value is encrypted under the current key. */
  async update(secretId: string, patch: SecretPatch): Promise<SecretDoc> {
    const { tenantKeys, now } = this.#options;
    const doc = await this.#existing(secretId);
    tenantKeys.requireAdmin(doc.tenant_id, 'edit secrets');
    const next: SecretDoc = {
      ...doc,
      name: patch.name?.trim() || doc.name,
      provider: patch.provider === undefined ? doc.provider : patch.provider,
      secret_type: patch.secretType ?? doc.secret_type,
      description: patch.description ?? doc.description,
      tags: patch.tags ?? doc.tags,
      expires_at: patch.expiresAt === undefined ? doc.expires_at : patch.expiresAt,
      is_active: patch.isActive ?? doc.is_active,
      updated_at: now().toISOString(),
    };
    if (patch.value !== undefined) {
      const { key, keyVersion } = tenantKeys.currentKey(doc.tenant_id);
      const encrypted = await encryptSecretValue(
        key,
        { tenantId: doc.tenant_id, secretId: doc.id, keyVersion },
        patch.value,
      );
      next.ciphertext = encrypted.ciphertext;
      next.iv = encrypted.iv;
      next.key_version = keyVersion;
    }
    await this.#options.secrets.save(next);
    return next;
  }

  /** Replaces the value (e.g. the provider issued a new API key) and logs a rotation. */
  async rotateValue(secretId: string, newValue: string): Promise<SecretDoc> {
    const doc = await this.update(secretId, { value: newValue });
    await this.#options.server.recordSecretEvent(secretId, 'rotated', null);
    return doc;
  }

  async delete(secretId: string): Promise<void> {
    const doc = await this.#existing(secretId);
    this.#options.tenantKeys.requireAdmin(doc.tenant_id, 'delete secrets');
    await this.#options.secrets.save({
      ...doc,
      _deleted: true,
      updated_at: this.#options.now().toISOString(),
    });
  }

  /** The plaintext, logged as used (by a workflow run) or revealed (to a person). */
  async read(
    secretId: string,
    options: { purpose: 'use' | 'reveal'; workflowId?: string | null },
  ): Promise<string> {
    const doc = await this.#existing(secretId);
    const value = await this.decrypt(doc);
    await this.#options.server.recordSecretEvent(
      secretId,
      options.purpose === 'use' ? 'used' : 'revealed',
      options.workflowId ?? null,
    );
    return value;
  }

  /** Who used or changed a secret, when, from which workflow (admins). */
  async history(secretId: string, limit: number): Promise<SecretEvent[]> {
    const doc = await this.#options.secrets.get(secretId);
    if (!doc) throw new VaultError('malformed', `Secret ${secretId} does not exist on this device`);
    this.#options.tenantKeys.requireAdmin(doc.tenant_id, 'see the history of secrets');
    return this.#options.server.secretHistory(secretId, limit);
  }

  /** Decrypts a document without logging. */
  async decrypt(
    doc: Pick<SecretDoc, 'id' | 'tenant_id' | 'ciphertext' | 'iv' | 'key_version'>,
  ): Promise<string> {
    const { keyring, tenantKeys } = this.#options;
    const tenantId = doc.tenant_id;
    if (!keyring.hasTenantKey(tenantId, doc.key_version) && tenantKeys.isOpen(tenantId)) {
      // Maybe rotated or shared since we last looked: fetch once before giving up.
      try {
        await tenantKeys.refresh(tenantId);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        keyring.forgetTenant(tenantId);
      }
    }
    const currentVersion = tenantKeys.currentVersion(tenantId);
    if (
      !keyring.hasTenantKey(tenantId, doc.key_version) &&
      currentVersion !== null &&
      doc.key_version < currentVersion &&
      keyring.hasTenantKey(tenantId, currentVersion)
    ) {
      throw new StaleSecretCopyError(doc.id, doc.key_version, currentVersion);
    }
    const key = keyring.tenantKey(tenantId, doc.key_version);
    return decryptSecretValue(
      key,
      { tenantId, secretId: doc.id, keyVersion: doc.key_version },
      doc,
    );
  }
}
