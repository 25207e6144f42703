/**
 * kb_documents: the documents of a knowledge base (text content and metadata).
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { KbDocumentDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  jsonObjectProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
  uuidProperty,
} from './synced-row.ts';

export const kbDocumentSchema: RxJsonSchema<StoredDoc<KbDocumentDoc>> = {
  title: 'kb_documents',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    knowledge_base_id: uuidProperty,
    name: { type: 'string', maxLength: 500 },
    mime_type: { type: 'string' },
    content: { type: 'string' },
    size_bytes: { type: 'integer' },
    status: { type: 'string', enum: ['pending', 'processing', 'ready', 'failed'] },
    metadata: jsonObjectProperty,
  },
  required: [...syncedRowRequired, 'knowledge_base_id', 'name', 'status'],
  indexes: [...syncedRowIndexes, ['tenant_id', 'knowledge_base_id']],
};

export const kbDocumentMigrations: MigrationStrategies = {};
