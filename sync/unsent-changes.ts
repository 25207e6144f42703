/**
 * How many local changes of a collection the server does not have yet, read from the local
 * database itself, so the count is right after a reload, while offline, and while the
 * server is down.
 *
 * It asks the same question RxDB's upstream asks before a push: every document written
 * after the upstream checkpoint, unless the pull wrote it (RxDB marks those in `_meta.o`)
 * or it equals the server version the device last saw (the assumed master state). A
 * document the push has not confirmed stays behind the checkpoint, so it is counted until
 * the server has it.
 */
import {
  getAssumedMasterState,
  getChangedDocumentsSince,
  getHeightOfRevision,
  getLastCheckpointDoc,
  writeDocToDocState,
  type RxDocumentData,
  type RxStorageInstanceReplicationState,
} from 'rxdb';

/** Documents read per step of the scan. */
const PAGE = 200;

type StoredDocument = RxDocumentData<Record<string, unknown>> & {
  _meta: RxDocumentData<unknown>['_meta'] & { o?: { _rev: number; hash: string } };
};

function writtenByPull(doc: StoredDocument): boolean {
  return doc._meta.o !== undefined && doc._meta.o._rev === getHeightOfRevision(doc._rev);
}

export async function countUnsentChanges(
  // The replication's internal state: typed per document type by RxDB, read generically here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: RxStorageInstanceReplicationState<any>,
): Promise<number> {
  const fork = state.input.forkInstance;
  const isEqual = state.input.conflictHandler.isEqual;
  let checkpoint: unknown = await getLastCheckpointDoc(state, 'up');
  let unsent = 0;
  for (;;) {
    const page = await getChangedDocumentsSince(fork, PAGE, checkpoint);
    const candidates = (page.documents as StoredDocument[]).filter((doc) => !writtenByPull(doc));
    if (candidates.length > 0) {
      const primaryPath = state.primaryPath as string;
      const ids = candidates.map((doc) => String(doc[primaryPath]));
      const assumed = await getAssumedMasterState(state, ids);
      for (const doc of candidates) {
        const master = assumed[String(doc[primaryPath])];
        const current = writeDocToDocState(doc, state.hasAttachments, false);
        if (!master) {
          // Created and deleted here before it reached the server: nothing to send.
          if (!doc._deleted) unsent++;
        } else if (!isEqual(master.docData, current, 'flowkeep-count-unsent')) {
          unsent++;
        }
      }
    }
    if (page.documents.length < PAGE) return unsent;
    checkpoint = page.checkpoint;
  }
}
