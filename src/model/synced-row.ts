/**
 * What every synced record shares: the bookkeeping columns each Postgres table has
 * (supabase/migrations), their JSON-schema pieces, and RxDB's own storage fields. Server-only
 * columns (`_txid`) never reach a local document; `server_txid` carries it so a push can name
 * the version it saw (RxDB reserves top-level names that start with `_`). `_deleted` is RxDB's
 * own field and is not declared in the schemas.
 */
import type { Timestamp } from './json.ts';

/** Columns every synced table has. */
export interface SyncedRow {
  id: string;
  tenant_id: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** `_txid` of the server version this document was last pulled at; null before first push. */
  server_txid?: string | null;
  _deleted: boolean;
}

/**
 * A synced document as RxDB stores it: RxDB owns `_deleted` (it adds the field itself), so
 * the schemas and collections are typed without it.
 */
export type StoredDoc<T> = Omit<T, '_deleted'>;

/** RxDB's storage bookkeeping on a stored document: never replicated, merged or compared. */
export const RXDB_STORAGE_FIELDS: readonly string[] = ['_meta', '_rev', '_attachments'];

/** A copy of `doc` without RxDB's storage bookkeeping. */
export function withoutStorageFields(doc: object): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const field of RXDB_STORAGE_FIELDS) delete copy[field];
  return copy;
}

/** uuid as Postgres prints it. */
export const uuidProperty = { type: 'string', maxLength: 36 } as const;
/** timestamptz as to_jsonb prints it, e.g. 2026-11-23T15:20:00.123456+00:00. */
export const timestampProperty = { type: 'string', maxLength: 40 } as const;
export const nullableTimestampProperty = { type: ['string', 'null'], maxLength: 40 } as const;
export const jsonObjectProperty = { type: 'object' } as const;

/** The bookkeeping columns' part of every synced collection's schema. */
export const syncedRowSchema = {
  properties: {
    id: uuidProperty,
    tenant_id: uuidProperty,
    created_by: { type: ['string', 'null'], maxLength: 36 },
    created_at: timestampProperty,
    updated_at: timestampProperty,
    server_txid: { type: ['string', 'null'], maxLength: 24 },
  },
  required: ['id', 'tenant_id', 'created_at', 'updated_at'],
  /** Every list screen filters by tenant and sorts by recency. */
  indexes: [['tenant_id', 'updated_at']],
} as const;

/**
 * A record's `new…()` factory: the bookkeeping columns of a record created on this device
 * (before its first push), then the table's defaults (a fresh object each time), then `fields`.
 */
export function recordFactory<T extends SyncedRow>(
  defaults: () => Omit<StoredDoc<T>, keyof SyncedRow>,
): (tenantId: string, fields?: Partial<StoredDoc<T>>) => StoredDoc<T> {
  return (tenantId, fields = {}) => {
    const at = new Date().toISOString();
    const row: StoredDoc<SyncedRow> = {
      id: globalThis.crypto.randomUUID(),
      tenant_id: tenantId,
      created_by: null,
      created_at: at,
      updated_at: at,
      server_txid: null,
    };
    return { ...row, ...defaults(), ...fields } as StoredDoc<T>;
  };
}
