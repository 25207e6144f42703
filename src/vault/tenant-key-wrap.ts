/**
 * A tenant's vault key: 32 random bytes used as an AES-256-GCM key, with a version number.
 * It is shared with each member by wrapping it for their public key: ECDH between a fresh
 * ephemeral key pair and the member's public key, HKDF-SHA256 to an AES-256-GCM key, and
 * AES-GCM with additional data binding (tenant, version, recipient), so a wrapped key copied
 * to another member, tenant or version fails to open.
 */
import { base64ToBytes, bytesToBase64, randomBytes, subtle, utf8, wipe } from './encoding.ts';
import { MalformedVaultDataError, WrappedKeyInvalidError } from './errors.ts';
import { importPublicKey } from './user-key-pair.ts';

const CURVE = { name: 'ECDH', namedCurve: 'P-256' } as const;
const WRAP_ALGORITHM = 'ECDH-P256+HKDF-SHA256+A256GCM';

/** Serialized as JSON text in `tenant_vault_keys.wrapped_key`. */
export interface WrappedTenantKey {
  v: 1;
  alg: typeof WRAP_ALGORITHM;
  /** base64 raw ephemeral public key. */
  epk: string;
  salt: string;
  iv: string;
  ct: string;
}

export interface TenantKeyContext {
  tenantId: string;
  keyVersion: number;
}

export interface Recipient {
  userId: string;
  /** base64 raw P-256 public key. */
  publicKey: string;
}

/** Raw bytes of a new tenant key. Callers wipe them once wrapped and imported. */
export function generateTenantKeyBytes(): Uint8Array<ArrayBuffer> {
  return randomBytes(32);
}

/** The in-memory form: non-extractable, usable only to encrypt and decrypt secrets. */
export function importTenantKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return subtle().importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

function bindingLabel(context: TenantKeyContext, recipient: Recipient): Uint8Array<ArrayBuffer> {
  return utf8(
    `flowkeep-tenant-key/v1\u0000${context.tenantId}\u0000${context.keyVersion}\u0000${recipient.userId}\u0000${recipient.publicKey}`,
  );
}

async function kekFromSharedSecret(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  salt: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  usage: 'encrypt' | 'decrypt',
): Promise<CryptoKey> {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const hkdfKey = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info },
    hkdfKey,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

export async function wrapTenantKey(
  raw: Uint8Array<ArrayBuffer>,
  context: TenantKeyContext,
  recipient: Recipient,
): Promise<string> {
  const recipientKey = await importPublicKey(recipient.publicKey);
  const ephemeral = await subtle().generateKey(CURVE, true, ['deriveBits']);
  const label = bindingLabel(context, recipient);
  const salt = randomBytes(16);
  const kek = await kekFromSharedSecret(ephemeral.privateKey, recipientKey, salt, label, 'encrypt');
  const iv = randomBytes(12);
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: label }, kek, raw);
  const wrapped: WrappedTenantKey = {
    v: 1,
    alg: WRAP_ALGORITHM,
    epk: bytesToBase64(new Uint8Array(await subtle().exportKey('raw', ephemeral.publicKey))),
    salt: bytesToBase64(salt),
    iv: bytesToBase64(iv),
    ct: bytesToBase64(new Uint8Array(ct)),
  };
  return JSON.stringify(wrapped);
}

function parseWrapped(text: string): WrappedTenantKey {
  let value: Partial<WrappedTenantKey>;
  try {
    value = JSON.parse(text) as Partial<WrappedTenantKey>;
  } catch {
    throw new MalformedVaultDataError('A shared vault key');
  }
  if (
    value.v !== 1 ||
    value.alg !== WRAP_ALGORITHM ||
    typeof value.epk !== 'string' ||
    typeof value.salt !== 'string' ||
    typeof value.iv !== 'string' ||
    typeof value.ct !== 'string'
  ) {
    throw new MalformedVaultDataError('A shared vault key');
  }
  return value as WrappedTenantKey;
}

/**
 * Opens a tenant key wrapped for `me`, returning its raw bytes (for re-wrapping to others).
 * Callers wipe them when done; use `unwrapTenantKey` when only the CryptoKey is needed.
 */
export async function unwrapTenantKeyBytes(
  wrappedText: string,
  context: TenantKeyContext,
  me: { userId: string; publicKeyBase64: string; privateKey: CryptoKey },
): Promise<Uint8Array<ArrayBuffer>> {
  const wrapped = parseWrapped(wrappedText);
  const label = bindingLabel(context, { userId: me.userId, publicKey: me.publicKeyBase64 });
  try {
    const epk = await importPublicKey(wrapped.epk);
    const kek = await kekFromSharedSecret(
      me.privateKey,
      epk,
      base64ToBytes(wrapped.salt),
      label,
      'decrypt',
    );
    const raw = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: base64ToBytes(wrapped.iv), additionalData: label },
        kek,
        base64ToBytes(wrapped.ct),
      ),
    );
    if (raw.length !== 32) throw new Error('tenant key is not 32 bytes');
    return raw;
  } catch (error) {
    throw new WrappedKeyInvalidError(context.tenantId, context.keyVersion, { cause: error });
  }
}

export async function unwrapTenantKey(
  wrappedText: string,
  context: TenantKeyContext,
  me: { userId: string; publicKeyBase64: string; privateKey: CryptoKey },
): Promise<CryptoKey> {
  const raw = await unwrapTenantKeyBytes(wrappedText, context, me);
  try {
    return await importTenantKey(raw);
  } finally {
    wipe(raw);
  }
}
