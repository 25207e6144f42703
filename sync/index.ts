/**
 * Flowkeep's sync layer (framework-free): replication of the local RxDB collections to
 * tenant-scoped Postgres through sync_pull / sync_push. Start with engine.ts.
 */
export { startSync, type StartSyncOptions, type SyncEngine } from './engine.ts';
export { overallStatus, type CollectionStatuses, type SyncStatus } from './status.ts';
export { createConflictHandler, documentsEqual } from './conflict-handler.ts';
export { mergeDocument, mergeFields, SERVER_MANAGED_FIELDS } from './merge-fields.ts';
export { mergeWorkflow, type WorkflowConflictEntry } from './merge-workflow.ts';
export { READ_ROLE } from './tenant-directory.ts';
export type { RejectedChangeDoc, StoredDoc, TenantDoc } from './local-documents.ts';
export * from './documents.ts';
