/**
 * Sync (issue 4), through the local server and supabase-js exactly as the app syncs:
 * - initial pull of 10,000 workflows into a fresh local database (RxDB on Dexie on
 *   fake-indexeddb), against a raw superuser SELECT of the same rows plus a raw Dexie
 *   bulkPut into an equally indexed table (same run, same rows);
 * - HTTP requests needed to push 1,000 edited workflows (every request counted);
 * - sync_pull latency over HTTP with 1,000,000 rows in the table vs 10,000 (PostgreSQL).
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { SupabaseClient } from '@supabase/supabase-js';
import { median, type Bench, type BenchFigure } from './figures.ts';
import { seedWorkflows } from './seed-workflows.ts';
import type { LocalServer } from '../supabase/local/server.ts';
import type { JsonObject } from '../src/model/json.ts';
import type { PullCheckpoint } from '../sync/protocol.ts';
import { openDevice, startTestServer, type TestServer } from '../test/sync/harness.ts';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { RxStorage } from 'rxdb';
import { createNodeSupabaseClient } from '../test/support/supabase-client.ts';
import {
  rawDexieBulkPutMs,
  replicationFromMemory,
  storageWriteOnlyMs,
} from './local-write-floors.ts';

const INITIAL_ROWS = 10_000;
const PUSHED_DOCS = 1_000;
const LARGE_TABLE = 1_000_000;
const SMALL_TABLE = 10_000;
const PULL_PAGE = 500;

function progress(message: string): void {
  process.stderr.write(`  [sync bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

function countingClient(server: TestServer): { client: SupabaseClient; requests: string[] } {
  const requests: string[] = [];
  const client = createNodeSupabaseClient(server.url, server.anonKey, {
    global: {
      fetch: (input, init) => {
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        requests.push(new URL(url).pathname);
        return fetch(input, init);
      },
    },
  });
  return { client, requests };
}

async function signedInCountingClient(server: TestServer, email: string, password: string) {
  const counted = countingClient(server);
  const { error } = await counted.client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  counted.requests.length = 0;
  return counted;
}

function fakeIndexedDb(): RxStorage<unknown, unknown> {
  return getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }) as RxStorage<
    unknown,
    unknown
  >;
}

async function initialPullFigures(server: TestServer): Promise<BenchFigure[]> {
  const user = await server.signUp();
  await seedWorkflows(server, user.tenantId, INITIAL_ROWS);

  // Baseline: a raw SELECT of the same rows and a raw Dexie bulkPut, indexed like the schema.
  const selectStarted = performance.now();
  const { rows } = await server.sql.query<{ row: JsonObject }>(
    'select to_jsonb(w) as row from public.workflows w where tenant_id = $1',
    [user.tenantId],
  );
  const serverRows = rows.map((r) => r.row);
  const selectMs = performance.now() - selectStarted;
  const baselineMs =
    selectMs + (await rawDexieBulkPutMs(serverRows, { indexedDB: new IDBFactory(), IDBKeyRange }));

  progress(`baseline ${Math.round(baselineMs)} ms; RxDB replication from memory...`);
  const fromMemory = await replicationFromMemory(fakeIndexedDb(), serverRows, PULL_PAGE);
  progress(`${Math.round(fromMemory.ms)} ms; one RxDB storage write...`);
  const storageWriteMs = await storageWriteOnlyMs(fakeIndexedDb(), serverRows, PULL_PAGE);
  progress(`${Math.round(storageWriteMs)} ms; initial pull...`);
  const started = performance.now();
  const device = await openDevice(user.client, user.id, {
    sync: { live: false, pollIntervalMs: 3_600_000, fallbackPollIntervalMs: 3_600_000 },
  });
  await device.engine.syncNow();
  const syncedMs = performance.now() - started;
  const count = await device.database.workflows!.count().exec();
  await device.close();
  if (count !== INITIAL_ROWS)
    throw new Error(`initial pull stored ${count} of ${INITIAL_ROWS} rows`);

  return [
    {
      name: `initial pull of ${INITIAL_ROWS.toLocaleString('en')} workflows (HTTP + RxDB/Dexie, fake-indexeddb)`,
      value: syncedMs,
      unit: 'ms',
      baseline: { name: 'raw SELECT + raw Dexie bulkPut', value: baselineMs },
      goal: 'ratio <= 1.5',
      note: 'includes opening the local database',
    },
    {
      name: `the same rows through RxDB's replication from memory (no network, no server)`,
      value: fromMemory.ms,
      unit: 'ms',
      baseline: { name: 'raw SELECT + raw Dexie bulkPut', value: baselineMs },
      note:
        `the floor any replicateRxCollection sync on this storage starts from; of it, ` +
        `${Math.round(fromMemory.documentWritesMs)} ms writing the documents and ` +
        `${Math.round(fromMemory.metaWritesMs)} ms writing their assumed-master copies`,
    },
    {
      name: `the same rows written once through RxDB's storage (bulkWrite, pages of ${PULL_PAGE})`,
      value: storageWriteMs,
      unit: 'ms',
      baseline: { name: 'raw SELECT + raw Dexie bulkPut', value: baselineMs },
      note: 'no replication, no metadata: the least any write through RxDB costs here',
    },
  ];
}

async function pushRequestFigures(server: TestServer): Promise<BenchFigure[]> {
  const user = await server.signUp();
  await seedWorkflows(server, user.tenantId, PUSHED_DOCS);
  const { client, requests } = await signedInCountingClient(server, user.email, user.password);
  progress('push of 1,000 edits...');
  const device = await openDevice(client, user.id, {
    sync: { live: false, pollIntervalMs: 3_600_000, fallbackPollIntervalMs: 3_600_000 },
  });
  await device.engine.syncNow();
  const docs = await device.database.workflows!.find().exec();
  requests.length = 0;
  const started = performance.now();
  await device.database.workflows!.bulkUpsert(
    docs.map((doc) => ({ ...doc.toMutableJSON(), description: 'edited offline' })),
  );
  await device.engine.syncNow();
  const ms = performance.now() - started;
  const byPath = new Map<string, number>();
  for (const path of requests) {
    const name = path.replace(/^\/rest\/v1\/(rpc\/)?/, '');
    byPath.set(name, (byPath.get(name) ?? 0) + 1);
  }
  const breakdown = [...byPath].map(([name, count]) => `${count} ${name}`).join(', ');
  const { rows } = await server.sql.query<{ n: number }>(
    `select count(*)::int as n from public.workflows where tenant_id = $1 and description = 'edited offline'`,
    [user.tenantId],
  );
  await device.close();
  if (rows[0]?.n !== PUSHED_DOCS) throw new Error(`only ${rows[0]?.n} edits reached the server`);
  return [
    {
      name: `HTTP requests to push ${PUSHED_DOCS.toLocaleString('en')} edited workflows`,
      value: requests.length,
      unit: 'requests',
      goal: '<= 10',
      note: `${breakdown}: the pushes, then memberships and the pull of the new versions (${Math.round(ms)} ms in all)`,
    },
  ];
}

async function pullLatency(
  client: SupabaseClient,
  checkpoint: PullCheckpoint | null,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    const { error } = await client.rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: checkpoint,
      p_limit: PULL_PAGE,
    });
    if (error) throw new Error(`sync_pull failed: ${error.message}`);
    times.push(performance.now() - started);
  }
  return median(times.slice(3));
}

/** The checkpoint of the row at `fraction` of the user's rows in pull order. */
async function checkpointAt(
  server: LocalServer,
  tenantId: string,
  fraction: number,
): Promise<PullCheckpoint> {
  const { rows } = await server.sql.query<PullCheckpoint>(
    `select _txid::text as txid, id::text as id from public.workflows where tenant_id = $1
      order by _txid, id offset (select (count(*) * $2::float8)::int from public.workflows where tenant_id = $1) limit 1`,
    [tenantId, fraction],
  );
  return rows[0]!;
}

