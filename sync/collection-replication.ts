/**
 * Replication of one RxDB collection to its Postgres table through sync_pull / sync_push
 * (README, "Sync protocol"), on RxDB's replication protocol:
 * - pull: one sync_pull per batch, checkpointed by (_txid, id); the first pull of each cycle
 *   refreshes memberships, and rows of tenants the user can no longer read are removed
 *   locally by handing RxDB tombstones as if pulled (so no delete is ever pushed for them);
 * - push: one sync_push per batch; a no-op row is not sent; conflicts come back as the
 *   server row and are merged by the collection's conflict handler (sync/conflict-handler.ts);
 * - refused rows (RLS, constraint, lost membership) are recorded in `rejected_changes` and
 *   handed back to RxDB as the server state the device assumed (or a tombstone when the row
 *   never reached the server), which returns the local document to the server's state;
 * - a request that fails is retried inside the handler, never thrown to RxDB: RxDB's retry
 *   path breaks its task queue for good (its `retryTime` check throws on 0, and a rejected
 *   push lets a later checkpoint skip the unsent rows), so the handlers wait at the online
 *   gate while the server is unreachable and back off on server errors, until they succeed
 *   or sync stops.
 */
import type { RxCollection, RxReplicationPullStreamItem, WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { PullCheckpoint, SyncPushRejection, SyncPushRow } from './protocol.ts';
import type { SyncedCollection } from '../src/model/collections.ts';
import type { RejectedChangeDoc } from '../src/model/rejected-change.ts';
import { errorMessage } from '../src/model/errors.ts';
import { withoutStorageFields } from '../src/model/synced-row.ts';
import { Backoff } from './backoff.ts';
import { documentsEqual } from './conflict-handler.ts';
import { SyncStoppedError, type Connectivity } from './connectivity.ts';
import { rejectionReason } from './rejection-reason.ts';
import { isServerUnreachable, type SyncRemote } from './remote.ts';
import { countUnsentChanges } from './unsent-changes.ts';
import { fromServerRow, schemaFields, toServerState } from './row-mapping.ts';
import type { SyncStatus } from './status.ts';
import type { TenantDirectory } from './tenant-directory.ts';

type Doc = Record<string, unknown> & { id: string; tenant_id: string };

export interface UnsentChanges {
  count: number;
  /** False while a local write may not be in `count` yet. */
  counted: boolean;
}

export interface CollectionReplicationOptions {
  name: SyncedCollection;
  // RxCollection of any synced document type: handlers treat documents as plain records.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collection: RxCollection<any>;
  rejectedChanges: RxCollection<RejectedChangeDoc>;
  remote: SyncRemote;
  directory: TenantDirectory;
  /** Identifies the server, so pointing the app at another server starts a fresh sync. */
  serverId: string;
  pullBatchSize: number;
  pushBatchSize: number;
  /** How long local writes gather before a push goes out; default 20 ms. */
  pushCoalesceMs?: number;
  backoff: Backoff;
  /** Live changes from the server ('RESYNC' triggers a pull). */
  resync$: Observable<'RESYNC'>;
  onStatus: (status: SyncStatus) => void;
  onRejected: (change: RejectedChangeDoc) => void;
  /**
   * The online gate. Handlers wait there rather than RxDB being paused: a paused RxDB
   * replication drops local change events, and a write made around the resume could then
   * be skipped by the push checkpoint.
   */
  connectivity: Connectivity;
  now?: () => string;
}

/** The context RxDB's downstream gives its writes of pulled documents. */
const PULL_WRITE_CONTEXT = 'replication-downstream-';

/** Wait before RxDB retries a handler that threw; only happens once sync has stopped. */
const RXDB_RETRY_MS = 1000;

export class CollectionReplication {
  readonly state: RxReplicationState<Doc, PullCheckpoint>;
  /** Incremented on every pull handler call: lets syncNow know a pull cycle has begun. */
  pullCalls = 0;
  private readonly knownFields: ReadonlySet<string>;
  private progress: { done: number; known: number } | null = null;
  /** Rows known to this cycle by its last sync_pending_count (0: not counted yet). */
  private countedKnown = 0;
  private counting = false;
  private statusState: SyncStatus['state'] | null = null;
  private lastSyncedAt: string | null = null;
  private readonly stream = new Subject<RxReplicationPullStreamItem<Doc, PullCheckpoint>>();
  /**
   * Ids of documents whose push is under way, until RxDB has stored the pushed state as the
   * assumed master. A pulled row for such a document would be ignored by RxDB (the local copy
   * differs from the assumed master) and, once the checkpoint moves past it, never seen again;
   * so a pull stops just before it and resumes once the push has settled.
   */
  private readonly pushing = new Map<string, number>();
  private pullDeferred = false;
  private active = false;
  private resyncPending = false;
  /** The allowed-tenant set the last purge of foreign rows ran for. */
  private purgedFor: string | null = null;
  private stopped = false;
  private pullWaiters: (() => void)[] = [];
  /** `counted: false` from a write until the count that includes it is done. */
  private readonly unsent = new BehaviorSubject<UnsentChanges>({ count: 0, counted: false });
  private countingUnsent: Promise<void> | null = null;
  private recountRequested = false;

  constructor(private readonly options: CollectionReplicationOptions) {
    this.knownFields = schemaFields(options.collection.schema.jsonSchema.properties);
    options.resync$.subscribe(() => this.requestResync());
    this.state = replicateRxCollection<Doc, PullCheckpoint>({
      replicationIdentifier: `flowkeep-sync-${options.name}-${options.serverId}`,
      collection: options.collection,
      live: true,
      // Handlers retry themselves and never throw while sync runs (see the header). Never 0:
      // RxDB's retry path throws on a falsy retryTime.
      retryTime: RXDB_RETRY_MS,
      waitForLeadership: false, // the engine waits for leadership before starting
      autoStart: false,
      toggleOnDocumentVisible: false,
      pull: {
        batchSize: options.pullBatchSize,
        handler: (checkpoint, batchSize) => this.pullBatch(checkpoint ?? null, batchSize),
        stream$: this.stream.asObservable(),
      },
      push: {
        batchSize: options.pushBatchSize,
        handler: (rows) => this.pushBatch(rows),
        // One write can reach the upstream as several change events (RxDB's bulkUpsert
        // inserts, then updates the documents that existed); a short wait sends them as one
        // batch, and so does a burst of editor writes.
        waitBeforePersist: () =>
          new Promise((resolve) => setTimeout(resolve, options.pushCoalesceMs ?? 20)),
      },
    });
    // Whatever RxDB reports (storage errors in its queues) is recounted, never left unhandled.
    this.state.error$.subscribe(() => this.recountUnsent());
    // What an earlier session left unsent (a reload while offline) is counted from the start.
    this.recountUnsent();
    // Local writes change what is unsent; pulled ones do not, and a large pull is not slowed
    // by counting after each of its batches (the count runs again when the cycle settles).
    options.collection.eventBulks$.subscribe((bulk) => {
      if (!bulk.context.startsWith(PULL_WRITE_CONTEXT)) this.recountUnsent();
    });
    let wasActive = false;
    this.state.active$.subscribe((active) => {
      const settled = wasActive && !active;
      wasActive = active;
      this.active = active;
      if (settled) this.recountUnsent();
      if (settled && this.resyncPending) {
        this.resyncPending = false;
        this.stream.next('RESYNC');
        return;
      }
      if (settled && !this.state.isStopped() && this.options.backoff.consecutiveFailures === 0) {
        this.progress = null;
        this.lastSyncedAt = this.now();
        this.status({ state: 'idle', lastSyncedAt: this.lastSyncedAt });
      }
    });
  }

  /** Local changes the server does not have yet (see sync/unsent-changes.ts). */
  get unsent$(): Observable<UnsentChanges> {
    return this.unsent.asObservable();
  }

  /** Resolves after the next successful pull request of this collection. */
  whenPulled(): Promise<void> {
    return new Promise((resolve) => this.pullWaiters.push(resolve));
  }

  /** Stops the replication; handlers waiting at the online gate give up. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.backoff.wake();
    const waiters = this.pullWaiters;
    this.pullWaiters = [];
    for (const resolve of waiters) resolve();
    await this.state.cancel();
    // Not awaiting a count in progress: one that waits for a start that never comes (a tab
    // that never led) would hold sign-out; a count after this point is dropped.
    this.unsent.complete();
  }

  /** Counts unsent changes again, once at a time; a request during a count runs after it. */
  recountUnsent(): void {
    if (this.stopped) return;
    // Until the count is in, the last one may miss a write just made: never "up to date".
    const last = this.unsent.getValue();
    if (last.counted) this.unsent.next({ count: last.count, counted: false });
    if (this.countingUnsent) {
      this.recountRequested = true;
      return;
    }
    this.countingUnsent = (async () => {
      do {
        this.recountRequested = false;
        await this.state.startPromise;
        const internal = this.state.internalReplicationState;
        if (!internal || this.stopped) return;
        try {
          const count = await countUnsentChanges(internal);
          if (!this.stopped && !this.recountRequested) this.unsent.next({ count, counted: true });
        } catch {
          // The database is closing (sign-out): the count no longer matters.
          return;
        }
      } while (this.recountRequested && !this.stopped);
    })().finally(() => {
      this.countingUnsent = null;
    });
  }

  /**
   * Asks for a pull (and a scan for unpushed changes). While a cycle is running the request
   * is remembered and served once when it ends: each RESYNC makes RxDB rescan, so queueing
   * one per poll or change event would snowball on a large initial sync.
   */
  requestResync(): void {
    if (this.active) this.resyncPending = true;
    else this.stream.next('RESYNC');
  }

  private now(): string {
    return (this.options.now ?? (() => new Date().toISOString()))();
  }

  /**
   * Runs `what` until it succeeds: at the online gate while the server cannot be reached,
   * with backoff after an answer that is an error. Throws only once sync has stopped.
   */
  private async untilDone<T>(what: () => Promise<T>): Promise<T> {
    const { connectivity, backoff } = this.options;
    for (;;) {
      if (this.stopped) throw new SyncStoppedError();
      await connectivity.whenConnected();
      try {
        const result = await what();
        backoff.succeeded();
        return result;
      } catch (error) {
        if (this.stopped) throw new SyncStoppedError();
        if (isServerUnreachable(error)) {
          connectivity.reportUnreachable();
          continue;
        }
        const reason = errorMessage(error);
        this.status({ state: 'error', reason, retryingInMs: backoff.nextDelayMs() });
        await backoff.failed();
      }
    }
  }

  private async pullBatch(checkpoint: PullCheckpoint | null, batchSize: number) {
    await this.options.connectivity.whenConnected();
    this.pullCalls++;
    const { name, remote, directory, collection } = this.options;
    if (!this.progress) {
      this.progress = { done: 0, known: 0 };
      this.countedKnown = 0;
      this.status({ state: 'pulling', ...this.progress });
    }
    let rewind = false;
    const result = await this.untilDone(async () => {
      await directory.refresh();
      rewind = directory.takeRewind(name) || rewind;
      return remote.pull(name, rewind ? null : checkpoint, batchSize);
    });
    const waiters = this.pullWaiters;
    this.pullWaiters = [];
    for (const resolve of waiters) resolve();
    let rows = result.documents;
    let nextCheckpoint = result.checkpoint ?? checkpoint;
    const blocked = rows.findIndex((row) => this.pushing.has(String(row['id'])));
    if (blocked >= 0) {
      rows = rows.slice(0, blocked);
      const last = rows[rows.length - 1];
      nextCheckpoint = last ? { txid: String(last['_txid']), id: String(last['id']) } : checkpoint;
      this.pullDeferred = true;
    }
    const documents: WithDeleted<Doc>[] = rows.map((row) =>
      fromServerRow<WithDeleted<Doc>>(row, this.knownFields),
    );

    const allowed = directory.allowedTenants(name);
    // The local scan runs once per change of the allowed set (and once per session), not
    // once per batch: an initial pull of many batches must stay linear.
    const signature = allowed ? [...allowed].sort().join(',') : null;
    if (allowed && signature !== this.purgedFor) {
      this.purgedFor = signature;
      const pulledIds = new Set(documents.map((doc) => doc.id));
      const orphans = await collection
        .find({ selector: { tenant_id: { $nin: [...allowed] } } })
        .exec();
      for (const orphan of orphans) {
        const data = withoutStorageFields(orphan.toMutableJSON(true)) as Doc;
        if (pulledIds.has(data.id)) continue;
        documents.push({ ...data, _deleted: true } as WithDeleted<Doc>);
      }
    }

    const progress = this.progress ?? { done: 0, known: 0 };
    progress.done += rows.length;
    if (rows.length < batchSize) {
      progress.known = progress.done;
    } else {
      progress.known = Math.max(progress.known, progress.done);
      // Counted once per cycle, and again only if more rows arrived than were counted.
      if (!this.counting && progress.done > this.countedKnown) {
        this.countInBackground(progress, nextCheckpoint);
      }
    }
    this.progress = progress;
    this.status({ state: 'pulling', ...progress });
    return { documents, checkpoint: nextCheckpoint ?? undefined };
  }

  /**
   * Asks how many rows remain after `checkpoint` without holding up the pull: the count
   * scans every remaining row on the server, so awaiting it would delay the next batch.
   */
  private countInBackground(
    progress: { done: number; known: number },
    checkpoint: PullCheckpoint | null,
  ): void {
    this.counting = true;
    const countedFrom = progress.done;
    this.options.remote
      .pendingCount(this.options.name, checkpoint)
      .then((pending) => {
        if (this.progress !== progress) return; // that cycle is over
        this.countedKnown = countedFrom + pending;
        progress.known = Math.max(progress.known, this.countedKnown);
        if (this.statusState === 'pulling') this.status({ state: 'pulling', ...progress });
      })
      // Without a count the status shows rows done so far; the next full batch asks again.
      .catch(() => undefined)
      .finally(() => {
        this.counting = false;
      });
  }

  private status(status: SyncStatus): void {
    this.statusState = status.state;
    this.options.onStatus(status);
  }

  private async pushBatch(
    rows: { newDocumentState: WithDeleted<Doc>; assumedMasterState?: WithDeleted<Doc> }[],
  ): Promise<WithDeleted<Doc>[]> {
    const { name, remote } = this.options;
    const toSend: SyncPushRow[] = [];
    const sentById = new Map<string, (typeof rows)[number]>();
    const pristine = await this.pulledAndUntouched(rows);
    for (const row of rows) {
      const assumed = row.assumedMasterState;
      if (!assumed && typeof row.newDocumentState['server_txid'] === 'string') {
        // A pulled row whose assumed master RxDB has not stored yet (its upstream scan can
        // run between the downstream's two writes). Untouched since the pull: nothing to
        // send, and reporting no conflict makes RxDB store it as the master state, as the
        // downstream would. Edited since: push it against the server version it came from.
        if (pristine.has(row.newDocumentState.id)) continue;
        sentById.set(row.newDocumentState.id, row);
        toSend.push({
          newDocumentState: toServerState(row.newDocumentState),
          assumedMasterState: toServerState(row.newDocumentState),
        });
        continue;
      }
      // Nothing changed against the server version (e.g. a refused write just reverted).
      if (assumed && documentsEqual(assumed, row.newDocumentState)) continue;
      // Created and deleted here before it ever reached the server.
      if (!assumed && row.newDocumentState._deleted) continue;
      sentById.set(row.newDocumentState.id, row);
      toSend.push({
        newDocumentState: toServerState(row.newDocumentState),
        // A version without a server _txid was written by this device and not pulled back
        // yet: push it as an insert, and the server answers with its row as a conflict.
        assumedMasterState:
          assumed && typeof assumed['server_txid'] === 'string' ? toServerState(assumed) : null,
      });
    }
    if (toSend.length === 0) return [];
    await this.options.connectivity.whenConnected();
    this.status({ state: 'pushing', count: toSend.length });
    const ids = [...sentById.keys()];
    for (const id of ids) this.pushing.set(id, (this.pushing.get(id) ?? 0) + 1);
    // This handler runs inside RxDB's upstream queue: its tail settles after RxDB has written
    // the outcome of this push (assumed master states, resolved conflicts).
    const settled = this.state.internalReplicationState?.streamQueue.up ?? Promise.resolve();
    void settled
      .catch(() => undefined)
      .then(() => {
        for (const id of ids) {
          const count = (this.pushing.get(id) ?? 1) - 1;
          if (count <= 0) this.pushing.delete(id);
          else this.pushing.set(id, count);
        }
        if (this.pullDeferred && this.pushing.size === 0) {
          this.pullDeferred = false;
          this.requestResync();
        }
      });
    const result = await this.untilDone(() => remote.push(name, toSend));
    const conflicts: WithDeleted<Doc>[] = result.conflicts.map((row) =>
      fromServerRow<WithDeleted<Doc>>(row, this.knownFields),
    );
    const rejectedDocs: RejectedChangeDoc[] = [];
    for (const rejection of result.rejected) {
      const row = sentById.get(rejection.id);
      if (!row) continue;
      rejectedDocs.push(this.rejectedChange(row.newDocumentState, rejection));
      conflicts.push(
        row.assumedMasterState
          ? { ...row.assumedMasterState }
          : ({ ...row.newDocumentState, server_txid: null, _deleted: true } as WithDeleted<Doc>),
      );
    }
    if (rejectedDocs.length > 0) {
      // A refusal may come from lost access: look for foreign rows again on the next pull.
      this.purgedFor = null;
      await this.options.rejectedChanges.bulkUpsert(rejectedDocs);
      for (const doc of rejectedDocs) this.options.onRejected(doc);
    }
    return conflicts;
  }

  /** Ids among `rows` whose local document is exactly as the pull wrote it. */
  private async pulledAndUntouched(
    rows: { newDocumentState: WithDeleted<Doc>; assumedMasterState?: WithDeleted<Doc> }[],
  ): Promise<Set<string>> {
    const ids = rows
      .filter(
        (row) => !row.assumedMasterState && typeof row.newDocumentState['server_txid'] === 'string',
      )
      .map((row) => row.newDocumentState.id);
    const result = new Set<string>();
    if (ids.length === 0) return result;
    const stored = await this.options.collection.storageInstance.findDocumentsById(ids, true);
    for (const doc of stored as { id: string; _rev: string; _meta: { o?: { _rev: number } } }[]) {
      // RxDB's downstream marks what it writes with the revision height it wrote.
      if (doc._meta.o && doc._meta.o._rev === Number.parseInt(doc._rev, 10)) result.add(doc.id);
    }
    return result;
  }

  private rejectedChange(doc: WithDeleted<Doc>, rejection: SyncPushRejection): RejectedChangeDoc {
    const at = this.now();
    const document = toServerState(doc);
    delete document['_txid'];
    return {
      id: `${this.options.name}:${rejection.id}:${at}`,
      collection_name: this.options.name,
      document_id: rejection.id,
      tenant_id: doc.tenant_id,
      document,
      code: rejection.code,
      message: rejection.message,
      reason: rejectionReason(this.options.name, rejection.code),
      rejected_at: at,
    };
  }
}
