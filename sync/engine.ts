/**
 * The sync engine: one entry point that replicates every open synced collection of the
 * local database to the server, for the signed-in user, in the leader tab only.
 *
 *   const engine = startSync({ database, supabase, userId });
 *   engine.status$.subscribe(render);      // offline | unreachable | pulling | pushing | idle | error
 *   engine.unsent$.subscribe(showCount);   // local changes the server does not have yet
 *   engine.rejected$.subscribe(showToast); // a write the server refused (already undone locally)
 *   await engine.syncNow();                // "sync now" button
 *   await engine.stop();                   // on sign-out, before closing the database
 *
 * Its parts: the online gate (connectivity.ts) holds requests while the browser is offline
 * or the server unreachable and probes until it is back; one replication per collection
 * (collection-replication.ts) retries its requests until they succeed; pulls are triggered
 * by the server's change channel (live-trigger.ts), by polling as a fallback
 * (poll-scheduler.ts), by coming back online, by focus and by token refreshes.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { RxCollection, RxDatabase } from 'rxdb';
import {
  BehaviorSubject,
  combineLatest,
  distinctUntilChanged,
  EMPTY,
  filter,
  firstValueFrom,
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
import { Connectivity } from './connectivity.ts';
import { SYNCED_COLLECTIONS, type SyncedCollection } from '../src/model/collections.ts';
import { LiveTrigger } from './live-trigger.ts';
import type { RejectedChangeDoc } from '../src/model/rejected-change.ts';
import type { TenantDoc } from '../src/model/tenant.ts';
import { PollScheduler } from './poll-scheduler.ts';
import { isServerUnreachable, SyncRemote } from './remote.ts';
import { engineStatus, type CollectionStatuses, type SyncStatus } from './status.ts';
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
  /** Good moments to look for the server again at once; default: window focus and the page
   * becoming visible. */
  wake$?: Observable<unknown>;
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
  /** Backoff after the server answered with an error (default 1 s doubling to 60 s). */
  retry?: BackoffOptions;
  /** Probing a server that cannot be reached: first and longest wait (default 0.5 s, 3 s). */
  probe?: { initialMs?: number; maxMs?: number };
}

