/**
 * The upstream of every replication finds local changes through getChangedDocumentsSince.
 * Flowkeep's storage answers it from the [_meta.lwt, id] index (src/db/changed-since-storage.ts);
 * it must page through exactly what RxDB's own query-based fallback would return, including
 * the many rows one bulk write stamps with the same lwt, and deleted rows.
 */
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import {
  getChangedDocumentsSinceQuery,
  prepareQuery,
  type RxDocumentData,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowkeepDatabase, type FlowkeepDatabase } from '../../../src/db/index.ts';

interface Checkpoint {
  id: string;
  lwt: number;
}
type Instance = RxStorageInstance<{ id: string }, unknown, unknown>;

const stamp = '2026-12-02T10:00:00.000000+00:00';
function workflow(tenantId: string, name: string) {
  return {
    id: randomUUID(),
    tenant_id: tenantId,
    created_by: null,
    created_at: stamp,
    updated_at: stamp,
    server_txid: null,
    name,
    description: '',
    nodes: [],
    viewport: null,
    edges: [],
    settings: {},
    versions: [],
    conflicts: [],
    tags: [],
  };
}

/** RxDB's own implementation: the $or query over the same index, run by the storage. */
async function fallbackChangedSince(instance: Instance, limit: number, checkpoint?: Checkpoint) {
  const query = prepareQuery(
    instance.schema,
    getChangedDocumentsSinceQuery(instance as never, limit, checkpoint),
  );
  return (await instance.query(query)).documents;
}

async function pageAll(
  read: (checkpoint: Checkpoint | undefined) => Promise<{
    documents: RxDocumentData<{ id: string }>[];
    checkpoint: Checkpoint;
  }>,
) {
  const seen: string[] = [];
  let checkpoint: Checkpoint | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await read(checkpoint);
    if (result.documents.length === 0) {
      expect(result.checkpoint).toEqual(checkpoint ?? { id: '', lwt: 0 });
      return seen;
    }
    seen.push(...result.documents.map((doc) => doc.id));
    checkpoint = result.checkpoint;
  }
  throw new Error('paging did not end');
}

describe('getChangedDocumentsSince on the local database', () => {
  let db: FlowkeepDatabase | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it('pages through rows written together and apart, deleted ones included, as RxDB would', async () => {
    db = await createFlowkeepDatabase({
      userId: randomUUID(),
      storage: getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }) as RxStorage<
        unknown,
        unknown
      >,
      collections: ['workflows'],
      multiInstance: false,
    });
    const collection = db.workflows!;
    const tenant = randomUUID();
    // One bulk write: 25 rows share one lwt, so only the id orders them.
    await collection.bulkInsert(
      Array.from({ length: 25 }, (_, i) => workflow(tenant, `together ${i}`)),
    );
    const apart = await collection.insert(workflow(tenant, 'apart'));
    const removed = await collection.insert(workflow(tenant, 'removed'));
    await removed.remove();
    await apart.incrementalPatch({ name: 'apart, edited' });

    const instance = collection.storageInstance as unknown as Instance;
    expect(instance.getChangedDocumentsSince).toBeTypeOf('function');
    const lwts = new Set((await fallbackChangedSince(instance, 100)).map((doc) => doc._meta.lwt));
    expect(lwts.size).toBeLessThan(27);

    for (const limit of [1, 7, 25, 100]) {
      const indexed = await pageAll(async (checkpoint) => {
        const result = await instance.getChangedDocumentsSince!(limit, checkpoint);
        expect(result.documents.length).toBeLessThanOrEqual(limit);
        return result as { documents: RxDocumentData<{ id: string }>[]; checkpoint: Checkpoint };
      });
      const fallback = await pageAll(async (checkpoint) => {
        const documents = await fallbackChangedSince(instance, limit, checkpoint);
        const last = documents[documents.length - 1];
        return {
          documents,
          checkpoint: last
            ? { id: last.id, lwt: last._meta.lwt }
            : (checkpoint ?? { id: '', lwt: 0 }),
        };
      });
      expect(indexed).toEqual(fallback);
      expect(new Set(indexed).size).toBe(27);
      // The last changes come last: the deletion, then the edit.
      expect(indexed.slice(-2)).toEqual([removed.primary, apart.primary]);
    }
  });
});
