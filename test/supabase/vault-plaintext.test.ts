/**
 * The vault end to end on real Postgres, one device per user: secrets shared between
 * members, rotated when someone leaves, refused when tampered with or moved, and never
 * anywhere in the database as plaintext (a scan of every row of every table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SecretTamperedError,
  StaleSecretCopyError,
  VaultKeyMissingError,
  VaultVersionConflictError,
  WrongPassphraseError,
} from '../../src/vault/errors.ts';
import { createRpcVaultServer } from '../../src/vault/rpc-vault-server.ts';
import { decryptSecretValue } from '../../src/vault/secret-cipher.ts';
import { unwrapTenantKey } from '../../src/vault/tenant-key-wrap.ts';
import { unlockUserKey } from '../../src/vault/user-key-pair.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import {
  catchUp,
  createDevice,
  dumpDatabase,
  leakForms,
  sqlRpcClient,
  type Device,
} from '../src/vault/devices.ts';

const PASSPHRASES = {
  alice: 'alice-passphrase-tuna-rivet-Q7',
  bob: 'bob-passphrase-violin-cloud-X2',
  carol: 'carol-passphrase-lemon-orbit-K9',
};
const VALUES = {
  openaiFirst: 'sk-PLAINTEXT-openai-first-4f9a1c',
  openaiEdited: 'sk-PLAINTEXT-openai-edited-77d2e0',
  slack: 'xoxb-PLAINTEXT-slack-b81c55',
  github: 'ghp_PLAINTEXT_github_0c3d9e',
};

interface ServerRow {
  id: string;
  tenant_id: string;
  ciphertext: string;
  iv: string;
  key_version: number;
}

async function tableSnapshot(db: TestDatabase) {
  const q = async (sql: string) => (await db.sql.query(sql)).rows;
  return {
    secrets: await q('select * from public.secrets order by id'),
    keys: await q(
      'select * from public.tenant_vault_keys order by tenant_id, user_id, key_version',
    ),
    state: await q('select * from public.tenant_vault_state order by tenant_id'),
    userKeys: await q('select * from public.vault_user_keys order by user_id'),
  };
}

/**
 * Holds each device's call of `fn` until every device has made it, then lets all through
 * together (or after 10 s, so a device that never gets there fails the test, not hangs it).
 * Returns a function that restores the clients.
 */
function holdUntilAllArrive(fn: string, devices: Device[]): () => void {
  let arrived = 0;
  let releaseAll!: () => void;
  const everyone = new Promise<void>((resolve) => {
    releaseAll = resolve;
    setTimeout(resolve, 10_000).unref();
  });
  const originals = devices.map((device) => device.client.rpc);
  devices.forEach((device, index) => {
    const original = originals[index]!;
    device.client.rpc = async (name, args) => {
      if (name === fn) {
        if (++arrived === devices.length) releaseAll();
        await everyone;
      }
      return original(name, args);
    };
  });
  return () => devices.forEach((device, index) => (device.client.rpc = originals[index]!));
}

