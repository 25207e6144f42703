/**
 * The vault schema on real Postgres (PGlite and the PostgreSQL server): who sees which
 * wrapped key, who may set up, grant and rotate, and that every refusal changes nothing.
 * Key material here is random bytes of the right shape; the crypto itself is tested in
 * test/src/vault and end to end in vault-plaintext.test.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import type { SqlClient } from '../../supabase/local/sql-client.ts';

const b64 = (length: number) => randomBytes(length).toString('base64');
const fakePublicKey = () => b64(65);
const KDF = { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) };

async function saveKey(db: TestDatabase, userId: string, publicKey = fakePublicKey()) {
  const result = await db.as(userId, (sql) =>
    sql.query<{ r: { reset: boolean; dropped_keys: number } }>(
      'select public.vault_save_my_key($1, $2, $3, $4) as r',
      [publicKey, b64(150), b64(12), JSON.stringify(KDF)],
    ),
  );
  return { publicKey, result: result.rows[0]!.r };
}

async function personalTenant(db: TestDatabase, userId: string): Promise<string> {
  const { rows } = await db.sql.query<{ tenant_id: string }>(
    "select tenant_id from public.tenant_members where user_id = $1 and role = 'owner'",
    [userId],
  );
  return rows[0]!.tenant_id;
}

async function rowsAs<T>(db: TestDatabase, userId: string, query: string, params: unknown[] = []) {
  return db.as(userId, async (sql: SqlClient) => (await sql.query<T>(query, params)).rows);
}

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

async function snapshot(db: TestDatabase, tenantId: string) {
  const q = async (sql: string) => (await db.sql.query(sql, [tenantId])).rows;
  return {
    state: await q('select * from public.tenant_vault_state where tenant_id = $1'),
    keys: await q(
      'select user_id, key_version, wrapped_key from public.tenant_vault_keys where tenant_id = $1 order by 1, 2',
    ),
    secrets: await q(
      'select id, ciphertext, iv, key_version, _deleted from public.secrets where tenant_id = $1 order by id',
    ),
  };
}

describe.each(BACKENDS)('vault schema on %s', (backend) => {
  let db: TestDatabase;
  let alice: string; // owner of tenant
  let bob: string; // member
  let carol: string; // viewer
  let dave: string; // admin
  let eve: string; // outsider
  let tenant: string;
  let keys: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    alice = await db.createUser('alice@example.com');
    bob = await db.createUser('bob@example.com');
    carol = await db.createUser('carol@example.com');
    dave = await db.createUser('dave@example.com');
    eve = await db.createUser('eve@example.com');
    tenant = await personalTenant(db, alice);
    for (const [user, role] of [
      [bob, 'member'],
      [carol, 'viewer'],
      [dave, 'admin'],
    ] as const) {
      await db.sql.query(
        'insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, $3)',
        [tenant, user, role],
      );
    }
    keys = {};
    for (const user of [alice, bob, carol, dave, eve])
      keys[user] = (await saveKey(db, user)).publicKey;
  });

  afterAll(async () => {
    await db?.close();
  });

  it('shows a user only their own wrapped private key and refuses weak KDF parameters', async () => {
    const mine = await rowsAs<{ user_id: string }>(
      db,
      bob,
      'select user_id from public.vault_user_keys',
    );
    expect(mine.map((row) => row.user_id)).toEqual([bob]);
    const viaRpc = await rowsAs<{ k: { public_key: string } }>(
      db,
      bob,
      'select public.vault_get_my_key() as k',
    );
    expect(viaRpc[0]!.k.public_key).toBe(keys[bob]);
    const weak = await failureOf(
      db.as(bob, (sql) =>
        sql.query('select public.vault_save_my_key($1, $2, $3, $4)', [
          fakePublicKey(),
          b64(150),
          b64(12),
          JSON.stringify({ ...KDF, iterations: 1000 }),
        ]),
      ),
    );
    expect(weak.message).toMatch(/check constraint/);
    expect(
      (
        await rowsAs<{ k: { public_key: string } }>(
          db,
          bob,
          'select public.vault_get_my_key() as k',
        )
      )[0]!.k.public_key,
    ).toBe(keys[bob]);
    const direct = await failureOf(
      db.as(bob, (sql) =>
        sql.query('update public.vault_user_keys set kdf = kdf where user_id = $1', [bob]),
      ),
    );
    expect(direct.message).toMatch(/permission denied/);
  });

  it('lets only an admin set up a tenant vault, once', async () => {
    const byMember = await failureOf(
      db.as(bob, (sql) => sql.query('select public.vault_initialize($1, $2)', [tenant, '{"k":1}'])),
    );
    expect(byMember.message).toMatch(/Your role \(member\) cannot do this/);
    const opened = await rowsAs<{ r: { current_version: number | null } }>(
      db,
      alice,
      'select public.vault_open($1) as r',
      [tenant],
    );
    expect(opened[0]!.r.current_version).toBeNull();

    await db.as(alice, (sql) =>
      sql.query('select public.vault_initialize($1, $2)', [tenant, '{"for":"alice"}']),
    );
    const again = await failureOf(
      db.as(dave, (sql) =>
        sql.query('select public.vault_initialize($1, $2)', [tenant, '{"for":"dave"}']),
      ),
    );
    expect(again.message).toMatch(/already set up by someone else: nothing was changed/);
    const state = await snapshot(db, tenant);
    expect(state.state).toHaveLength(1);
    expect(state.keys).toEqual([
      { user_id: alice, key_version: 1, wrapped_key: '{"for":"alice"}' },
    ]);
  });

  it('lists members who may use secrets but lack the current key, for admins only', async () => {
    const pending = await rowsAs<{ user_id: string }>(
      db,
      alice,
      'select user_id from public.vault_pending_members($1) order by user_id',
      [tenant],
    );
    expect(pending.map((row) => row.user_id).sort()).toEqual([bob, dave].sort());
    expect(
      await rowsAs(db, bob, 'select * from public.vault_pending_members($1)', [tenant]),
    ).toEqual([]);
    const byViewer = await failureOf(
      db.as(carol, (sql) => sql.query('select * from public.vault_members($1)', [tenant])),
    );
    expect(byViewer.message).toMatch(/Your role \(viewer\)/);
  });

  it('stores grants for current members and skips a grant made for a replaced public key', async () => {
    const grant = await rowsAs<{ r: { granted: string[]; skipped: string[] } }>(
      db,
      alice,
      'select public.vault_grant_keys($1, 1, $2) as r',
      [
        tenant,
        JSON.stringify([
          { user_id: bob, public_key: keys[bob], wrapped_key: '{"for":"bob"}' },
          { user_id: dave, public_key: fakePublicKey(), wrapped_key: '{"for":"stale dave"}' },
          { user_id: carol, public_key: keys[carol], wrapped_key: '{"for":"viewer carol"}' },
          { user_id: eve, public_key: keys[eve], wrapped_key: '{"for":"outsider"}' },
        ]),
      ],
    );
    expect(grant[0]!.r).toEqual({ granted: [bob], skipped: [dave, carol, eve] });

    const wrongVersion = await failureOf(
      db.as(alice, (sql) =>
        sql.query('select public.vault_grant_keys($1, 7, $2)', [
          tenant,
          JSON.stringify([{ user_id: dave, public_key: keys[dave], wrapped_key: '{}' }]),
        ]),
      ),
    );
    expect(wrongVersion.message).toMatch(/moved to version 1 meanwhile .* nothing was changed/);
    const byMember = await failureOf(
      db.as(bob, (sql) => sql.query('select public.vault_grant_keys($1, 1, $2)', [tenant, '[]'])),
    );
    expect(byMember.message).toMatch(/Your role \(member\)/);

    await db.as(alice, (sql) =>
      sql.query('select public.vault_grant_keys($1, 1, $2)', [
        tenant,
        JSON.stringify([{ user_id: dave, public_key: keys[dave], wrapped_key: '{"for":"dave"}' }]),
      ]),
    );
    expect(
      await rowsAs(db, alice, 'select * from public.vault_pending_members($1)', [tenant]),
    ).toEqual([]);
  });

  it('shows wrapped keys to their owner and to admins, never to viewers or outsiders', async () => {
    const visible = async (user: string) =>
      (
        await rowsAs<{ user_id: string }>(
          db,
          user,
          'select user_id from public.tenant_vault_keys where tenant_id = $1',
          [tenant],
        )
      )
        .map((row) => row.user_id)
        .sort();
    expect(await visible(bob)).toEqual([bob]);
    expect(await visible(dave)).toEqual([alice, bob, dave].sort());
    expect(await visible(carol)).toEqual([]);
    expect(await visible(eve)).toEqual([]);
    const opened = await rowsAs<{ r: { keys: { wrapped_key: string }[] } }>(
      db,
      bob,
      'select public.vault_open($1) as r',
      [tenant],
    );
    expect(opened[0]!.r.keys).toEqual([{ key_version: 1, wrapped_key: '{"for":"bob"}' }]);
    const outsider = await failureOf(
      db.as(eve, (sql) => sql.query('select public.vault_open($1)', [tenant])),
    );
    expect(outsider.message).toMatch(/not a member/);
    expect(await rowsAs(db, eve, 'select * from public.tenant_vault_state')).toHaveLength(0);
    for (const table of [
      'vault_user_keys',
      'tenant_vault_state',
      'tenant_vault_keys',
      'secret_audit_log',
    ]) {
      const anon = await failureOf(
        db.as(null, (sql) => sql.query(`select * from public.${table}`)),
      );
      expect(anon.message).toMatch(/permission denied/);
    }
    const anonRpc = await failureOf(
      db.as(null, (sql) => sql.query('select public.vault_open($1)', [tenant])),
    );
    expect(anonRpc.message).toMatch(/permission denied/);
  });

  it('refuses a secret encrypted under another key version than the current one', async () => {
    const id = randomUUID();
    const insert = (version: number) =>
      db.as(alice, (sql) =>
        sql.query(
          'insert into public.secrets (id, tenant_id, name, ciphertext, iv, key_version) values ($1, $2, $3, $4, $5, $6)',
          [id, tenant, 'OpenAI', b64(40), b64(12), version],
        ),
      );
    const stale = await failureOf(insert(2));
    expect(stale.message).toMatch(
      /encrypted with vault key version 2, but .* version 1: it was not saved/,
    );
    await insert(1);
    const rows = await rowsAs<{ name: string }>(
      db,
      bob,
      'select name from public.secrets where id = $1',
      [id],
    );
    expect(rows).toEqual([{ name: 'OpenAI' }]);
  });

  it('rotates atomically: refuses a moved version or a missing secret, then re-encrypts everything', async () => {
    const secret2 = randomUUID();
    await db.as(alice, (sql) =>
      sql.query(
        'insert into public.secrets (id, tenant_id, name, ciphertext, iv, key_version) values ($1, $2, $3, $4, $5, 1)',
        [secret2, tenant, 'Slack', b64(40), b64(12)],
      ),
    );
    const before = await snapshot(db, tenant);
    const secretIds = before.secrets.map((row) => row.id as string);
    const grants = [alice, bob, dave].map((user) => ({
      user_id: user,
      public_key: keys[user],
      wrapped_key: `{"v2":"${user}"}`,
    }));
    const rotate = (user: string, from: number, secrets: string[], withGrants = grants) =>
      db.as(user, (sql) =>
        sql.query<{ r: { key_version: number } }>(
          'select public.vault_rotate($1, $2, $3, $4) as r',
          [
            tenant,
            from,
            JSON.stringify(withGrants),
            JSON.stringify(secrets.map((id) => ({ id, ciphertext: b64(40), iv: b64(12) }))),
          ],
        ),
      );

    expect((await failureOf(rotate(alice, 0, secretIds))).message).toMatch(
      /moved to version 1 meanwhile/,
    );
    expect((await failureOf(rotate(alice, 1, secretIds.slice(1)))).message).toMatch(
      /was not re-encrypted .* nothing was changed/,
    );
    expect((await failureOf(rotate(bob, 1, secretIds))).message).toMatch(/Your role \(member\)/);
    expect((await failureOf(rotate(alice, 1, secretIds, grants.slice(1)))).message).toMatch(
      /wrapped for yourself/,
    );
    expect(await snapshot(db, tenant)).toEqual(before);

    const result = await rotate(alice, 1, secretIds);
    expect(result.rows[0]!.r.key_version).toBe(2);
    const after = await snapshot(db, tenant);
    expect(after.state[0]).toMatchObject({
      current_version: 2,
      rotated_by: alice,
      rotation_needed_since: null,
    });
    expect(after.secrets.every((row) => row.key_version === 2)).toBe(true);
    for (const row of after.secrets) {
      expect(row.ciphertext).not.toBe(before.secrets.find((old) => old.id === row.id)!.ciphertext);
    }
    expect(after.keys.map((row) => [row.user_id, row.key_version])).toEqual(
      [alice, bob, dave].sort().map((user) => [user, 2]),
    );
    const audit = await rowsAs<{ action: string }>(
      db,
      alice,
      "select action from public.secret_audit_log where tenant_id = $1 and action = 'rekeyed'",
      [tenant],
    );
    expect(audit).toHaveLength(2);
  });

  it('drops the wrapped keys of a member who leaves or becomes a viewer, and asks for a rotation', async () => {
    await db.as(alice, (sql) =>
      sql.query('select public.set_member_role($1, $2, $3)', [tenant, dave, 'viewer']),
    );
    let state = await snapshot(db, tenant);
    expect(state.keys.map((row) => row.user_id).sort()).toEqual([alice, bob].sort());
    expect(state.state[0]!.rotation_needed_since).not.toBeNull();
    expect(await rowsAs(db, dave, 'select * from public.tenant_vault_keys')).toEqual([]);

    await db.as(alice, (sql) => sql.query('select public.remove_member($1, $2)', [tenant, bob]));
    state = await snapshot(db, tenant);
    expect(state.keys.map((row) => row.user_id)).toEqual([alice]);
    const removed = await failureOf(
      db.as(bob, (sql) => sql.query('select public.vault_open($1)', [tenant])),
    );
    expect(removed.message).toMatch(/not a member/);
    expect(
      await rowsAs(db, bob, 'select * from public.secrets where tenant_id = $1', [tenant]),
    ).toEqual([]);
  });

  it('resets a user’s key pair: their old wrapped keys go and they are pending again', async () => {
    await db.sql.query(
      'insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, $3)',
      [tenant, bob, 'member'],
    );
    await db.as(alice, (sql) =>
      sql.query('select public.vault_grant_keys($1, 2, $2)', [
        tenant,
        JSON.stringify([{ user_id: bob, public_key: keys[bob], wrapped_key: '{"again":"bob"}' }]),
      ]),
    );
    const same = await saveKey(db, bob, keys[bob]);
    expect(same.result).toEqual({ reset: false, dropped_keys: 0 });
    const fresh = await saveKey(db, bob);
    expect(fresh.result).toEqual({ reset: true, dropped_keys: 1 });
    keys[bob] = fresh.publicKey;
    const pending = await rowsAs<{ user_id: string; public_key: string }>(
      db,
      alice,
      'select user_id, public_key from public.vault_pending_members($1)',
      [tenant],
    );
    expect(pending).toEqual([{ user_id: bob, public_key: fresh.publicKey }]);
  });

  it('logs changes itself and uses on request; only admins read the log', async () => {
    const { rows } = await db.sql.query<{ id: string }>(
      "select id from public.secrets where tenant_id = $1 and name = 'Slack'",
      [tenant],
    );
    const slack = rows[0]!.id;
    const workflow = randomUUID();
    await db.as(bob, (sql) =>
      sql.query("select public.vault_record_secret_event($1, 'used', $2)", [slack, workflow]),
    );
    const byViewer = await failureOf(
      db.as(carol, (sql) =>
        sql.query("select public.vault_record_secret_event($1, 'used', null)", [slack]),
      ),
    );
    expect(byViewer.message).toMatch(/not found, or you may not use it/);
    const rotatedByMember = await failureOf(
      db.as(bob, (sql) =>
        sql.query("select public.vault_record_secret_event($1, 'rotated', null)", [slack]),
      ),
    );
    expect(rotatedByMember.message).toMatch(/Your role \(member\)/);
    await db.as(alice, (sql) =>
      sql.query('update public.secrets set _deleted = true where id = $1', [slack]),
    );

    const log = await rowsAs<{ action: string; actor_id: string; workflow_id: string | null }>(
      db,
      alice,
      'select action, actor_id, workflow_id from public.secret_audit_log where secret_id = $1 order by id',
      [slack],
    );
    expect(log).toEqual([
      { action: 'created', actor_id: alice, workflow_id: null },
      { action: 'rekeyed', actor_id: alice, workflow_id: null },
      { action: 'used', actor_id: bob, workflow_id: workflow },
      { action: 'deleted', actor_id: alice, workflow_id: null },
    ]);
    const usage = await db.sql.query<{ usage_count: number }>(
      'select usage_count from public.secrets where id = $1',
      [slack],
    );
    expect(usage.rows[0]!.usage_count).toBe(1);
    expect(await rowsAs(db, bob, 'select * from public.secret_audit_log')).toEqual([]);
    const history = await rowsAs<{ action: string; actor_email: string }>(
      db,
      alice,
      'select action, actor_email from public.vault_secret_history($1, 2)',
      [slack],
    );
    expect(history).toEqual([
      { action: 'deleted', actor_email: 'alice@example.com' },
      { action: 'used', actor_email: 'bob@example.com' },
    ]);
    expect(
      await rowsAs(db, bob, 'select * from public.vault_secret_history($1, 50)', [slack]),
    ).toEqual([]);
  });

  it('abandons a key only when nobody can share it any more, deleting the unreadable secrets', async () => {
    const refused = await failureOf(
      db.as(dave, (sql) => sql.query('select public.vault_abandon_key($1, 2, $2)', [tenant, '{}'])),
    );
    expect(refused.message).toMatch(/Your role \(viewer\)/);
    const stillHeld = await failureOf(
      db.as(alice, (sql) =>
        sql.query('select public.vault_abandon_key($1, 2, $2)', [tenant, '{}']),
      ),
    );
    expect(stillHeld.message).toMatch(/still holds the vault key/);

    // Alice forgets her passphrase too: nobody holds version 2 any more.
    keys[alice] = (await saveKey(db, alice)).publicKey;
    await db.as(alice, (sql) =>
      sql.query('select public.vault_abandon_key($1, 2, $2)', [tenant, '{"v3":"alice"}']),
    );
    const state = await snapshot(db, tenant);
    expect(state.state[0]!.current_version).toBe(3);
    expect(state.secrets.every((row) => row._deleted)).toBe(true);
    expect(state.keys).toEqual([{ user_id: alice, key_version: 3, wrapped_key: '{"v3":"alice"}' }]);
  });
});

describe('vault schema under concurrent writers (PostgreSQL server)', () => {
  let db: TestDatabase;
  let tenant: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const alice = await db.createUser('alice@example.com');
    tenant = await personalTenant(db, alice);
    await db.sql.query(
      'insert into public.tenant_vault_state (tenant_id, current_version) values ($1, 1)',
      [tenant],
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  it('makes a secret write wait for a rotation in progress, then refuses its stale key version', async () => {
    const rotation = new pg.Client({ connectionString: db.url! });
    const writer = new pg.Client({ connectionString: db.url! });
    await rotation.connect();
    await writer.connect();
    try {
      await rotation.query('begin');
      await rotation.query(
        'select * from public.tenant_vault_state where tenant_id = $1 for update',
        [tenant],
      );

      let settled = false;
      const write = writer
        .query(
          'insert into public.secrets (id, tenant_id, name, ciphertext, iv, key_version) values ($1, $2, $3, $4, $5, 1)',
          [randomUUID(), tenant, 'Written during a rotation', b64(40), b64(12)],
        )
        .finally(() => {
          settled = true;
        });
      // Take hold of the outcome now: the refusal may arrive before the commit's reply does.
      const refused = failureOf(write);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);

      await rotation.query(
        'update public.tenant_vault_state set current_version = 2 where tenant_id = $1',
        [tenant],
      );
      await rotation.query('commit');
      const failure = await refused;
      expect(failure.message).toMatch(
        /encrypted with vault key version 1, but .* version 2: it was not saved/,
      );
      expect(
        (await db.sql.query('select 1 from public.secrets where tenant_id = $1', [tenant])).rows,
      ).toEqual([]);
    } finally {
      await rotation.end();
      await writer.end();
    }
  });
});
