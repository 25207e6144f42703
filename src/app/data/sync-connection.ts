/**
 * Connects the local database to the server: loads supabase-js and the sync engine (sync/)
 * lazily, after the first screen has rendered from IndexedDB, and translates the engine's
 * status into the app's SyncState.
 */
import type { RxDatabase } from 'rxdb';
import { combineLatest } from 'rxjs';
import type { SyncEngine, SyncStatus } from '../../../sync/index.ts';
import type { FlowkeepDatabase } from '../../db/index.ts';
import type { SignedInUser } from '../auth/session.ts';
import type { SyncPhase, SyncState } from './app-data.ts';
import { createStore, type Store } from './store.ts';
import { afterFirstScreen } from '../first-screen.ts';

export interface SyncConnection {
  state: Store<SyncState>;
  /** Re-reads memberships from the server and pulls what changed (after joining or leaving). */
  refreshTenants(): Promise<void>;
  stop(): Promise<void>;
}

/** Set once this device has been fully in sync for the user: later pulls are not "initial". */
const syncedOnceKey = (userId: string) => `flowkeep.syncedOnce.${userId}`;
/** When this device last finished a sync, shown while offline or the server is away. */
const lastSyncedKey = (userId: string) => `flowkeep.lastSyncedAt.${userId}`;
export function toSyncPhase(status: SyncStatus, initial: boolean): SyncPhase {
  switch (status.state) {
    case 'offline':
      return { kind: 'offline', cause: 'browser' };
    case 'unreachable':
      return { kind: 'offline', cause: 'server' };
    case 'connecting':
      return { kind: 'connecting' };
    case 'pulling':
      return {
        kind: 'syncing',
        done: status.done,
        total: status.known > 0 ? status.known : null,
        initial,
      };
    case 'pushing':
      return { kind: 'syncing', done: 0, total: null, initial: false };
    case 'idle':
      return { kind: 'up-to-date', at: status.lastSyncedAt ?? new Date().toISOString() };
    case 'error':
      return { kind: 'error', reason: status.reason, retrying: status.retryingInMs !== null };
  }
}

export function connectSync(db: FlowkeepDatabase, user: SignedInUser): SyncConnection {
  let lastSyncedAt = localStorage.getItem(lastSyncedKey(user.id));
  const state = createStore<SyncState>({
    ...(navigator.onLine ? { kind: 'connecting' } : { kind: 'offline', cause: 'browser' as const }),
    unsent: 0,
    lastSyncedAt,
  });
  let stopped = false;
  let unsubscribe: (() => void) | null = null;

  const engine: Promise<SyncEngine | null> = (async () => {
    await afterFirstScreen();
    if (stopped) return null;
    const [{ startSync }, { getSupabase }] = await Promise.all([
      import('../../../sync/index.ts'),
      import('../auth/supabase-client.ts'),
    ]);
    const supabase = await getSupabase();
    if (stopped) return null;
    const started = startSync({
      database: db as unknown as RxDatabase,
      supabase,
      userId: user.id,
    });
    const subscription = combineLatest([started.status$, started.unsent$]).subscribe(
      ([status, unsent]) => {
        const initial = localStorage.getItem(syncedOnceKey(user.id)) === null;
        if (status.state === 'idle') {
          localStorage.setItem(syncedOnceKey(user.id), '1');
          lastSyncedAt = status.lastSyncedAt ?? new Date().toISOString();
          localStorage.setItem(lastSyncedKey(user.id), lastSyncedAt);
        }
        state.set({ ...toSyncPhase(status, initial), unsent, lastSyncedAt });
      },
    );
    unsubscribe = () => subscription.unsubscribe();
    return started;
  })();
  engine.catch((error: unknown) => {
    state.set({
      kind: 'error',
      reason: `sync could not start: ${error instanceof Error ? error.message : String(error)}`,
      retrying: false,
      unsent: state.get().unsent,
      lastSyncedAt,
    });
  });

  // Coming back to the app is a good moment to learn about new memberships and roles.
  let lastFocusRefresh = 0;
  const onVisible = () => {
    if (document.visibilityState !== 'visible' || !navigator.onLine) return;
    if (Date.now() - lastFocusRefresh < 10_000) return;
    lastFocusRefresh = Date.now();
    void engine.then((running) => running?.syncNow()).catch(() => {});
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('focus', onVisible);

  return {
    state,
    async refreshTenants() {
      const running = await engine;
      if (!running) throw new Error('Sync has stopped (signed out).');
      await running.syncNow();
    },
    async stop() {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
      const running = await engine.catch(() => null);
      unsubscribe?.();
      await running?.stop();
    },
  };
}
