/**
 * What writing pulled rows into the local database costs, below the sync engine: a raw Dexie
 * bulkPut (the baseline the sync goals are set against), one write through RxDB's storage,
 * and RxDB's replication protocol fed from memory. The same code runs in Node on
 * fake-indexeddb (bench/sync.bench.ts) and in Chromium on real IndexedDB
 * (bench/sync-harness), so the two can be compared figure by figure.
 */
import Dexie, { type DexieOptions } from 'dexie';
import type { RxStorage, WithDeleted } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { createFlowkeepDatabase } from '../src/db/index.ts';
import type { JsonObject } from '../src/model/json.ts';
import { fromServerRow, schemaFields } from '../sync/row-mapping.ts';

type Storage = RxStorage<unknown, unknown>;

/** Opening a plain Dexie table indexed like the workflows schema and putting the rows in one bulkPut. */
export async function rawDexieBulkPutMs(
  rows: JsonObject[],
  options: DexieOptions = {},
): Promise<number> {
  const started = performance.now();
  const dexie = new Dexie(`baseline-${crypto.randomUUID()}`, options);
  dexie.version(1).stores({ workflows: 'id, [tenant_id+updated_at]' });
  await dexie.table('workflows').bulkPut(rows);
  const ms = performance.now() - started;
  await dexie.delete();
  return ms;
}

function openWorkflowsOnly(storage: Storage) {
  return createFlowkeepDatabase({
    userId: crypto.randomUUID(),
    storage,
    collections: ['workflows'],
    multiInstance: false,
    devMode: false,
  });
}

/** Sums the time storage instances spend in bulkWrite: the documents vs RxDB's replication metadata. */
function timingBulkWrites(storage: Storage) {
  const totals = { documents: 0, replicationMeta: 0 };
  const timed: Storage = {
    name: storage.name,
    rxdbVersion: storage.rxdbVersion,
    async createStorageInstance(params) {
      const instance = await storage.createStorageInstance(params);
      const kind = params.collectionName.startsWith('rx-replication-meta')
        ? 'replicationMeta'
        : params.collectionName === 'workflows'
          ? 'documents'
          : null;
      if (kind) {
        const bulkWrite = instance.bulkWrite.bind(instance);
        instance.bulkWrite = async (writeRows, context) => {
          const started = performance.now();
          try {
            return await bulkWrite(writeRows, context);
          } finally {
            totals[kind] += performance.now() - started;
          }
        };
      }
      return instance;
    },
  };
  return { storage: timed, totals };
}

export interface ReplicationFloor {
  ms: number;
  /** Of `ms`, time in bulkWrite of the documents themselves. */
  documentWritesMs: number;
  /** Of `ms`, time in bulkWrite of RxDB's assumed-master copies (its meta instance). */
  metaWritesMs: number;
}

/**
 * replicateRxCollection into a fresh workflows collection, with a pull handler that hands out
 * the rows in pages of `pageSize` and a push handler that accepts everything: what RxDB's
 * protocol itself costs, with no network and no server.
 */
export async function replicationFromMemory(
  storage: Storage,
  rows: JsonObject[],
  pageSize: number,
): Promise<ReplicationFloor> {
  const { storage: timed, totals } = timingBulkWrites(storage);
  const database = await openWorkflowsOnly(timed);
  const collection = database.workflows!;
  const known = schemaFields(collection.schema.jsonSchema.properties);
  const started = performance.now();
  const replication = replicateRxCollection<Record<string, unknown>, { offset: number }>({
    replicationIdentifier: 'bench-from-memory',
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any synced collection
    collection: collection as any,
    live: true,
    waitForLeadership: false,
    pull: {
      batchSize: pageSize,
      handler: async (checkpoint) => {
        const offset = checkpoint?.offset ?? 0;
        const page = rows.slice(offset, offset + pageSize);
        return {
          documents: page.map((row) =>
            fromServerRow<WithDeleted<Record<string, unknown>>>(row, known),
          ),
          checkpoint: { offset: offset + page.length },
        };
      },
    },
    push: { batchSize: 1000, handler: async () => [] },
  });
  await replication.awaitInSync();
  const ms = performance.now() - started;
  const count = await collection.count().exec();
  await replication.cancel();
  await database.remove();
  if (count !== rows.length) throw new Error(`replication stored ${count} of ${rows.length} rows`);
  return { ms, documentWritesMs: totals.documents, metaWritesMs: totals.replicationMeta };
}

/** The rows written once, as new documents, straight into the collection's storage instance. */
export async function storageWriteOnlyMs(
  storage: Storage,
  rows: JsonObject[],
  pageSize: number,
): Promise<number> {
  const database = await openWorkflowsOnly(storage);
  const collection = database.workflows!;
  const known = schemaFields(collection.schema.jsonSchema.properties);
  const started = performance.now();
  for (let offset = 0; offset < rows.length; offset += pageSize) {
    const page = rows.slice(offset, offset + pageSize).map((row) => ({
      document: {
        ...fromServerRow<WithDeleted<Record<string, unknown>>>(row, known),
        _meta: { lwt: Date.now() },
        _rev: '1-bench',
        _attachments: {},
      },
    }));
    const result = await collection.storageInstance.bulkWrite(page as never, 'bench-storage');
    if (result.error.length > 0) throw new Error(`storage write refused ${result.error.length}`);
  }
  const ms = performance.now() - started;
  const count = await collection.count().exec();
  await database.remove();
  if (count !== rows.length) throw new Error(`storage write stored ${count} of ${rows.length}`);
  return ms;
}
