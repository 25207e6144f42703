/**
 * The vault service's session rules with real ports (PGlite acting as the user): one unlock
 * per session, lock on demand and after the idle time, refusals before anything is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VaultLockedError,
  VaultNotAllowedError,
  VaultNotSetUpError,
  WeakPassphraseError,
} from '../../../src/vault/errors.ts';
import { startVaultMaintenance } from '../../../src/vault/app-bindings.ts';
import { startIdleLock } from '../../../src/vault/idle-lock.ts';
import { createRpcVaultServer } from '../../../src/vault/rpc-vault-server.ts';
import { VaultService } from '../../../src/vault/vault-service.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { SyncedSecretStore, sqlRpcClient } from './devices.ts';

const PASSPHRASE = 'service test passphrase 9';

describe('VaultService sessions', () => {
  let db: TestDatabase;
  let userId: string;
  let tenant: string;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    userId = await db.createUser('solo@example.com');
    const { rows } = await db.sql.query<{ tenant_id: string }>(
      'select tenant_id from public.tenant_members where user_id = $1',
      [userId],
    );
    tenant = rows[0]!.tenant_id;
  }, 120_000);

  afterAll(async () => {
    await db?.close();
  });

  function service(
    options: Pick<
      ConstructorParameters<typeof VaultService>[0],
      'idleLockMs' | 'onLock' | 'idleTimers'
    > = {},
  ) {
    const client = sqlRpcClient(db, userId);
    return new VaultService({
      userId,
      server: createRpcVaultServer(client),
      secrets: new SyncedSecretStore(client),
      idleLockMs: options.idleLockMs ?? 0,
      ...(options.onLock ? { onLock: options.onLock } : {}),
      ...(options.idleTimers ? { idleTimers: options.idleTimers } : {}),
    });
  }

  it('refuses a weak passphrase, an unlock before set-up, and a second set-up', async () => {
    const vault = service();
    await expect(vault.setUp('short')).rejects.toBeInstanceOf(WeakPassphraseError);
    await expect(vault.unlock(PASSPHRASE)).rejects.toBeInstanceOf(VaultNotSetUpError);
    expect(await vault.status()).toBe('not_set_up');
    await vault.setUp(PASSPHRASE);
    expect(await vault.status()).toBe('unlocked');
    await expect(service().setUp('another passphrase 123')).rejects.toBeInstanceOf(
      VaultNotAllowedError,
    );
  });

  it('forgets every key on lock, so nothing can be read until the next unlock', async () => {
    const vault = service();
    const events: boolean[] = [];
    vault.subscribe(() => events.push(vault.isUnlocked));
    await vault.unlock(PASSPHRASE);
    expect((await vault.openTenant(tenant)).access).toBe('ready');
    const doc = await vault.createSecret(tenant, { name: 'Key', value: 'v-123' });
    expect(await vault.decryptDoc(doc)).toBe('v-123');
    vault.lock();
    expect(await vault.status()).toBe('locked');
    await expect(vault.decryptDoc(doc)).rejects.toBeInstanceOf(VaultLockedError);
    await expect(vault.createSecret(tenant, { name: 'Other', value: 'x' })).rejects.toThrow(
      'The vault is locked: unlock it with your vault passphrase first',
    );
    await vault.unlock(PASSPHRASE);
    await vault.openTenant(tenant);
    expect(await vault.decryptDoc(doc)).toBe('v-123');
    expect(events).toEqual([true, false, true]);
  });

  it('locks itself after the idle time, and activity postpones it', async () => {
    // A manual clock: each armed timer is recorded; "time passing" fires the live one.
    const armed: { callback: () => void; live: boolean }[] = [];
    const elapse = () =>
      armed.filter((t) => t.live).forEach((t) => ((t.live = false), t.callback()));
    let locked = 0;
    const vault = service({
      idleLockMs: 60_000,
      onLock: () => locked++,
      idleTimers: {
        setTimer: (callback) => armed.push({ callback, live: true }) - 1,
        clearTimer: (handle) => {
          armed[handle as number]!.live = false;
        },
      },
    });
    await vault.unlock(PASSPHRASE);
    await vault.openTenant(tenant); // background work, not activity: the timer runs on
    expect(armed).toHaveLength(1);
    await vault.createSecret(tenant, { name: 'Touch', value: 'x' }); // activity re-arms it
    expect(armed.filter((t) => t.live)).toHaveLength(1);
    expect(armed.length).toBeGreaterThan(1);
    expect(vault.isUnlocked).toBe(true);
    elapse();
    expect(vault.isUnlocked).toBe(false);
    expect(locked).toBe(1);
    await expect(vault.openTenant(tenant)).rejects.toBeInstanceOf(VaultLockedError);
  });

  it('after a forgotten passphrase with nobody else holding the key, says so and starts over', async () => {
    const before = service();
    await before.unlock(PASSPHRASE);
    await before.openTenant(tenant);
    const store = new SyncedSecretStore(sqlRpcClient(db, userId));
    await store.pull();
    const live = [...store.docs.values()].filter((doc) => !doc._deleted).length;
    expect(live).toBeGreaterThan(0);

    const vault = service();
    expect(await vault.describeReset([tenant])).toEqual([
      { tenantId: tenant, recoverable: false, liveSecrets: live },
    ]);
    await vault.resetForgottenPassphrase('a brand new passphrase');
    const status = await vault.openTenant(tenant);
    expect(status.access).toBe('key_lost');
    const version = await vault.abandonLostKey(tenant);
    expect(version).toBe(2);
    expect((await vault.openTenant(tenant)).access).toBe('ready');
    const { rows } = await db.sql.query<{ deleted: boolean }>(
      'select bool_and(_deleted) as deleted from public.secrets where tenant_id = $1 and key_version = 1',
      [tenant],
    );
    expect(rows[0]!.deleted).toBe(true);
    const created = await vault.createSecret(tenant, { name: 'Fresh', value: 'new-start' });
    expect(created.key_version).toBe(2);
    expect(await vault.decryptDoc(created)).toBe('new-start');
  });

  it('maintains the open tenant in the background while unlocked', async () => {
    const vault = service();
    const opened: string[] = [];
    const original = vault.openTenant.bind(vault);
    vault.openTenant = async (tenantId) => {
      opened.push(tenantId);
      return original(tenantId);
    };
    const stop = startVaultMaintenance(vault, () => tenant, { intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(opened).toEqual([]); // locked: nothing to do
    await vault.unlock('a brand new passphrase');
    await expect.poll(() => opened.length, { timeout: 10_000 }).toBeGreaterThan(1);
    stop();
    vault.lock();
    expect(opened.every((id) => id === tenant)).toBe(true);
  });

  it('runs the idle timer on injected clocks', () => {
    const timers: { callback: () => void; ms: number; cleared: boolean }[] = [];
    let idle = 0;
    const lock = startIdleLock({
      timeoutMs: 1000,
      onIdle: () => idle++,
      setTimer: (callback, ms) => timers.push({ callback, ms, cleared: false }) - 1,
      clearTimer: (handle) => {
        timers[handle as number]!.cleared = true;
      },
    });
    lock.touch();
    expect(timers.map((t) => t.cleared)).toEqual([true, false]);
    timers[1]!.callback();
    expect(idle).toBe(1);
    lock.stop();
    expect(timers.map((t) => t.ms)).toEqual([1000, 1000]);
  });
});
