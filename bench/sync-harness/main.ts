/**
 * Bench page: the sync engine and the local-write floors of bench/local-write-floors.ts on
 * Chromium's real IndexedDB, driven from bench/sync-browser.bench.ts through
 * window.__syncBench. Served by the local server, so supabase-js talks to its own origin.
 */
import { createClient } from '@supabase/supabase-js';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { createFlowkeepDatabase } from '../../src/db/index.ts';
import type { JsonObject } from '../../src/model/json.ts';
import { startSync } from '../../sync/index.ts';
import {
  rawDexieBulkPutMs,
  replicationFromMemory,
  storageWriteOnlyMs,
} from '../local-write-floors.ts';

const dexieStorage = () => getRxStorageDexie() as RxStorage<unknown, unknown>;

async function initialPull(options: {
  anonKey: string;
  email: string;
  password: string;
  pullBatchSize: number;
}): Promise<{ ms: number; count: number }> {
  const supabase = createClient(location.origin, options.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const { data, error } = await supabase.auth.signInWithPassword(options);
  if (error || !data.user) throw new Error(`sign-in failed: ${error?.message}`);
  const started = performance.now();
  const database = await createFlowkeepDatabase({
    userId: data.user.id,
    storage: dexieStorage(),
    multiInstance: false,
  });
  const engine = startSync({
    database,
    supabase,
    userId: data.user.id,
    live: false,
    pullBatchSize: options.pullBatchSize,
    pollIntervalMs: 3_600_000,
    fallbackPollIntervalMs: 3_600_000,
  });
  await engine.syncNow();
  const ms = performance.now() - started;
  const count = await database.workflows!.count().exec();
  await engine.stop();
  await database.remove();
  return { ms, count };
}

let rows: JsonObject[] = [];

const api = {
  /** Keeps the server rows in the page, so each measurement below does not copy them in again. */
  load(serverRows: JsonObject[]): number {
    rows = serverRows;
    return rows.length;
  },
  initialPull,
  rawDexieBulkPutMs: () => rawDexieBulkPutMs(rows),
  storageWriteOnlyMs: (pageSize: number) => storageWriteOnlyMs(dexieStorage(), rows, pageSize),
  replicationFromMemory: (pageSize: number) =>
    replicationFromMemory(dexieStorage(), rows, pageSize),
};
export type SyncBenchApi = typeof api;
(window as unknown as { __syncBench: SyncBenchApi }).__syncBench = api;
