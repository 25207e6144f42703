/**
 * RxDB conflict handlers for the synced collections. RxDB calls `resolve` when a push comes
 * back with the server's current row (collection-replication.ts, push): a real conflict is merged
 * three-way against the assumed master state (workflows node by node, everything else field
 * by field); a refusal (the server's version is still the one this device assumed, so
 * nothing conflicted but the write was refused) resolves to the server's version, which
 * returns the local document to the server state.
 */
import type { RxConflictHandler, WithDeleted } from 'rxdb';
import type { SyncedCollection } from '../src/model/collections.ts';
import { jsonEqual } from '../src/model/json.ts';
import { withoutStorageFields } from '../src/model/synced-row.ts';
import { mergeDocument, type Fields } from './merge-fields.ts';
import { mergeWorkflow } from './merge-workflow.ts';

/** Equal as replicated data: RxDB's storage bookkeeping is ignored. */
export function documentsEqual(a: object, b: object): boolean {
  return jsonEqual(withoutStorageFields(a), withoutStorageFields(b));
}

function serverTxid(doc: object | undefined): string | null {
  const value = doc ? (doc as Fields)['server_txid'] : null;
  return typeof value === 'string' ? value : null;
}

/**
 * True when the "conflict" is the push handler's way of reverting a refused write: the
 * server's version is the one this device assumed (same `_txid`, or no row at all for a
 * refused insert). A real conflict always carries a different server version.
 */
export function isRefusalRevert(
  assumedMasterState: object | undefined,
  realMasterState: object,
): boolean {
  return serverTxid(assumedMasterState) === serverTxid(realMasterState);
}

export function createConflictHandler<RxDocType>(
  collection: SyncedCollection,
  now: () => string = () => new Date().toISOString(),
): RxConflictHandler<RxDocType> {
  return {
    isEqual(a, b) {
      return documentsEqual(a, b);
    },
    resolve({ assumedMasterState, realMasterState, newDocumentState }) {
      if (isRefusalRevert(assumedMasterState, realMasterState)) {
        return Promise.resolve(realMasterState);
      }
      const base = assumedMasterState ? withoutStorageFields(assumedMasterState) : undefined;
      const ours = withoutStorageFields(newDocumentState);
      const theirs = withoutStorageFields(realMasterState);
      const merged =
        collection === 'workflows'
          ? mergeWorkflow(base, ours, theirs, now())
          : mergeDocument(base, ours, theirs);
      return Promise.resolve(merged as WithDeleted<RxDocType>);
    },
  };
}
