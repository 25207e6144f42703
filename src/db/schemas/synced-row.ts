/**
 * JSON-schema pieces shared by every synced collection: the bookkeeping columns each
 * Postgres table has (sync/documents.ts, SyncedRow). `_deleted` is RxDB's own field and is
 * not declared; the server's `_txid` is stored as `server_txid` because RxDB reserves
 * top-level names that start with `_`.
 */

/** uuid as Postgres prints it. */
export const uuidProperty = { type: 'string', maxLength: 36 } as const;
/** timestamptz as to_jsonb prints it, e.g. 2026-11-23T15:20:00.123456+00:00. */
export const timestampProperty = { type: 'string', maxLength: 40 } as const;
export const nullableTimestampProperty = { type: ['string', 'null'], maxLength: 40 } as const;
export const jsonObjectProperty = { type: 'object' } as const;

export const syncedRowProperties = {
  id: uuidProperty,
  tenant_id: uuidProperty,
  created_by: { type: ['string', 'null'], maxLength: 36 },
  created_at: timestampProperty,
  updated_at: timestampProperty,
  server_txid: { type: ['string', 'null'], maxLength: 24 },
} as const;

export const syncedRowRequired = ['id', 'tenant_id', 'created_at', 'updated_at'] as const;

/** Every list screen filters by tenant and sorts by recency. */
export const syncedRowIndexes = [['tenant_id', 'updated_at']];
