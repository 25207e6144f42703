/** The app's real data core on Dexie over fake-indexeddb, with no server behind it. */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { AppData, SyncState } from '../../../src/app/data/app-data.ts';
import { createRxAppData } from '../../../src/app/data/rx-app-data.ts';
import { createStore, type WritableStore } from '../../../src/app/data/store.ts';

/**
 * `syncState` lets a test play the sync engine's part: it sets the state the shell shows.
 */
export async function openLocalAppData(
  userId: string = crypto.randomUUID(),
  syncState: WritableStore<SyncState> = createStore<SyncState>({
    kind: 'offline',
    cause: 'browser',
    unsent: 0,
    lastSyncedAt: null,
  }),
): Promise<AppData> {
  return createRxAppData(
    { id: userId, email: 'tester@example.test' },
    {
      storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) as RxStorage<unknown, unknown>,
      multiInstance: false,
      connect: () => ({
        state: syncState,
        refreshTenants: async () => {},
        stop: async () => {},
      }),
    },
  );
}
