/**
 * The vault's hot paths on Web Crypto: unlocking (passphrase KDF + private key unwrap),
 * opening a tenant key shared with the user, and encrypting / decrypting secrets.
 * Baselines in the same run: the bare KDF for unlock, bare AES-GCM (no AAD, no encoding)
 * for throughput.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { median, type Bench, type BenchFigure } from './figures.ts';
import { migrate } from '../supabase/local/migrate.ts';
import { sqlClientFromPglite, type SqlClient } from '../supabase/local/sql-client.ts';
import { bytesToBase64, randomBytes } from '../src/vault/encoding.ts';
import {
  DEFAULT_KDF_ITERATIONS,
  derivePassphraseKey,
  newKdfParams,
} from '../src/vault/passphrase-kdf.ts';
import { decryptSecretValue, encryptSecretValue } from '../src/vault/secret-cipher.ts';
import {
  generateTenantKeyBytes,
  importTenantKey,
  unwrapTenantKey,
  wrapTenantKey,
} from '../src/vault/tenant-key-wrap.ts';
import { createUserKey, unlockUserKey } from '../src/vault/user-key-pair.ts';

const USER = '11111111-1111-4111-8111-111111111111';
const TENANT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const PASSPHRASE = 'bench passphrase with some words';

async function time(run: () => Promise<unknown>, repeats: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function throughput(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) await run(i);
    rates.push(count / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

/**
 * The server side of a rotation on PGlite: `vault_rotate` of `count` secrets in one
 * transaction as an admin (RLS, triggers, audit), against a plain UPDATE of the same rows.
 */
async function serverRotation(count: number): Promise<{ rotate: number; plainUpdate: number }> {
  const db = await PGlite.create();
  try {
    const sql = sqlClientFromPglite(db);
    await migrate(sql);
    const userId = randomUUID();
    await sql.query('insert into auth.users (id, email) values ($1, $2)', [
      userId,
      'bench@example.com',
    ]);
    const { rows } = await sql.query<{ tenant_id: string }>(
      'select tenant_id from public.tenant_members where user_id = $1',
      [userId],
    );
    const tenantId = rows[0]!.tenant_id;
    const ids = Array.from({ length: count }, () => randomUUID());
    await sql.query(
      `insert into public.secrets (id, tenant_id, name, ciphertext, iv, key_version)
       select id, $2, 'secret ' || n, 'AAAA', 'AAAAAAAAAAAAAAAA', 1 from unnest($1::uuid[]) with ordinality t(id, n)`,
      [ids, tenantId],
    );
    const asUser = async (run: (sql: SqlClient) => Promise<unknown>) => {
      await sql.exec('begin');
      await sql.exec('set local role authenticated');
      await sql.query("select set_config('request.jwt.claims', $1, true)", [
        JSON.stringify({ sub: userId, role: 'authenticated' }),
      ]);
      await run(sql);
      await sql.exec('commit');
    };
    const publicKey = bytesToBase64(randomBytes(65));
    await asUser((s) =>
      s.query('select public.vault_save_my_key($1, $2, $3, $4)', [
        publicKey,
        bytesToBase64(randomBytes(150)),
        bytesToBase64(randomBytes(12)),
        JSON.stringify(newKdfParams()),
      ]),
    );
    await asUser((s) => s.query('select public.vault_initialize($1, $2)', [tenantId, '{}']));
    const ciphertexts = ids.map(() => bytesToBase64(randomBytes(80)));
    const ivs = ids.map(() => bytesToBase64(randomBytes(12)));
    const batch = JSON.stringify(
      ids.map((id, i) => ({ id, ciphertext: ciphertexts[i], iv: ivs[i] })),
    );
    const grants = JSON.stringify([{ user_id: userId, public_key: publicKey, wrapped_key: '{}' }]);
    let version = 1;
    const rotate = median(
      await time(
        () =>
          asUser((s) =>
            s.query('select public.vault_rotate($1, $2, $3, $4)', [
              tenantId,
              version++,
              grants,
              batch,
            ]),
          ),
        3,
      ),
    );
    const plainUpdate = median(
      await time(
        () =>
          sql.query(
            `update public.secrets s set ciphertext = u.c, iv = u.iv
             from unnest($1::uuid[], $2::text[], $3::text[]) u(id, c, iv) where s.id = u.id`,
            [ids, ciphertexts, ivs],
          ),
        3,
      ),
    );
    return { rotate, plainUpdate };
  } finally {
    await db.close();
  }
}

