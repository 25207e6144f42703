/**
 * knowledge_bases: named sets of documents a workflow can retrieve from.
 *
 * Version history:
 *   0: first release.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import type { KnowledgeBaseDoc } from '../../../sync/documents.ts';
import type { StoredDoc } from '../../../sync/local-documents.ts';
import {
  jsonObjectProperty,
  syncedRowIndexes,
  syncedRowProperties,
  syncedRowRequired,
} from './synced-row.ts';

export const knowledgeBaseSchema: RxJsonSchema<StoredDoc<KnowledgeBaseDoc>> = {
  title: 'knowledge_bases',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowProperties,
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string' },
    embedding_model: { type: ['string', 'null'] },
    chunk_size: { type: 'integer' },
    chunk_overlap: { type: 'integer' },
    settings: jsonObjectProperty,
  },
  required: [...syncedRowRequired, 'name', 'chunk_size', 'chunk_overlap', 'settings'],
  indexes: syncedRowIndexes,
};

export const knowledgeBaseMigrations: MigrationStrategies = {};
