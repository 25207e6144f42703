/**
 * kb_documents: the documents of a knowledge base (text content and metadata).
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { JsonObject } from './json.ts';
import {
  recordFactory,
  syncedRowSchema,
  jsonObjectProperty,
  uuidProperty,
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export const KB_DOCUMENT_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type KbDocumentStatus = (typeof KB_DOCUMENT_STATUSES)[number];

export interface KbDocumentDoc extends SyncedRow {
  knowledge_base_id: string;
  name: string;
  mime_type: string;
  content: string;
  size_bytes: number;
  status: KbDocumentStatus;
  metadata: JsonObject;
}

export const kbDocumentSchema: RxJsonSchema<StoredDoc<KbDocumentDoc>> = {
  title: 'kb_documents',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
    knowledge_base_id: uuidProperty,
    name: { type: 'string', maxLength: 500 },
    mime_type: { type: 'string' },
    content: { type: 'string' },
    size_bytes: { type: 'integer' },
    status: { type: 'string', enum: [...KB_DOCUMENT_STATUSES] },
    metadata: jsonObjectProperty,
  },
  required: [...syncedRowSchema.required, 'knowledge_base_id', 'name', 'status'],
  indexes: [...syncedRowSchema.indexes, ['tenant_id', 'knowledge_base_id']],
};

export const kbDocumentMigrations: MigrationStrategies = {};

const kbDocumentFactory = recordFactory<KbDocumentDoc>(() => ({
  knowledge_base_id: '',
  name: '',
  mime_type: 'text/plain',
  content: '',
  size_bytes: 0,
  status: 'pending',
  metadata: {},
}));

/** A new document of a knowledge base with the table's defaults (supabase/migrations). */
export function newKbDocument(
  tenantId: string,
  knowledgeBaseId: string,
  fields: Partial<StoredDoc<KbDocumentDoc>> = {},
): StoredDoc<KbDocumentDoc> {
  return kbDocumentFactory(tenantId, { knowledge_base_id: knowledgeBaseId, ...fields });
}
