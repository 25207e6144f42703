import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../src/vault/encoding.ts';
import {
  MalformedVaultDataError,
  SecretTamperedError,
  WrappedKeyInvalidError,
  WrongPassphraseError,
} from '../../../src/vault/errors.ts';
import { parseKdfParams, MIN_KDF_ITERATIONS } from '../../../src/vault/passphrase-kdf.ts';
import { decryptSecretValue, encryptSecretValue } from '../../../src/vault/secret-cipher.ts';
import {
  generateTenantKeyBytes,
  importTenantKey,
  unwrapTenantKey,
  unwrapTenantKeyBytes,
  wrapTenantKey,
} from '../../../src/vault/tenant-key-wrap.ts';
import { createUserKey, rewrapUserKey, unlockUserKey } from '../../../src/vault/user-key-pair.ts';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const TENANT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const OTHER_TENANT = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const SECRET = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const OTHER_SECRET = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

describe('user key pair', () => {
  it('unlocks with the right passphrase into a non-extractable private key', async () => {
    const { stored } = await createUserKey(ALICE, 'correct horse battery');
    expect(stored.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(base64ToBytes(stored.publicKey)).toHaveLength(65);
    const unlocked = await unlockUserKey(stored, 'correct horse battery');
    expect(unlocked.privateKey.extractable).toBe(false);
    expect(unlocked.publicKeyBase64).toBe(stored.publicKey);
  });

  it('refuses a wrong passphrase with a clear error', async () => {
    const { stored } = await createUserKey(ALICE, 'correct horse battery');
    const failure = unlockUserKey(stored, 'correct horse batterY');
    await expect(failure).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(unlockUserKey(stored, 'nope nope nope')).rejects.toThrow(
      'Wrong vault passphrase: nothing was changed',
    );
  });

  it('refuses a wrapped private key moved to another user', async () => {
    const { stored } = await createUserKey(ALICE, 'correct horse battery');
    await expect(
      unlockUserKey({ ...stored, userId: BOB }, 'correct horse battery'),
    ).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('refuses KDF parameters weakened below the floor', () => {
    expect(() =>
      parseKdfParams({
        algorithm: 'PBKDF2-SHA256',
        iterations: MIN_KDF_ITERATIONS - 1,
        salt: 'AAAA',
      }),
    ).toThrow(MalformedVaultDataError);
  });

  it('changes the passphrase while keeping the same key pair', async () => {
    const { stored } = await createUserKey(ALICE, 'first passphrase');
    const rewrapped = await rewrapUserKey(stored, 'first passphrase', 'second passphrase');
    expect(rewrapped.publicKey).toBe(stored.publicKey);
    await expect(unlockUserKey(rewrapped, 'first passphrase')).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
    const unlocked = await unlockUserKey(rewrapped, 'second passphrase');
    expect(unlocked.publicKeyBase64).toBe(stored.publicKey);
  });
});

describe('tenant key sharing', () => {
  it('a key wrapped for Bob opens on Bob’s unlocked key pair and encrypts for Alice', async () => {
    const alice = await createUserKey(ALICE, 'alice passphrase');
    const bob = await createUserKey(BOB, 'bob passphrase');
    const raw = generateTenantKeyBytes();
    const context = { tenantId: TENANT, keyVersion: 1 };
    const forAlice = await wrapTenantKey(raw, context, {
      userId: ALICE,
      publicKey: alice.stored.publicKey,
    });
    const forBob = await wrapTenantKey(raw, context, {
      userId: BOB,
      publicKey: bob.stored.publicKey,
    });
    expect(forBob).not.toContain(bytesToBase64(raw));

    const aliceKey = await unwrapTenantKey(forAlice, context, alice.unlocked);
    const bobUnlocked = await unlockUserKey(bob.stored, 'bob passphrase');
    const bobKey = await unwrapTenantKey(forBob, context, bobUnlocked);
    expect(bobKey.extractable).toBe(false);

    const binding = { tenantId: TENANT, secretId: SECRET, keyVersion: 1 };
    const encrypted = await encryptSecretValue(aliceKey, binding, 'sk-live-123');
    expect(await decryptSecretValue(bobKey, binding, encrypted)).toBe('sk-live-123');
  });

  it('refuses a wrapped key opened by someone else, or relabelled to another tenant or version', async () => {
    const alice = await createUserKey(ALICE, 'alice passphrase');
    const bob = await createUserKey(BOB, 'bob passphrase');
    const raw = generateTenantKeyBytes();
    const forBob = await wrapTenantKey(
      raw,
      { tenantId: TENANT, keyVersion: 1 },
      {
        userId: BOB,
        publicKey: bob.stored.publicKey,
      },
    );
    await expect(
      unwrapTenantKey(forBob, { tenantId: TENANT, keyVersion: 1 }, alice.unlocked),
    ).rejects.toBeInstanceOf(WrappedKeyInvalidError);
    await expect(
      unwrapTenantKeyBytes(forBob, { tenantId: OTHER_TENANT, keyVersion: 1 }, bob.unlocked),
    ).rejects.toBeInstanceOf(WrappedKeyInvalidError);
    await expect(
      unwrapTenantKeyBytes(forBob, { tenantId: TENANT, keyVersion: 2 }, bob.unlocked),
    ).rejects.toBeInstanceOf(WrappedKeyInvalidError);
    await expect(
      unwrapTenantKey('{"v":1}', { tenantId: TENANT, keyVersion: 1 }, bob.unlocked),
    ).rejects.toBeInstanceOf(MalformedVaultDataError);
  });
});

describe('secret cipher', () => {
  const binding = { tenantId: TENANT, secretId: SECRET, keyVersion: 3 };

  it('uses a fresh IV each time, so equal values give different ciphertexts', async () => {
    const key = await importTenantKey(generateTenantKeyBytes());
    const first = await encryptSecretValue(key, binding, 'same value');
    const second = await encryptSecretValue(key, binding, 'same value');
    expect(base64ToBytes(first.iv)).toHaveLength(12);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(await decryptSecretValue(key, binding, second)).toBe('same value');
  });

  it('refuses tampered ciphertext, and ciphertext moved to another row, tenant or key version', async () => {
    const key = await importTenantKey(generateTenantKeyBytes());
    const encrypted = await encryptSecretValue(key, binding, 'xoxb-slack-token');
    const bytes = base64ToBytes(encrypted.ciphertext);
    bytes[0] = bytes[0]! ^ 1;
    const tampered = { ...encrypted, ciphertext: bytesToBase64(bytes) };
    await expect(decryptSecretValue(key, binding, tampered)).rejects.toThrow(
      /This secret was tampered with or moved from another row/,
    );
    for (const moved of [
      { ...binding, secretId: OTHER_SECRET },
      { ...binding, tenantId: OTHER_TENANT },
      { ...binding, keyVersion: 4 },
    ]) {
      await expect(decryptSecretValue(key, moved, encrypted)).rejects.toBeInstanceOf(
        SecretTamperedError,
      );
    }
    await expect(
      decryptSecretValue(key, binding, { ...encrypted, iv: 'AAAA' }),
    ).rejects.toBeInstanceOf(SecretTamperedError);
  });

  it('refuses a ciphertext under another tenant key', async () => {
    const key = await importTenantKey(generateTenantKeyBytes());
    const otherKey = await importTenantKey(generateTenantKeyBytes());
    const encrypted = await encryptSecretValue(key, binding, 'value');
    await expect(decryptSecretValue(otherKey, binding, encrypted)).rejects.toBeInstanceOf(
      SecretTamperedError,
    );
  });

  it('round-trips non-ASCII and long values', async () => {
    const key = await importTenantKey(generateTenantKeyBytes());
    const value = 'clé-🔑-'.repeat(20_000);
    expect(
      await decryptSecretValue(key, binding, await encryptSecretValue(key, binding, value)),
    ).toBe(value);
  });
});
