/**
 * A user's vault identity: an ECDH P-256 key pair. The public key is published so admins can
 * share tenant keys with the user; the private key is stored only wrapped (AES-256-GCM) by a
 * key derived from the user's vault passphrase, so any of their devices can unlock it and the
 * server cannot. Once unlocked, the private key is a non-extractable CryptoKey.
 */
import { base64ToBytes, bytesToBase64, randomBytes, subtle, utf8, wipe } from './encoding.ts';
import { MalformedVaultDataError, WrongPassphraseError } from './errors.ts';
import {
  derivePassphraseKey,
  newKdfParams,
  parseKdfParams,
  type KdfParams,
} from './passphrase-kdf.ts';

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** What the server stores for a user (table `vault_user_keys`). */
export interface StoredUserKey {
  userId: string;
  /** base64 of the raw uncompressed P-256 point (65 bytes). */
  publicKey: string;
  /** base64 AES-256-GCM ciphertext of the PKCS#8 private key. */
  wrappedPrivateKey: string;
  /** base64 96-bit IV of that ciphertext. */
  wrappedPrivateKeyIv: string;
  kdf: KdfParams;
}

export interface UnlockedUserKey {
  userId: string;
  publicKey: CryptoKey;
  publicKeyBase64: string;
  privateKey: CryptoKey;
}

/** Binds the wrapped private key to its owner and public key, so rows can't be swapped. */
function privateKeyAad(userId: string, publicKey: string): Uint8Array<ArrayBuffer> {
  return utf8(`flowkeep-user-key/v1\u0000${userId}\u0000${publicKey}`);
}

export async function importPublicKey(publicKeyBase64: string): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', base64ToBytes(publicKeyBase64), CURVE, true, []);
  } catch {
    throw new MalformedVaultDataError('A member’s public vault key');
  }
}

async function wrapPrivateKeyBytes(
  userId: string,
  publicKey: string,
  pkcs8: Uint8Array<ArrayBuffer>,
  passphrase: string,
  kdf: KdfParams,
): Promise<StoredUserKey> {
  const wrappingKey = await derivePassphraseKey(passphrase, kdf);
  const iv = randomBytes(12);
  const ciphertext = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: privateKeyAad(userId, publicKey) },
    wrappingKey,
    pkcs8,
  );
  return {
    userId,
    publicKey,
    wrappedPrivateKey: bytesToBase64(new Uint8Array(ciphertext)),
    wrappedPrivateKeyIv: bytesToBase64(iv),
    kdf,
  };
}

async function importPrivateKey(pkcs8: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return subtle().importKey('pkcs8', pkcs8, CURVE, false, ['deriveBits']);
}

/** A fresh key pair, wrapped with the passphrase and also returned unlocked. */
export async function createUserKey(
  userId: string,
  passphrase: string,
  kdf: KdfParams = newKdfParams(),
): Promise<{ stored: StoredUserKey; unlocked: UnlockedUserKey }> {
  // Extractable only for the moment it takes to export and wrap the private key.
  const pair = await subtle().generateKey(CURVE, true, ['deriveBits']);
  const publicKeyBase64 = bytesToBase64(
    new Uint8Array(await subtle().exportKey('raw', pair.publicKey)),
  );
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  try {
    const stored = await wrapPrivateKeyBytes(userId, publicKeyBase64, pkcs8, passphrase, kdf);
    const privateKey = await importPrivateKey(pkcs8);
    return {
      stored,
      unlocked: { userId, publicKey: pair.publicKey, publicKeyBase64, privateKey },
    };
  } finally {
    wipe(pkcs8);
  }
}

async function decryptPrivateKeyBytes(
  stored: StoredUserKey,
  passphrase: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const kdf = parseKdfParams(stored.kdf);
  const wrappingKey = await derivePassphraseKey(passphrase, kdf);
  try {
    return new Uint8Array(
      await subtle().decrypt(
        {
          name: 'AES-GCM',
          iv: base64ToBytes(stored.wrappedPrivateKeyIv),
          additionalData: privateKeyAad(stored.userId, stored.publicKey),
        },
        wrappingKey,
        base64ToBytes(stored.wrappedPrivateKey),
      ),
    );
  } catch (error) {
    // AES-GCM can't tell a wrong key from altered data; a wrong passphrase is by far the likelier.
    throw new WrongPassphraseError({ cause: error });
  }
}

/** Throws WrongPassphraseError if the passphrase doesn't open the stored private key. */
export async function unlockUserKey(
  stored: StoredUserKey,
  passphrase: string,
): Promise<UnlockedUserKey> {
  const pkcs8 = await decryptPrivateKeyBytes(stored, passphrase);
  try {
    const privateKey = await importPrivateKey(pkcs8);
    const publicKey = await importPublicKey(stored.publicKey);
    return { userId: stored.userId, publicKey, publicKeyBase64: stored.publicKey, privateKey };
  } finally {
    wipe(pkcs8);
  }
}

/**
 * Re-wraps the same key pair under a new passphrase (or new KDF parameters). Everything shared
 * with the user stays readable, since the key pair doesn't change.
 */
export async function rewrapUserKey(
  stored: StoredUserKey,
  oldPassphrase: string,
  newPassphrase: string,
  kdf: KdfParams = newKdfParams(),
): Promise<StoredUserKey> {
  const pkcs8 = await decryptPrivateKeyBytes(stored, oldPassphrase);
  try {
    return await wrapPrivateKeyBytes(stored.userId, stored.publicKey, pkcs8, newPassphrase, kdf);
  } finally {
    wipe(pkcs8);
  }
}
