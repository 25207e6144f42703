/**
 * The local database on fake-indexeddb, for fast Node tests and benches of src/db and sync/:
 * each call gets its own empty IndexedDB.
 */
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  createFlowkeepDatabase,
  type CreateFlowkeepDatabaseOptions,
  type FlowkeepDatabase,
} from '../../src/db/index.ts';

export function memoryStorage(): RxStorage<unknown, unknown> {
  return getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }) as RxStorage<
    unknown,
    unknown
  >;
}

/** A database with schema validation (dev mode) on a fresh in-memory IndexedDB. */
export function openMemoryDatabase(
  options: Partial<CreateFlowkeepDatabaseOptions> = {},
): Promise<FlowkeepDatabase> {
  return createFlowkeepDatabase({
    userId: randomUUID(),
    storage: memoryStorage(),
    devMode: true,
    multiInstance: false,
    ...options,
  });
}
