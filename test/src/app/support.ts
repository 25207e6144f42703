/** The app's real data core on Dexie over fake-indexeddb, with no server behind it. */
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { AppData } from '../../../src/app/data/app-data.ts';
import { createRxAppData } from '../../../src/app/data/rx-app-data.ts';
import { createStore } from '../../../src/app/data/store.ts';

export async function openLocalAppData(userId = crypto.randomUUID()): Promise<AppData> {
  return createRxAppData(
    { id: userId, email: 'tester@example.test' },
    {
      storage: getRxStorageDexie({ indexedDB, IDBKeyRange }) as RxStorage<unknown, unknown>,
      multiInstance: false,
      connect: () => ({
        state: createStore({ kind: 'offline', pendingChanges: null }),
        refreshTenants: async () => {},
        stop: async () => {},
      }),
    },
  );
}
