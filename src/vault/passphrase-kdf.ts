/**
 * Turns a vault passphrase into an AES-256-GCM key that wraps the user's private key.
 *
 * PBKDF2-SHA256 through Web Crypto (native in every browser and Node, no wasm to ship,
 * and the derived key never leaves SubtleCrypto as bytes). The parameters travel with the
 * wrapped key, so the cost can be raised later: `kdfNeedsUpgrade` tells the vault to
 * re-wrap with `DEFAULT_KDF_ITERATIONS` at the next unlock.
 */
import { base64ToBytes, bytesToBase64, randomBytes, subtle, utf8 } from './encoding.ts';
import { MalformedVaultDataError, WeakPassphraseError } from './errors.ts';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256. */
export const MIN_KDF_ITERATIONS = 600_000;
export const DEFAULT_KDF_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 10;

export interface KdfParams {
  algorithm: 'PBKDF2-SHA256';
  iterations: number;
  /** base64, 16 random bytes. */
  salt: string;
}

export function newKdfParams(iterations = DEFAULT_KDF_ITERATIONS): KdfParams {
  return { algorithm: 'PBKDF2-SHA256', iterations, salt: bytesToBase64(randomBytes(16)) };
}

export function checkPassphraseStrength(passphrase: string): void {
  if ([...passphrase.trim()].length < MIN_PASSPHRASE_LENGTH) {
    throw new WeakPassphraseError(MIN_PASSPHRASE_LENGTH);
  }
}

export function parseKdfParams(value: unknown): KdfParams {
  const params = value as Partial<KdfParams> | null;
  if (
    !params ||
    params.algorithm !== 'PBKDF2-SHA256' ||
    typeof params.iterations !== 'number' ||
    !Number.isInteger(params.iterations) ||
    params.iterations < MIN_KDF_ITERATIONS ||
    typeof params.salt !== 'string'
  ) {
    // A stored iteration count below the floor would mean someone weakened the row.
    throw new MalformedVaultDataError('The stored vault passphrase parameters');
  }
  return { algorithm: params.algorithm, iterations: params.iterations, salt: params.salt };
}

export function kdfNeedsUpgrade(params: KdfParams): boolean {
  return params.iterations < DEFAULT_KDF_ITERATIONS;
}

export async function derivePassphraseKey(
  passphrase: string,
  params: KdfParams,
): Promise<CryptoKey> {
  const material = await subtle().importKey(
    'raw',
    utf8(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle().deriveKey(
    {
      name: 'PBKDF2',
      hash: 'SHA-256',
      iterations: params.iterations,
      salt: base64ToBytes(params.salt),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
