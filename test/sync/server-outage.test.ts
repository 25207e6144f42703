/**
 * The server goes away and comes back (same port, same database): sync must notice, keep
 * every local change counted, and resume by itself once the server answers again, without a
 * reload or another edit; a reload during the outage must not lose the unsent change.
 * Runs on the PostgreSQL server so the database outlives the stopped HTTP server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { firstValueFrom, filter } from 'rxjs';
import { startLocalServer, type LocalServer } from '../../supabase/local/server.ts';
import type { SyncStatus } from '../../sync/index.ts';
import { createPostgresDatabase, type PostgresDatabase } from '../helpers/postgres-database.ts';
import { eventually, newClient, newWorkflow, openDevice, type Device } from './harness.ts';

let database: PostgresDatabase;
/** Reads the database directly: it stays up while the HTTP server is stopped. */
let sql: pg.Pool;
let server: LocalServer | null;
let port: number;
let jwtSecret: string;

async function startServer(): Promise<void> {
  server = await startLocalServer({
    database: { kind: 'postgres', url: database.url },
    port: port ?? 0,
    ...(jwtSecret ? { jwtSecret } : {}),
  });
  port = Number(new URL(server.url).port);
  jwtSecret = server.jwtSecret;
}

async function stopServer(): Promise<void> {
  await server?.stop();
  server = null;
}

async function serverNames(): Promise<string[]> {
  const { rows } = await sql.query<{ name: string }>(
    'select name from public.workflows where not _deleted order by name',
  );
  return rows.map((row) => row.name);
}

function statusOf(device: Device, state: SyncStatus['state']): Promise<SyncStatus> {
  return firstValueFrom(device.engine.status$.pipe(filter((status) => status.state === state)));
}

async function unsentOf(device: Device): Promise<number> {
  return firstValueFrom(device.engine.unsent$);
}

describe('sync through a server outage (PostgreSQL)', { timeout: 120_000 }, () => {
  let userId: string;
  let tenantId: string;
  let client: ReturnType<typeof newClient>;

  beforeAll(async () => {
    database = await createPostgresDatabase('flowkeep_outage');
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    await startServer();
    client = newClient(server!);
    const email = `outage-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const { data, error } = await client.auth.signUp({ email, password });
    if (error || !data.user) throw new Error(`sign-up failed: ${error?.message}`);
    userId = data.user.id;
    const { rows } = await sql.query<{ tenant_id: string }>(
      `select tenant_id from public.tenant_members where user_id = $1`,
      [userId],
    );
    tenantId = rows[0]!.tenant_id;
  });

  // A failed test must not leave the next one without a server.
  afterEach(async () => {
    if (!server) await startServer();
  });

  afterAll(async () => {
    await client?.removeAllChannels();
    await stopServer();
    await sql?.end();
    await database?.drop();
  });

  it('resumes by itself after the server returns and pushes what was written meanwhile', async () => {
    // The product's own timings: only the server-error backoff is short, as in every sync test.
    const device = await openDevice(client, userId);
    try {
      await device.engine.syncNow();
      await stopServer();

      await device.database.workflows!.insert(
        newWorkflow(tenantId, { name: 'Written while the server was down' }),
      );
      await statusOf(device, 'unreachable');
      await eventually('the unsent change is counted', async () => (await unsentOf(device)) === 1);
      // Several probes fail while the server stays away.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await unsentOf(device)).toBe(1);
      await expect(device.engine.syncNow()).rejects.toThrow(/Can't reach the server/);

      await startServer();
      const back = Date.now();
      await eventually(
        'the server has the change',
        async () => (await serverNames()).includes('Written while the server was down'),
        15_000,
      );
      // Bounded by the probe's longest wait (3 s) plus the requests themselves.
      expect(Date.now() - back).toBeLessThan(10_000);
      await eventually('nothing is unsent', async () => (await unsentOf(device)) === 0);
      await statusOf(device, 'idle');
    } finally {
      await device.close();
    }
  });

  it('keeps the unsent change across a reload during the outage and pushes it after', async () => {
    let device = await openDevice(client, userId);
    try {
      await device.engine.syncNow();
      await stopServer();
      await device.database.workflows!.insert(
        newWorkflow(tenantId, { name: 'Written before the reload' }),
      );
      await eventually('the unsent change is counted', async () => (await unsentOf(device)) === 1);

      device = await device.reload();
      await eventually(
        'the reloaded device counts the unsent change',
        async () => (await unsentOf(device)) === 1,
      );
      await statusOf(device, 'unreachable');

      await startServer();
      await eventually(
        'the server has the change written before the reload',
        async () => (await serverNames()).includes('Written before the reload'),
        15_000,
      );
      await eventually('nothing is unsent', async () => (await unsentOf(device)) === 0);
    } finally {
      await device.close();
    }
  });

  it('never reports idle while the server lacks a local change', async () => {
    const device = await openDevice(client, userId);
    const idleWhileMissing: string[] = [];
    const written: string[] = [];
    const watch = device.engine.status$.subscribe((status) => {
      if (status.state !== 'idle') return;
      // A snapshot of what the device wrote: the server must have all of it right now.
      const expected = [...written];
      void serverNames().then((names) => {
        for (const name of expected) if (!names.includes(name)) idleWhileMissing.push(name);
      });
    });
    try {
      await device.engine.syncNow();
      for (let round = 0; round < 3; round++) {
        await stopServer();
        const name = `Outage round ${round}`;
        await device.database.workflows!.insert(newWorkflow(tenantId, { name }));
        written.push(name);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await startServer();
        await eventually(`round ${round} reaches the server`, async () =>
          (await serverNames()).includes(name),
        );
      }
      await statusOf(device, 'idle');
      expect(idleWhileMissing).toEqual([]);
    } finally {
      watch.unsubscribe();
      await device.close();
    }
  });
});
