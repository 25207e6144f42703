/**
 * Encrypts and decrypts one secret value with its tenant's vault key: AES-256-GCM, a fresh
 * 96-bit IV every time, and additional data binding (tenant, secret id, key version), so a
 * ciphertext altered, copied to another row or tenant, or relabelled with another key
 * version fails to decrypt instead of yielding a wrong value.
 */
import { base64ToBytes, bytesToBase64, fromUtf8, randomBytes, subtle, utf8 } from './encoding.ts';
import { SecretTamperedError } from './errors.ts';

export interface SecretBinding {
  tenantId: string;
  secretId: string;
  keyVersion: number;
}

export interface EncryptedSecret {
  /** base64 */
  ciphertext: string;
  /** base64, 12 bytes */
  iv: string;
}

function secretAad(binding: SecretBinding): Uint8Array<ArrayBuffer> {
  return utf8(
    `flowkeep-secret/v1\u0000${binding.tenantId}\u0000${binding.secretId}\u0000${binding.keyVersion}`,
  );
}

export async function encryptSecretValue(
  key: CryptoKey,
  binding: SecretBinding,
  plaintext: string,
): Promise<EncryptedSecret> {
  const iv = randomBytes(12);
  const ciphertext = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: secretAad(binding) },
    key,
    utf8(plaintext),
  );
  return { ciphertext: bytesToBase64(new Uint8Array(ciphertext)), iv: bytesToBase64(iv) };
}

export async function decryptSecretValue(
  key: CryptoKey,
  binding: SecretBinding,
  encrypted: EncryptedSecret,
): Promise<string> {
  try {
    const iv = base64ToBytes(encrypted.iv);
    if (iv.length !== 12) throw new Error('IV must be 96 bits');
    const plaintext = await subtle().decrypt(
      { name: 'AES-GCM', iv, additionalData: secretAad(binding) },
      key,
      base64ToBytes(encrypted.ciphertext),
    );
    return fromUtf8(plaintext);
  } catch (error) {
    throw new SecretTamperedError(binding.secretId, { cause: error });
  }
}
