/**
 * knowledge_bases: named sets of documents a workflow can retrieve from.
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
  type StoredDoc,
  type SyncedRow,
} from './synced-row.ts';

export interface KnowledgeBaseDoc extends SyncedRow {
  name: string;
  description: string;
  embedding_model: string | null;
  chunk_size: number;
  chunk_overlap: number;
  settings: JsonObject;
}

export const knowledgeBaseSchema: RxJsonSchema<StoredDoc<KnowledgeBaseDoc>> = {
  title: 'knowledge_bases',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...syncedRowSchema.properties,
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string' },
    embedding_model: { type: ['string', 'null'] },
    chunk_size: { type: 'integer' },
    chunk_overlap: { type: 'integer' },
    settings: jsonObjectProperty,
  },
  required: [...syncedRowSchema.required, 'name', 'chunk_size', 'chunk_overlap', 'settings'],
  indexes: syncedRowSchema.indexes,
};

export const knowledgeBaseMigrations: MigrationStrategies = {};

/** A new knowledge base with the table's defaults (supabase/migrations). */
export const newKnowledgeBase = recordFactory<KnowledgeBaseDoc>(() => ({
  name: '',
  description: '',
  embedding_model: null,
  chunk_size: 1000,
  chunk_overlap: 200,
  settings: {},
}));
