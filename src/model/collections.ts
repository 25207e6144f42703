/**
 * The synced collections: one per Postgres table of the same name (supabase/migrations), each
 * with its record type, RxDB schema and migrations.
 */
import { connectorMigrations, connectorSchema, type ConnectorDoc } from './connector.ts';
import { executionMigrations, executionSchema, type ExecutionDoc } from './execution.ts';
import { kbDocumentMigrations, kbDocumentSchema, type KbDocumentDoc } from './kb-document.ts';
import {
  knowledgeBaseMigrations,
  knowledgeBaseSchema,
  type KnowledgeBaseDoc,
} from './knowledge-base.ts';
import { secretMigrations, secretSchema, type SecretDoc } from './secret.ts';
import { workflowMigrations, workflowSchema, type WorkflowDoc } from './workflow.ts';

export const SYNCED_COLLECTIONS = [
  'workflows',
  'knowledge_bases',
  'kb_documents',
  'connectors',
  'secrets',
  'executions',
] as const;
export type SyncedCollection = (typeof SYNCED_COLLECTIONS)[number];

export interface CollectionDocs {
  workflows: WorkflowDoc;
  knowledge_bases: KnowledgeBaseDoc;
  kb_documents: KbDocumentDoc;
  connectors: ConnectorDoc;
  secrets: SecretDoc;
  executions: ExecutionDoc;
}

/** Schema and migration strategies of each synced collection, as RxDB's addCollections takes them. */
export const SYNCED_SCHEMAS = {
  workflows: { schema: workflowSchema, migrationStrategies: workflowMigrations },
  knowledge_bases: { schema: knowledgeBaseSchema, migrationStrategies: knowledgeBaseMigrations },
  kb_documents: { schema: kbDocumentSchema, migrationStrategies: kbDocumentMigrations },
  connectors: { schema: connectorSchema, migrationStrategies: connectorMigrations },
  secrets: { schema: secretSchema, migrationStrategies: secretMigrations },
  executions: { schema: executionSchema, migrationStrategies: executionMigrations },
} as const;
