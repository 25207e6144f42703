/**
 * The sync engine: one entry point that replicates every open synced collection of the
 * local database to the server, for the signed-in user, in the leader tab only.
 *
 *   const engine = startSync({ database, supabase, userId });
 *   engine.status$.subscribe(render);      // offline | connecting | pulling | pushing | idle | error
 *   engine.rejected$.subscribe(showToast); // a write the server refused (already undone locally)
 *   await engine.syncNow();                // "sync now" button
 *   await engine.stop();                   // on sign-out, before closing the database
 *
 * Pulls are triggered by the server's change channel, by polling as a fallback, by coming
 * back online and by token refreshes. Pushes follow local writes. Offline, everything stays
 * local and nothing is lost; the replications pause and resume on `online`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { RxCollection, RxDatabase } from 'rxdb';
import {
  BehaviorSubject,
  distinctUntilChanged,
  fromEvent,
  map,
  merge,
  Observable,
  of,
  startWith,
  Subject,
  type Subscription,
} from 'rxjs';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { CollectionReplication } from './collection-replication.ts';
import { SYNCED_COLLECTIONS, type SyncedCollection } from '../src/model/collections.ts';
import { openLiveChannel, type LiveChannel } from './live-channel.ts';
import type { RejectedChangeDoc } from '../src/model/rejected-change.ts';
import type { TenantDoc } from '../src/model/tenant.ts';
import { SyncRemote } from './remote.ts';
import { overallStatus, type CollectionStatuses, type SyncStatus } from './status.ts';
import { TenantDirectory } from './tenant-directory.ts';

export interface StartSyncOptions {
  /** The database from src/db's createFlowkeepDatabase (any RxDatabase with those collections). */
  // Typed loosely so that sync/ need not import src/db's collection types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  database: RxDatabase<any>;
  supabase: SupabaseClient;
  userId: string;
  /** Connectivity; defaults to the browser's online/offline events (always online in Node). */
  online$?: Observable<boolean>;
  /** Which collections to sync; default every synced collection open in the database. */
  collections?: readonly SyncedCollection[];
  pullBatchSize?: number;
  pushBatchSize?: number;
  /** Pull this often even when the change channel is quiet (default 60 s). */
  pollIntervalMs?: number;
  /** Pull this often while the change channel is down (default 5 s). */
  fallbackPollIntervalMs?: number;
  /** Use the server's change channel (default true). */
  live?: boolean;
  retry?: BackoffOptions;
}

export interface SyncEngine {
  /** Overall status: the most pressing state among the collections. */
  readonly status$: Observable<SyncStatus>;
  readonly collectionStatus$: Observable<CollectionStatuses>;
  /** Each write the server refused; the same entries are stored in `rejected_changes`. */
  readonly rejected$: Observable<RejectedChangeDoc>;
  /** The user's organizations with their role, from the local database (works offline). */
  readonly tenants$: Observable<TenantDoc[]>;
  /** Pull and push everything now; resolves when in sync. Throws while offline. */
  syncNow(): Promise<void>;
  /** Stops syncing (sign-out). Local data stays. */
  stop(): Promise<void>;
}

function browserOnline$(): Observable<boolean> {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return of(true);
  return merge(
    fromEvent(window, 'online').pipe(map(() => true)),
    fromEvent(window, 'offline').pipe(map(() => false)),
  ).pipe(startWith(navigator.onLine));
}

const TENANCY_TABLES = ['tenant_members', 'tenants'];

