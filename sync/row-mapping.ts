/**
 * Between the wire and the local database. Postgres rows carry `_txid` (the version a push
 * must name); RxDB reserves top-level `_` fields, so locally the version lives in
 * `server_txid`. Pulled rows keep only the fields the local schema knows, so a column added
 * on the server before the app learns about it cannot break local validation.
 */
import type { JsonObject } from '../src/model/json.ts';
import { withoutStorageFields } from '../src/model/synced-row.ts';

/** The fields of a local schema a pulled row may fill: its properties, without RxDB's `_` ones. */
export function schemaFields(schemaProperties: object): Set<string> {
  return new Set(Object.keys(schemaProperties).filter((key) => !key.startsWith('_')));
}

/** A server row (to_jsonb of the table) as a local document. */
export function fromServerRow<T>(row: JsonObject, knownFields: ReadonlySet<string>): T {
  const doc: Record<string, unknown> = {};
  for (const field of knownFields) {
    if (field in row) doc[field] = row[field];
  }
  const txid = row['_txid'];
  doc['server_txid'] = typeof txid === 'string' ? txid : txid == null ? null : String(txid);
  doc['_deleted'] = row['_deleted'] === true;
  return doc as T;
}

/** A local document as sync_push expects it: the version it was based on goes back in `_txid`. */
export function toServerState(doc: object): JsonObject {
  const state = withoutStorageFields(doc);
  const txid = state['server_txid'];
  delete state['server_txid'];
  if (typeof txid === 'string') state['_txid'] = txid;
  state['_deleted'] = state['_deleted'] === true;
  return state as JsonObject;
}
