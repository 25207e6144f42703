/**
 * Flowkeep's sync layer (framework-free): replication of the local RxDB collections to
 * tenant-scoped Postgres through sync_pull / sync_push. Start with engine.ts;
 * the records it replicates live in src/model.
 */
export { startSync, type StartSyncOptions, type SyncEngine } from './engine.ts';
export { overallStatus, type CollectionStatuses, type SyncStatus } from './status.ts';
export { createConflictHandler, documentsEqual } from './conflict-handler.ts';
export { mergeDocument, mergeFields, SERVER_MANAGED_FIELDS } from './merge-fields.ts';
export { mergeWorkflow } from './merge-workflow.ts';
