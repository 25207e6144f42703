/** The local RxDB database: what the app and the sync engine open. */
export {
  createFlowkeepDatabase,
  databaseNameForUser,
  SYNCED_SCHEMAS,
  type CreateFlowkeepDatabaseOptions,
  type FlowkeepCollections,
  type FlowkeepDatabase,
  type SyncedRxCollection,
} from './database.ts';
export type { RejectedChangeDoc, StoredDoc, TenantDoc } from '../../sync/local-documents.ts';