export function startSync(options: StartSyncOptions): SyncEngine {
  const { database, supabase, userId } = options;
  const collections = (options.collections ?? SYNCED_COLLECTIONS).filter(
    (name) => database.collections[name] !== undefined,
  );
  const tenantsCollection = database.collections['tenants'] as RxCollection<TenantDoc> | undefined;
  const rejectedCollection = database.collections['rejected_changes'] as
    RxCollection<RejectedChangeDoc> | undefined;
  if (!tenantsCollection || !rejectedCollection) {
    throw new Error(
      'startSync needs a database with the "tenants" and "rejected_changes" collections: open it with createFlowkeepDatabase from src/db.',
    );
  }

  const remote = new SyncRemote(supabase);
  const directory = new TenantDirectory({
    tenants: tenantsCollection,
    rejectedChanges: rejectedCollection,
    remote,
    userId,
    collections,
  });
  const statuses = new BehaviorSubject<CollectionStatuses>(
    Object.fromEntries(collections.map((name) => [name, { state: 'connecting' }])),
  );
  let online: boolean | null = null;
  const setStatus = (name: SyncedCollection, status: SyncStatus): void => {
    if (online === false && status.state !== 'offline') return;
    statuses.next({ ...statuses.getValue(), [name]: status });
  };
  const rejected = new Subject<RejectedChangeDoc>();
  const resync = new Map(collections.map((name) => [name, new Subject<'RESYNC'>()] as const));
  const backoffs = new Map(collections.map((name) => [name, new Backoff(options.retry)] as const));
  // The supabase URL names the server: another server means another replication checkpoint.
  const serverId = (supabase as unknown as { supabaseUrl?: string }).supabaseUrl ?? 'default';

  const replications = new Map(
    collections.map((name) => [
      name,
      new CollectionReplication({
        name,
        collection: database.collections[name] as RxCollection,
        rejectedChanges: rejectedCollection,
        remote,
        directory,
        serverId,
        pullBatchSize: options.pullBatchSize ?? 500,
        pushBatchSize: options.pushBatchSize ?? 1000,
        backoff: backoffs.get(name)!,
        resync$: resync.get(name)!.asObservable(),
        onStatus: (status) => setStatus(name, status),
        onRejected: (change) => rejected.next(change),
        whenOnline: () => whenOnline(),
      }),
    ]),
  );

  let started = false;
  let stopped = false;
  let channel: LiveChannel | null = null;
  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let lastPull = Date.now();
  const subscriptions: Subscription[] = [];

  const resyncAll = (): void => {
    lastPull = Date.now();
    for (const subject of resync.values()) subject.next('RESYNC');
  };

  const schedulePoll = (): void => {
    if (stopped) return;
    pollTimer = setTimeout(() => {
      const channelUp = channelConnected;
      const interval = channelUp
        ? (options.pollIntervalMs ?? 60_000)
        : (options.fallbackPollIntervalMs ?? 5_000);
      if (online && started && Date.now() - lastPull >= interval) resyncAll();
      schedulePoll();
    }, 1000);
  };
  let channelConnected = false;

  // Handlers wait here while offline (see CollectionReplication's whenOnline).
  let onlineWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const whenOnline = (): Promise<void> => {
    if (stopped) return Promise.reject(new Error('Sync stopped'));
    if (online) return Promise.resolve();
    return new Promise((resolve, reject) => onlineWaiters.push({ resolve, reject }));
  };
  const releaseWaiters = (error?: Error): void => {
    const waiters = onlineWaiters;
    onlineWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  };
  let replicationsStarted = false;

  const goOnline = async (): Promise<void> => {
    for (const backoff of backoffs.values()) backoff.wake();
    for (const name of collections) setStatus(name, { state: 'connecting' });
    releaseWaiters();
    if (!replicationsStarted) {
      replicationsStarted = true;
      for (const replication of replications.values()) await replication.state.start();
    } else {
      resyncAll();
    }
    if (options.live !== false && !channel) {
      channel = openLiveChannel(supabase, [...collections, ...TENANCY_TABLES]);
      subscriptions.push(
        channel.connected$.subscribe((connected) => {
          channelConnected = connected;
          // Changes made while the channel was down are only found by pulling.
          if (connected) resyncAll();
        }),
        channel.changes$.subscribe((table) => {
          if (TENANCY_TABLES.includes(table)) {
            void directory.refresh(true).then(resyncAll);
          } else {
            resync.get(table as SyncedCollection)?.next('RESYNC');
          }
        }),
      );
    }
  };

  const goOffline = async (): Promise<void> => {
    for (const name of collections) setStatus(name, { state: 'offline' });
    if (channel) {
      const closing = channel;
      channel = null;
      channelConnected = false;
      await closing.close();
    }
  };

  let transition: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    if (database.multiInstance) await database.waitForLeadership();
    if (stopped) return;
    started = true;
    subscriptions.push(
      (options.online$ ?? browserOnline$()).pipe(distinctUntilChanged()).subscribe((isOnline) => {
        online = isOnline;
        transition = transition.then(() =>
          stopped ? undefined : isOnline ? goOnline() : goOffline(),
        );
      }),
    );
    const { data } = supabase.auth.onAuthStateChange((event) => {
      if (event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN') {
        for (const backoff of backoffs.values()) backoff.wake();
      }
    });
    subscriptions.push({ unsubscribe: () => data.subscription.unsubscribe() } as Subscription);
    schedulePoll();
  };
  const started$ = start();

  return {
    status$: statuses.pipe(map((all) => overallStatus(all))),
    collectionStatus$: statuses.asObservable(),
    rejected$: rejected.asObservable(),
    tenants$: tenantsCollection
      .find({ sort: [{ name: 'asc' }] })
      .$.pipe(map((docs) => docs.map((doc) => doc.toJSON() as TenantDoc))),

    async syncNow() {
      await started$;
      await transition;
      if (!online) {
        throw new Error(
          'Offline: your changes are kept on this device and will sync when the connection returns.',
        );
      }
      for (const backoff of backoffs.values()) backoff.wake();
      // The pull cycle below reads memberships first; one request pair, not two.
      directory.markStale();
      lastPull = Date.now();
      await Promise.all(
        [...replications].map(async ([, replication]) => {
          // A replication that has not pulled yet is starting its first cycle anyway: a
          // resync now would only make RxDB rescan what that cycle is writing.
          const before = replication.pullCalls;
          if (before > 0) replication.requestResync();
          const deadline = Date.now() + 60_000;
          while (replication.pullCalls <= before && Date.now() < deadline && !stopped) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          await replication.state.awaitInSync();
        }),
      );
    },

    async stop() {
      stopped = true;
      releaseWaiters(new Error('Sync stopped'));
      if (pollTimer) clearTimeout(pollTimer);
      await transition;
      for (const subscription of subscriptions) subscription.unsubscribe();
      for (const backoff of backoffs.values()) backoff.wake();
      await Promise.all([...replications.values()].map((r) => r.state.cancel()));
      if (channel) await channel.close();
      channel = null;
      statuses.complete();
      rejected.complete();
    },
  };
}