describe.each(BACKENDS)('vault end to end on %s', (backend) => {
  let db: TestDatabase;
  let tenant: string;
  const ids: Record<string, string> = {};
  let alice: Device;
  let bob: Device;
  let carol: Device;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    ids.alice = await db.createUser('alice@example.com');
    ids.bob = await db.createUser('bob@example.com');
    ids.carol = await db.createUser('carol@example.com');
    const { rows } = await db.sql.query<{ tenant_id: string }>(
      "select tenant_id from public.tenant_members where user_id = $1 and role = 'owner'",
      [ids.alice],
    );
    tenant = rows[0]!.tenant_id;
    await db.sql.query(
      "insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, 'member'), ($1, $3, 'member')",
      [tenant, ids.bob, ids.carol],
    );
    alice = createDevice(ids.alice!, sqlRpcClient(db, ids.alice!));
    bob = createDevice(ids.bob!, sqlRpcClient(db, ids.bob!));
    carol = createDevice(ids.carol!, sqlRpcClient(db, ids.carol!));
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  it('sets up, shares with members with no manual step, and a second device decrypts', async () => {
    expect(await alice.vault.status()).toBe('not_set_up');
    await alice.vault.setUp(PASSPHRASES.alice);
    const opened = await alice.vault.openTenant(tenant);
    expect(opened).toMatchObject({ access: 'ready', currentVersion: 1, initialized: true });

    await bob.vault.setUp(PASSPHRASES.bob);
    expect((await bob.vault.openTenant(tenant)).access).toBe('waiting_for_key');
    await carol.vault.setUp(PASSPHRASES.carol);

    // Alice's client comes back online: it shares the key with whoever lacks it.
    expect((await alice.vault.openTenant(tenant)).grantedTo.sort()).toEqual(
      [ids.bob, ids.carol].sort(),
    );
    expect((await bob.vault.openTenant(tenant)).access).toBe('ready');
    expect((await carol.vault.openTenant(tenant)).access).toBe('ready');

    const openai = await alice.vault.createSecret(tenant, {
      name: 'OpenAI',
      value: VALUES.openaiFirst,
      provider: 'openai',
    });
    ids.openai = openai.id;
    await alice.vault.updateSecret(openai.id, {
      value: VALUES.openaiEdited,
      description: 'team key',
    });
    ids.slack = (await alice.vault.createSecret(tenant, { name: 'Slack', value: VALUES.slack })).id;

    // Bob's device: a different session, a fresh unlock, the secret pulled through sync.
    const bobLaptop = createDevice(ids.bob!, sqlRpcClient(db, ids.bob!));
    await bobLaptop.vault.unlock(PASSPHRASES.bob);
    expect((await bobLaptop.vault.openTenant(tenant)).access).toBe('ready');
    await catchUp(db, bobLaptop, ids.openai!);
    expect(
      await bobLaptop.vault.readSecret(ids.openai!, { purpose: 'use', workflowId: null }),
    ).toBe(VALUES.openaiEdited);
    await catchUp(db, carol, ids.slack!);
    await catchUp(db, carol, ids.openai!);
    expect(await carol.vault.readSecret(ids.slack!)).toBe(VALUES.slack);
  });

  it('refuses a member’s attempt to write secrets before anything is saved', async () => {
    await expect(bob.vault.createSecret(tenant, { name: 'Mine', value: 'x' })).rejects.toThrow(
      /Only admins add secrets: your role is member. Nothing was changed/,
    );
  });

  it('refuses a wrong passphrase and changes nothing', async () => {
    const before = await tableSnapshot(db);
    const bobPhone = createDevice(ids.bob!, sqlRpcClient(db, ids.bob!));
    await expect(bobPhone.vault.unlock('bob-passphrase-violin-cloud-X3')).rejects.toBeInstanceOf(
      WrongPassphraseError,
    );
    await expect(
      bobPhone.vault.changePassphrase('not it at all!!', 'a new passphrase here'),
    ).rejects.toThrow('Wrong vault passphrase: nothing was changed');
    expect(bobPhone.vault.isUnlocked).toBe(false);
    expect(await tableSnapshot(db)).toEqual(before);
  });

  it('refuses tampered ciphertext and ciphertext moved to another row, changing nothing', async () => {
    const original = await db.sql.query<{ ciphertext: string; iv: string }>(
      'select ciphertext, iv from public.secrets where id = $1',
      [ids.openai],
    );
    const { ciphertext, iv } = original.rows[0]!;
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[3] = flipped[3]! ^ 0x40;
    await db.sql.query('update public.secrets set ciphertext = $2 where id = $1', [
      ids.openai,
      flipped.toString('base64'),
    ]);
    await catchUp(db, bob, ids.openai!);
    const tampered = await tableSnapshot(db);
    await expect(bob.vault.readSecret(ids.openai!)).rejects.toBeInstanceOf(SecretTamperedError);

    // The Slack row's ciphertext copied into the OpenAI row: valid ciphertext, wrong row.
    await db.sql.query(
      'update public.secrets o set ciphertext = s.ciphertext, iv = s.iv from public.secrets s where o.id = $1 and s.id = $2',
      [ids.openai, ids.slack],
    );
    await catchUp(db, bob, ids.openai!);
    await expect(bob.vault.readSecret(ids.openai!)).rejects.toThrow(
      /This secret was tampered with or moved from another row/,
    );
    // A refused read logs nothing and writes nothing.
    const after = await tableSnapshot(db);
    expect(after.keys).toEqual(tampered.keys);
    expect(after.state).toEqual(tampered.state);

    await db.sql.query('update public.secrets set ciphertext = $2, iv = $3 where id = $1', [
      ids.openai,
      ciphertext,
      iv,
    ]);
    await catchUp(db, bob, ids.openai!);
    expect(await bob.vault.readSecret(ids.openai!)).toBe(VALUES.openaiEdited);
  });

  it('after removing a member and rotating, their device can no longer decrypt any current secret', async () => {
    const carolOld = [...carol.store.docs.values()].map((doc) => ({ ...doc }));
    expect(carolOld.length).toBeGreaterThan(0);
    // What Carol could have kept while she was a member: her wrapped copy of key version 1.
    const carolKept = (await carol.client.rpc('vault_open', { p_tenant_id: tenant })) as {
      keys: { key_version: number; wrapped_key: string }[];
    };
    expect(carolKept.keys.map((k) => k.key_version)).toEqual([1]);
    await alice.client.rpc('remove_member', { p_tenant_id: tenant, p_user_id: ids.carol });

    // The first admin client online rotates: new version, secrets re-encrypted, key re-shared.
    const status = await alice.vault.openTenant(tenant);
    expect(status.rotatedTo).toBe(2);
    const { rows } = await db.sql.query<ServerRow>(
      'select id, tenant_id, ciphertext, iv, key_version from public.secrets where tenant_id = $1 and not _deleted',
      [tenant],
    );
    expect(rows.length).toBe(2);
    expect(rows.every((row) => row.key_version === 2)).toBe(true);
    for (const row of rows) {
      expect(row.ciphertext).not.toBe(carolOld.find((doc) => doc.id === row.id)?.ciphertext);
    }

    // Suppose the current rows leak to Carol. Her device's session (still unlocked) has no
    // version 2, and the server no longer gives her anything. Nothing she tries changes a row.
    const beforeCarol = await tableSnapshot(db);
    for (const row of rows) {
      await expect(carol.vault.decryptDoc(row)).rejects.toBeInstanceOf(VaultKeyMissingError);
    }
    expect((await carol.vault.openTenant(tenant)).access).toBe('no_access');
    await expect(carol.client.rpc('vault_open', { p_tenant_id: tenant })).rejects.toThrow(
      /not a member/,
    );
    // Her old key itself, unwrapped by hand, opens none of them, labelled either way.
    const carolKey = await unlockUserKey(
      (await createRpcVaultServer(carol.client).getMyKey())!,
      PASSPHRASES.carol,
    );
    const oldKey = await unwrapTenantKey(
      carolKept.keys[0]!.wrapped_key,
      { tenantId: tenant, keyVersion: 1 },
      carolKey,
    );
    for (const row of rows) {
      for (const keyVersion of [1, 2]) {
        await expect(
          decryptSecretValue(oldKey, { tenantId: tenant, secretId: row.id, keyVersion }, row),
        ).rejects.toBeInstanceOf(SecretTamperedError);
      }
    }
    await expect(
      carol.store.save({ ...carolOld[0]!, ciphertext: carolOld[0]!.ciphertext + 'AA' }),
    ).rejects.toThrow(/Rejected by the server/);
    expect(await tableSnapshot(db)).toEqual(beforeCarol);
    // And her wrapped copy is gone from the server.
    expect(
      (await db.sql.query('select 1 from public.tenant_vault_keys where user_id = $1', [ids.carol]))
        .rows,
    ).toEqual([]);

    // A new session of Bob's holding a copy from before the rotation: told to wait for sync.
    const bobTablet = createDevice(ids.bob!, sqlRpcClient(db, ids.bob!));
    await bobTablet.vault.unlock(PASSPHRASES.bob);
    await bobTablet.vault.openTenant(tenant);
    await expect(bobTablet.vault.decryptDoc(carolOld[0]!)).rejects.toThrow(StaleSecretCopyError);
    await expect(bobTablet.vault.decryptDoc(carolOld[0]!)).rejects.toThrow(/wait for sync/);

    // Bob, who stays, reads the rotated secrets on his existing session.
    await catchUp(db, bob, ids.openai!);
    await catchUp(db, bob, ids.slack!);
    expect(await bob.vault.readSecret(ids.openai!)).toBe(VALUES.openaiEdited);
    expect(await bob.vault.readSecret(ids.slack!)).toBe(VALUES.slack);
  });

  it('refuses a write encrypted under a key that was rotated away, changing nothing', async () => {
    // A device that missed the rotation: its session still has only version 2 for Alice, so
    // fake the stale state with a version-1 label on a new row written through sync.
    await catchUp(db, alice, ids.slack!);
    const stale = { ...(await alice.store.get(ids.slack!))! };
    const before = await tableSnapshot(db);
    await expect(
      alice.store.save({ ...stale, key_version: 1, ciphertext: stale.ciphertext + 'AA' }),
    ).rejects.toThrow(/encrypted with vault key version 1, but .* version 2: it was not saved/);
    expect(await tableSnapshot(db)).toEqual(before);
  });

  it('re-grants after a forgotten-passphrase reset, and says what would be lost', async () => {
    const consequences = await bob.vault.describeReset([tenant]);
    expect(consequences).toEqual([{ tenantId: tenant, recoverable: true, liveSecrets: 2 }]);
    await bob.vault.resetForgottenPassphrase('bob-new-passphrase-after-reset');
    expect((await bob.vault.openTenant(tenant)).access).toBe('waiting_for_key');
    expect((await alice.vault.openTenant(tenant)).grantedTo).toEqual([ids.bob]);
    expect((await bob.vault.openTenant(tenant)).access).toBe('ready');
    expect(await bob.vault.readSecret(ids.slack!)).toBe(VALUES.slack);
    await expect(
      createDevice(ids.bob!, sqlRpcClient(db, ids.bob!)).vault.unlock(PASSPHRASES.bob),
    ).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('lets only one of two admins rotating at once win; the other changes nothing', async () => {
    await alice.client.rpc('set_member_role', {
      p_tenant_id: tenant,
      p_user_id: ids.bob,
      p_role: 'admin',
    });
    expect((await bob.vault.openTenant(tenant)).role).toBe('admin');
    // "At once": both have read version 2 and prepared a rotation before either submits.
    // Left to the scheduler, one rotation could finish before the other starts reading.
    const restore = holdUntilAllArrive('vault_rotate', [alice, bob]);
    const results = await Promise.allSettled([
      alice.vault.rotateTenantKey(tenant),
      bob.vault.rotateTenantKey(tenant),
    ]).finally(restore);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toEqual([{ status: 'fulfilled', value: 3 }]);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(VaultVersionConflictError);
    expect(String(lost[0]!.reason)).toMatch(
      /rotated by someone else meanwhile.*nothing was changed/,
    );

    const state = await tableSnapshot(db);
    const mine = state.keys.filter((k) => k.tenant_id === tenant);
    expect(mine.map((k) => k.key_version)).toEqual([3, 3]);
    expect(
      state.secrets
        .filter((s) => s.tenant_id === tenant && !s._deleted)
        .every((s) => s.key_version === 3),
    ).toBe(true);
    for (const device of [alice, bob]) {
      await catchUp(db, device, ids.slack!);
      expect(await device.vault.readSecret(ids.slack!)).toBe(VALUES.slack);
    }
  });

  it('rotates a secret’s value and deletes, with the trail of who did what', async () => {
    ids.github = (
      await alice.vault.createSecret(tenant, { name: 'GitHub', value: 'ghp_old_value_123' })
    ).id;
    await alice.vault.rotateSecretValue(ids.github, VALUES.github);
    await catchUp(db, bob, ids.github);
    expect(await bob.vault.readSecret(ids.github)).toBe(VALUES.github);
    await alice.vault.deleteSecret(ids.slack!);
    const { rows } = await db.sql.query<{ action: string; actor_id: string }>(
      'select action, actor_id from public.secret_audit_log where secret_id = $1 order by id',
      [ids.github],
    );
    expect(rows.map((row) => row.action)).toEqual(['created', 'updated', 'rotated', 'revealed']);
    const deleted = await db.sql.query<{ action: string }>(
      "select action from public.secret_audit_log where secret_id = $1 and action = 'deleted'",
      [ids.slack],
    );
    expect(deleted.rows).toHaveLength(1);
  });

  it('never stores a secret value or passphrase in the database', async () => {
    const dump = await dumpDatabase(db);
    expect(dump).toContain(ids.openai); // the scan does see the secrets table
    for (const value of [
      ...Object.values(VALUES),
      'ghp_old_value_123',
      ...Object.values(PASSPHRASES),
    ]) {
      for (const form of leakForms(value)) expect(dump).not.toContain(form);
    }
  });
});
