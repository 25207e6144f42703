/**
 * The client's half of a tenant key rotation: a new key, wrapped for everyone who may still
 * use secrets, and every live secret re-encrypted under it. The server applies all of it in
 * one transaction (tenant-keys.ts sends it); nothing here writes anything.
 */
import { wipe } from './encoding.ts';
import { SecretTamperedError, VaultNotAllowedError, VaultVersionConflictError } from './errors.ts';
import { decryptSecretValue, encryptSecretValue } from './secret-cipher.ts';
import { generateTenantKeyBytes, importTenantKey, wrapTenantKey } from './tenant-key-wrap.ts';
import type { KeyGrant, ReencryptedSecret, VaultMember, VaultServerPort } from './vault-ports.ts';

export type KeyRecipient = VaultMember & { publicKey: string };
type ServerSecret = Awaited<ReturnType<VaultServerPort['listServerSecrets']>>[number];

export interface RotationInput {
  tenantId: string;
  fromVersion: number;
  oldKey: CryptoKey;
  recipients: readonly KeyRecipient[];
  serverSecrets: readonly ServerSecret[];
}

export interface PreparedRotation {
  newKey: CryptoKey;
  grants: KeyGrant[];
  reencrypted: ReencryptedSecret[];
}

export async function prepareRotation(input: RotationInput): Promise<PreparedRotation> {
  const { tenantId, fromVersion, oldKey } = input;
  const newVersion = fromVersion + 1;
  const raw = generateTenantKeyBytes();
  let newKey: CryptoKey;
  const grants: KeyGrant[] = [];
  try {
    newKey = await importTenantKey(raw);
    for (const member of input.recipients) {
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
  for (const row of input.serverSecrets) {
    // Every live secret is under the current version (the server enforces it), so another
    // version here means another admin rotated between our reads.
    if (row.key_version !== fromVersion) {
      throw new VaultVersionConflictError(fromVersion, row.key_version);
    }
    let value: string;
    try {
      value = await decryptSecretValue(
        oldKey,
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
  return { newKey, grants, reencrypted };
}