export interface SyncEngine {
  /** Overall status: the most pressing state among the collections and the connection. */
  readonly status$: Observable<SyncStatus>;
  readonly collectionStatus$: Observable<CollectionStatuses>;
  /** Local changes (documents) the server does not have yet, all collections together. */
  readonly unsent$: Observable<number>;
  /** Each write the server refused; the same entries are stored in `rejected_changes`. */
  readonly rejected$: Observable<RejectedChangeDoc>;
  /** The user's organizations with their role, from the local database (works offline). */
  readonly tenants$: Observable<TenantDoc[]>;
  /** Pull and push everything now; resolves when in sync. Throws while offline or while the
   * server cannot be reached. */
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

function browserWake$(): Observable<unknown> {
  if (typeof window === 'undefined' || typeof document === 'undefined') return EMPTY;
  return merge(
    fromEvent(window, 'focus'),
    fromEvent(document, 'visibilitychange').pipe(map(() => document.visibilityState === 'visible')),
  );
}

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
  const connectivity = new Connectivity({
    online$: (options.online$ ?? browserOnline$()).pipe(distinctUntilChanged()),
    // Any answer means the server is there; only "no answer" keeps the gate closed.
    probe: () =>
      remote.memberships(userId).then(
        () => undefined,
        (error: unknown) => {
          if (isServerUnreachable(error)) throw error;
        },
      ),
    probeInitialMs: options.probe?.initialMs,
    probeMaxMs: options.probe?.maxMs,
  });
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
        onStatus: (status) => statuses.next({ ...statuses.getValue(), [name]: status }),
        onRejected: (change) => rejected.next(change),
        connectivity,
      }),
    ]),
  );
  const unsentChanges$ = combineLatest([...replications.values()].map((r) => r.unsent$)).pipe(
    map((all) => ({
      count: all.reduce((sum, unsent) => sum + unsent.count, 0),
      counted: all.every((unsent) => unsent.counted),
    })),
  );
  const unsent$ = unsentChanges$.pipe(
    map((unsent) => unsent.count),
    distinctUntilChanged(),
  );

  let stopped = false;
  const subscriptions: Subscription[] = [];
  const wakeAll = (): void => {
    connectivity.wake();
    for (const backoff of backoffs.values()) backoff.wake();
  };
  const resyncAll = (): void => {
    poller.pulled();
    for (const subject of resync.values()) subject.next('RESYNC');
  };
  const poller = new PollScheduler({
    intervalMs: () =>
      live?.connected
        ? (options.pollIntervalMs ?? 60_000)
        : (options.fallbackPollIntervalMs ?? 5_000),
    poll: () => {
      if (connectivity.current === 'online') resyncAll();
    },
  });
  const live =
    options.live === false
      ? null
      : new LiveTrigger({
          supabase,
          collections,
          onChange: (collection) => resync.get(collection)?.next('RESYNC'),
          onTenancyChange: () => void directory.refresh(true).then(resyncAll),
          onConnected: (connected) => {
            poller.schedule();
            if (!connected) return;
            // Back after a drop: the server may have been away, and changes made meanwhile
            // are only found by pulling.
            wakeAll();
            resyncAll();
          },
        });

  let transition: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    if (database.multiInstance) await database.waitForLeadership();
    if (stopped) return;
    // Started at once, online or not: the handlers wait at the online gate, and the
    // replications count unsent changes from the local database even while offline.
    for (const replication of replications.values()) await replication.state.start();
    if (stopped) return;
    subscriptions.push(
      connectivity.state$.subscribe((connection) => {
        transition = transition.then(async () => {
          if (stopped) return;
          if (connection === 'offline') {
            await live?.close();
            return;
          }
          if (connection === 'online') {
            wakeAll();
            resyncAll();
          }
          // Kept open while the server is unreachable: its reconnecting is the first sign
          // that the server is back.
          live?.open();
        });
      }),
      (options.wake$ ?? browserWake$()).subscribe(() => {
        wakeAll();
        if (connectivity.current === 'online') resyncAll();
      }),
    );
    const { data } = supabase.auth.onAuthStateChange((event) => {
      if (event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN') {
        for (const backoff of backoffs.values()) backoff.wake();
      }
    });
    subscriptions.push({ unsubscribe: () => data.subscription.unsubscribe() } as Subscription);
    poller.start();
  };
  const started$ = start();

  return {
    status$: combineLatest([statuses, connectivity.state$, unsentChanges$]).pipe(
      map(([all, connection, unsent]) => engineStatus(all, connection, unsent)),
    ),
    collectionStatus$: statuses.asObservable(),
    unsent$,
    rejected$: rejected.asObservable(),
    tenants$: tenantsCollection
      .find({ sort: [{ name: 'asc' }] })
      .$.pipe(map((docs) => docs.map((doc) => doc.toJSON() as TenantDoc))),

    async syncNow() {
      await started$;
      await transition;
      if (connectivity.current === 'offline') {
        throw new Error(
          'Offline: your changes are kept on this device and will sync when the connection returns.',
        );
      }
      if (connectivity.current === 'unreachable' && !(await connectivity.probeNow())) {
        throw new Error(
          "Can't reach the server: your changes are kept on this device and will sync when it's back.",
        );
      }
      wakeAll();
      // The pull cycle below reads memberships first; one request pair, not two.
      directory.markStale();
      poller.pulled();
      await Promise.all(
        [...replications.values()].map(async (replication) => {
          const pulled = replication.whenPulled();
          // A replication that has not pulled yet is starting its first cycle anyway: a
          // resync now would only make RxDB rescan what that cycle is writing.
          if (replication.pullCalls > 0) replication.requestResync();
          await pulled;
          await replication.state.awaitInSync();
        }),
      );
      // In sync includes knowing that nothing is left unsent (the count follows each cycle).
      await firstValueFrom(unsentChanges$.pipe(filter((unsent) => unsent.counted)), {
        defaultValue: undefined,
      });
    },

    async stop() {
      stopped = true;
      poller.stop();
      connectivity.stop();
      // Not `started$`: a tab that never became leader never finishes starting.
      await transition;
      for (const subscription of subscriptions) subscription.unsubscribe();
      await Promise.all([...replications.values()].map((r) => r.stop()));
      await live?.close();
      statuses.complete();
      rejected.complete();
    },
  };
}
