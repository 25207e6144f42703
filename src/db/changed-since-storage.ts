/**
 * Gives every storage instance a `getChangedDocumentsSince` that reads the
 * `[_meta.lwt, primary key]` index from just after the checkpoint.
 *
 * Without it RxDB falls back to a query whose `$or` the planner cannot turn into a compound
 * start key: it starts at the checkpoint's `lwt` and filters, so every upstream scan re-reads
 * all documents that share that `lwt`. A storage bulk write stamps one `lwt` on all its rows,
 * so after an initial pull the last downstream batch (thousands of rows) was re-read on every
 * RESYNC, i.e. on every live change and poll; on fake-indexeddb, whose cursors re-walk their
 * range on each step, that single empty scan took 11 s for 6,000 rows.
 */
import {
  INDEX_MAX,
  INDEX_MIN,
  getPrimaryFieldOfPrimaryKey,
  type RxStorage,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
  type RxDocumentData,
} from 'rxdb';

interface ChangedSinceCheckpoint {
  id: string;
  lwt: number;
}

export function withIndexedChangedSince<Internals, Options>(
  storage: RxStorage<Internals, Options>,
): RxStorage<Internals, Options> {
  return {
    name: storage.name,
    rxdbVersion: storage.rxdbVersion,
    async createStorageInstance<RxDocType>(
      params: RxStorageInstanceCreationParams<RxDocType, Options>,
    ): Promise<RxStorageInstance<RxDocType, Internals, Options>> {
      const instance = await storage.createStorageInstance(params);
      // A storage with its own implementation knows better.
      if (!instance.getChangedDocumentsSince) {
        instance.getChangedDocumentsSince = (limit, checkpoint) =>
          changedSince(instance, limit, checkpoint as ChangedSinceCheckpoint | undefined);
      }
      return instance;
    },
  };
}

async function changedSince<RxDocType>(
  instance: RxStorageInstance<RxDocType, unknown, unknown>,
  limit: number,
  checkpoint: ChangedSinceCheckpoint | undefined,
): Promise<{ documents: RxDocumentData<RxDocType>[]; checkpoint: ChangedSinceCheckpoint }> {
  const primaryPath = getPrimaryFieldOfPrimaryKey(instance.schema.primaryKey) as string;
  const { documents } = await instance.query({
    query: {
      selector: {},
      sort: [{ '_meta.lwt': 'asc' }, { [primaryPath]: 'asc' }] as never,
      skip: 0,
      limit,
    },
    queryPlan: {
      index: ['_meta.lwt', primaryPath],
      startKeys: checkpoint ? [checkpoint.lwt, checkpoint.id] : [INDEX_MIN, INDEX_MIN],
      endKeys: [INDEX_MAX, INDEX_MAX],
      inclusiveStart: !checkpoint,
      inclusiveEnd: true,
      sortSatisfiedByIndex: true,
      selectorSatisfiedByIndex: true,
    },
  });
  const last = documents[documents.length - 1];
  return {
    documents,
    checkpoint: last
      ? { id: String(last[primaryPath as keyof typeof last]), lwt: last._meta.lwt }
      : (checkpoint ?? { id: '', lwt: 0 }),
  };
}
