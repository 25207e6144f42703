/**
 * Local-only documents: what the device keeps about the user's tenants (so the organization
 * switcher works offline) and the writes the server refused (so the app can show why).
 * Neither is replicated by RxDB; the sync engine fills them.
 */
import type { JsonObject, SyncedCollection, TenantRole, Timestamp } from './documents.ts';

/** A tenant the signed-in user belongs to, with the user's role in it. */
export interface TenantDoc {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: string;
  settings: JsonObject;
  role: TenantRole;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A local write the server refused; the document itself was returned to the server state. */
export interface RejectedChangeDoc {
  /** `${collection}:${document_id}:${rejected_at}` — one entry per refusal. */
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

/**
 * A synced document as RxDB stores it: RxDB owns `_deleted` (it adds the field itself), so
 * the schemas and collections are typed without it.
 */
export type StoredDoc<T> = Omit<T, '_deleted'>;
