/** The local RxDB database: what the app and the sync engine open. */
export {
  createFlowkeepDatabase,
  databaseNameForUser,
  type CreateFlowkeepDatabaseOptions,
  type FlowkeepCollections,
  type FlowkeepDatabase,
  type SyncedRxCollection,
} from './database.ts';
