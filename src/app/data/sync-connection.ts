/**
 * Connects the local database to the server: loads supabase-js and the sync engine lazily
 * (after the first screen has rendered from IndexedDB) and reports their state as a Store.
 */
import type { FlowkeepDatabase, TenantDoc } from '../../db/index.ts';
import type { SignedInUser } from '../auth/session.ts';
import type { SyncState } from './app-data.ts';
import { createStore, type Store } from './store.ts';

export interface SyncConnection {
  state: Store<SyncState>;
  refreshTenants(): Promise<void>;
  stop(): Promise<void>;
}

export function connectSync(db: FlowkeepDatabase, _user: SignedInUser): SyncConnection {
  const state = createStore<SyncState>(
    navigator.onLine ? { kind: 'connecting' } : { kind: 'offline', pendingChanges: null },
  );
  let stopped = false;

  async function refreshTenants(): Promise<void> {
    const { fetchTenants } = await import('./organizations.ts');
    const fresh = await fetchTenants(_user.id);
    const now = new Date().toISOString();
    const docs: TenantDoc[] = fresh.map((t) => ({
      id: t.id,
      name: t.name,
      role: t.role,
      slug: '',
      plan: 'free',
      status: 'active',
      settings: {},
      created_at: now,
      updated_at: now,
    }));
    await db.tenants.bulkUpsert(docs);
    const keep = new Set(fresh.map((t) => t.id));
    const gone = (await db.tenants.find().exec()).filter((doc) => !keep.has(doc.id));
    await Promise.all(gone.map((doc) => doc.remove()));
  }

  const onOnline = () =>
    void refreshTenants().then(
      () => !stopped && state.set({ kind: 'up-to-date', at: new Date().toISOString() }),
    );
  const onOffline = () => state.set({ kind: 'offline', pendingChanges: null });
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  if (navigator.onLine) {
    refreshTenants().then(
      () => !stopped && state.set({ kind: 'up-to-date', at: new Date().toISOString() }),
      (error: unknown) =>
        !stopped &&
        state.set({
          kind: 'error',
          reason: error instanceof Error ? error.message : String(error),
          retrying: false,
        }),
    );
  }

  return {
    state,
    refreshTenants,
    async stop() {
      stopped = true;
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    },
  };
}
