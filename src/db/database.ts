/**
 * The local database: one RxDB database per signed-in user holding every tenant they belong
 * to, so switching organization needs no network. Dexie storage (IndexedDB in the browser;
 * pass fake-indexeddb through `storage` in Node). Dev-mode checks and JSON-schema validation
 * only in development builds.
 */
import {
  addRxPlugin,
  createRxDatabase,
  type RxCollection,
  type RxCollectionCreator,
  type RxDatabase,
  type RxStorage,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  SYNCED_COLLECTIONS,
  SYNCED_SCHEMAS,
  type CollectionDocs,
  type SyncedCollection,
} from '../model/collections.ts';
import {
  rejectedChangeMigrations,
  rejectedChangeSchema,
  type RejectedChangeDoc,
} from '../model/rejected-change.ts';
import type { StoredDoc } from '../model/synced-row.ts';
import { tenantMigrations, tenantSchema, type TenantDoc } from '../model/tenant.ts';
import { createConflictHandler } from '../../sync/conflict-handler.ts';
import { withIndexedChangedSince } from './changed-since-storage.ts';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLeaderElectionPlugin);

export type SyncedRxCollection<C extends SyncedCollection> = RxCollection<
  StoredDoc<CollectionDocs[C]>
>;

export type FlowkeepCollections = { [C in SyncedCollection]: SyncedRxCollection<C> } & {
  tenants: RxCollection<TenantDoc>;
  rejected_changes: RxCollection<RejectedChangeDoc>;
};

/**
 * The database. Synced collections are optional in the type because a process may open only
 * some of them (free RxDB allows 13 open collections per JS process); the app opens all.
 */
export type FlowkeepDatabase = RxDatabase<
  Partial<Pick<FlowkeepCollections, SyncedCollection>> &
    Pick<FlowkeepCollections, 'tenants' | 'rejected_changes'>
>;

export interface CreateFlowkeepDatabaseOptions {
  /** The signed-in user's id: the database is named after it. */
  userId: string;
  /** Defaults to Dexie on the global IndexedDB. Node tests pass Dexie on fake-indexeddb. */
  storage?: RxStorage<unknown, unknown>;
  /** Which synced collections to open; all by default. */
  collections?: readonly SyncedCollection[];
  /** Several tabs share the database and elect one leader to sync; default true. */
  multiInstance?: boolean;
  /** Dev-mode checks and schema validation; default: the build's `import.meta.env.DEV`. */
  devMode?: boolean;
  /** Appended to the database name, e.g. to simulate two devices in one test process. */
  nameSuffix?: string;
}

export function databaseNameForUser(userId: string, suffix = ''): string {
  const safe = userId.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (safe.length === 0) {
    throw new Error(`Cannot open a local database for user id "${userId}": expected a uuid.`);
  }
  return `flowkeep_${safe}${suffix.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

function isDevelopmentBuild(): boolean {
  // import.meta.env exists under Vite (and Vitest); plain Node (tsx) has none.
  const env = (import.meta as { env?: { DEV?: boolean } }).env;
  return env?.DEV === true;
}

let devModeLoaded: Promise<void> | null = null;
function loadDevMode(): Promise<void> {
  devModeLoaded ??= import('rxdb/plugins/dev-mode').then(
    ({ RxDBDevModePlugin, disableWarnings }) => {
      disableWarnings();
      addRxPlugin(RxDBDevModePlugin);
    },
  );
  return devModeLoaded;
}

export async function createFlowkeepDatabase(
  options: CreateFlowkeepDatabaseOptions,
): Promise<FlowkeepDatabase> {
  const devMode = options.devMode ?? isDevelopmentBuild();
  let storage: RxStorage<unknown, unknown> = withIndexedChangedSince(
    options.storage ?? (getRxStorageDexie() as RxStorage<unknown, unknown>),
  );
  // Once loaded, dev-mode applies to every database in the page and demands validation.
  if (devMode || devModeLoaded) {
    await loadDevMode();
    const { wrappedValidateAjvStorage } = await import('rxdb/plugins/validate-ajv');
    storage = wrappedValidateAjvStorage({ storage });
  }
  const database = (await createRxDatabase({
    name: databaseNameForUser(options.userId, options.nameSuffix),
    storage,
    multiInstance: options.multiInstance ?? true,
    eventReduce: true,
    // The app reopens its database after sign-out/sign-in in the same page.
    closeDuplicates: true,
  })) as unknown as FlowkeepDatabase;

  const synced = options.collections ?? SYNCED_COLLECTIONS;
  const definitions: Record<string, RxCollectionCreator> = {
    tenants: { schema: tenantSchema, migrationStrategies: tenantMigrations },
    rejected_changes: {
      schema: rejectedChangeSchema,
      migrationStrategies: rejectedChangeMigrations,
    },
  };
  for (const name of synced) {
    definitions[name] = {
      ...(SYNCED_SCHEMAS[name] as RxCollectionCreator),
      conflictHandler: createConflictHandler(name),
    };
  }
  try {
    await database.addCollections(definitions);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
