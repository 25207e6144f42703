/**
 * rejected_changes (local only): writes the server refused, with the reason, so the app
 * can show them; the refused document itself was returned to the server's state.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { SyncedCollection } from './collections.ts';
import type { JsonObject, Timestamp } from './json.ts';
import { timestampProperty, uuidProperty } from './synced-row.ts';

/** A local write the server refused; the document itself was returned to the server state. */
export interface RejectedChangeDoc {
  /** `${collection}:${document_id}:${rejected_at}`: one entry per refusal. */
  id: string;
  /** The synced collection (`collection` is a reserved RxDocument property). */
  collection_name: SyncedCollection;
  document_id: string;
  tenant_id: string;
  /** The refused version of the document, as it was on this device. */
  document: JsonObject;
  /** Postgres SQLSTATE, e.g. 42501 (not allowed) or 23505 (duplicate). */
  code: string;
  /** The server's message. */
  message: string;
  /** A sentence for the user: what happened and what to do. */
  reason: string;
  rejected_at: Timestamp;
}

export const rejectedChangeSchema: RxJsonSchema<RejectedChangeDoc> = {
  title: 'rejected_changes',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 160 },
    collection_name: { type: 'string', maxLength: 40 },
    document_id: uuidProperty,
    tenant_id: uuidProperty,
    document: { type: 'object' },
    code: { type: 'string' },
    message: { type: 'string' },
    reason: { type: 'string' },
    rejected_at: timestampProperty,
  },
  required: [
    'id',
    'collection_name',
    'document_id',
    'tenant_id',
    'document',
    'code',
    'rejected_at',
  ],
  indexes: ['rejected_at'],
};

export const rejectedChangeMigrations: MigrationStrategies = {};