export const bench: Bench = {
  id: 'vault',
  title: 'Secrets vault: unlock, key sharing and secret encryption (Web Crypto)',
  async run(): Promise<BenchFigure[]> {
    const { stored, unlocked } = await createUserKey(USER, PASSPHRASE);
    // Interleaved, so that load from other processes hits both figures alike.
    const kdfSamples: number[] = [];
    const unlockSamples: number[] = [];
    for (let i = 0; i < 7; i++) {
      kdfSamples.push(...(await time(() => derivePassphraseKey(PASSPHRASE, newKdfParams()), 1)));
      unlockSamples.push(...(await time(() => unlockUserKey(stored, PASSPHRASE), 1)));
    }
    const kdfOnly = median(kdfSamples);
    const unlock = median(unlockSamples);

    const raw = generateTenantKeyBytes();
    const context = { tenantId: TENANT, keyVersion: 1 };
    const me = { userId: USER, publicKey: stored.publicKey };
    const wrapped = await wrapTenantKey(raw, context, me);
    const openTenantKey = median(await time(() => unwrapTenantKey(wrapped, context, unlocked), 30));
    const wrapForMember = median(await time(() => wrapTenantKey(raw, context, me), 30));

    const key = await importTenantKey(raw);
    const value = 'sk-' + 'x'.repeat(61); // a typical API key, 64 characters
    const count = 2000;
    const ids = Array.from({ length: count }, () => crypto.randomUUID());
    const encrypted = await Promise.all(
      ids.map((secretId) => encryptSecretValue(key, { ...context, secretId }, value)),
    );
    const encryptRate = await throughput(count, (i) =>
      encryptSecretValue(key, { ...context, secretId: ids[i]! }, value),
    );
    const decryptRate = await throughput(count, (i) =>
      decryptSecretValue(key, { ...context, secretId: ids[i]! }, encrypted[i]!),
    );
    const plainBytes = new TextEncoder().encode(value);
    const iv = randomBytes(12);
    const bareRate = await throughput(count, () =>
      crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plainBytes),
    );

    // A rotation's client side: every secret decrypted and re-encrypted under a new key, and
    // the new key wrapped for each member (the server part is one transaction).
    const members = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
          'deriveBits',
        ]);
        const publicKey = bytesToBase64(
          new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)),
        );
        return { userId: `member-${i}`, publicKey };
      }),
    );
    const rotation = median(
      await time(async () => {
        const nextRaw = generateTenantKeyBytes();
        const next = await importTenantKey(nextRaw);
        for (const member of members)
          await wrapTenantKey(nextRaw, { tenantId: TENANT, keyVersion: 2 }, member);
        for (let i = 0; i < 1000; i++) {
          const value = await decryptSecretValue(
            key,
            { ...context, secretId: ids[i]! },
            encrypted[i]!,
          );
          await encryptSecretValue(
            next,
            { tenantId: TENANT, keyVersion: 2, secretId: ids[i]! },
            value,
          );
        }
      }, 3),
    );

    const server = await serverRotation(2000);

    return [
      {
        name: `unlock (PBKDF2-SHA256 ${DEFAULT_KDF_ITERATIONS.toLocaleString('en')} iterations + private key unwrap)`,
        value: unlock,
        unit: 'ms',
        baseline: { name: 'the passphrase KDF alone', value: kdfOnly },
        note: 'once per session; Argon2id (hash-wasm, 64 MiB, t=3) measured ~2x slower here',
      },
      {
        name: 'open a tenant key shared with me (ECDH P-256 + HKDF + AES-GCM)',
        value: openTenantKey,
        unit: 'ms',
      },
      { name: 'wrap the tenant key for one member', value: wrapForMember, unit: 'ms' },
      {
        name: 'encrypt secrets (AES-256-GCM, fresh IV, AAD, base64)',
        value: encryptRate,
        unit: 'secrets/s',
        baseline: { name: 'bare AES-GCM encrypt of the same bytes', value: bareRate },
      },
      {
        name: 'decrypt secrets (AES-256-GCM, AAD check, base64)',
        value: decryptRate,
        unit: 'secrets/s',
        baseline: { name: 'bare AES-GCM encrypt of the same bytes', value: bareRate },
      },
      {
        name: 'rotate the tenant key: re-encrypt 1,000 secrets and wrap for 10 members (client side)',
        value: rotation,
        unit: 'ms',
      },
      {
        name: 'rotate on the server: vault_rotate of 2,000 secrets in one transaction (PGlite)',
        value: server.rotate,
        unit: 'ms',
        baseline: { name: 'a plain UPDATE of the same 2,000 rows', value: server.plainUpdate },
      },
    ];
  },
};