async function tableSizeFigures(): Promise<BenchFigure[]> {
  const server = await startTestServer('postgres');
  try {
    const small = await server.signUp();
    await seedWorkflows(server, small.tenantId, SMALL_TABLE);
    await server.sql.exec('analyze public.workflows');
    const smallFresh = await pullLatency(small.client, null);
    const smallMid = await pullLatency(
      small.client,
      await checkpointAt(server, small.tenantId, 0.5),
    );

    // Grow the same table to 1,000,000 rows: the user's own and another tenant's.
    progress('growing the table to 1,000,000 rows...');
    const other = await server.signUp();
    await seedWorkflows(server, small.tenantId, (LARGE_TABLE - SMALL_TABLE) / 2);
    await seedWorkflows(server, other.tenantId, (LARGE_TABLE - SMALL_TABLE) / 2);
    await server.sql.exec('analyze public.workflows');
    const largeFresh = await pullLatency(small.client, null);
    const largeMid = await pullLatency(
      small.client,
      await checkpointAt(server, small.tenantId, 0.5),
    );
    return [
      {
        name: `sync_pull of ${PULL_PAGE} rows from the start, 1,000,000-row table`,
        value: largeFresh,
        unit: 'ms',
        baseline: { name: '10,000-row table', value: smallFresh },
        goal: 'ratio <= 1.2',
        note: 'PostgreSQL, HTTP via supabase-js, median of 12',
      },
      {
        name: `sync_pull of ${PULL_PAGE} rows from a mid-table checkpoint, 1,000,000-row table`,
        value: largeMid,
        unit: 'ms',
        baseline: { name: '10,000-row table', value: smallMid },
        goal: 'ratio <= 1.2',
      },
    ];
  } finally {
    await server.stop();
  }
}

export const bench: Bench = {
  id: 'sync',
  title: 'Sync: initial pull, push batching, pull latency vs table size',
  async run() {
    const figures: BenchFigure[] = [];
    const server = await startTestServer('postgres');
    try {
      figures.push(...(await initialPullFigures(server)));
      figures.push(...(await pushRequestFigures(server)));
    } finally {
      await server.stop();
    }
    figures.push(...(await tableSizeFigures()));
    return figures;
  },
};
