/**
 * Sync status as the app shows it, per collection and overall.
 */
import type { Connection } from './connectivity.ts';
import type { SyncedCollection } from '../src/model/collections.ts';

export type SyncStatus =
  /** The browser is offline. */
  | { state: 'offline' }
  /** The browser is online but the server does not answer. */
  | { state: 'unreachable' }
  | { state: 'connecting' }
  | { state: 'pulling'; done: number; known: number }
  | { state: 'pushing'; count: number }
  | { state: 'idle'; lastSyncedAt: string | null }
  | { state: 'error'; reason: string; retryingInMs: number | null };

export type CollectionStatuses = Partial<Record<SyncedCollection, SyncStatus>>;

const PRIORITY: Record<SyncStatus['state'], number> = {
  offline: 7,
  unreachable: 6,
  error: 5,
  pushing: 4,
  pulling: 3,
  connecting: 2,
  idle: 1,
};

/** The overall status: the most pressing state of any collection; pulling sums progress. */
export function overallStatus(statuses: CollectionStatuses): SyncStatus {
  const all = Object.values(statuses);
  if (all.length === 0) return { state: 'connecting' };
  let worst = all[0]!;
  for (const status of all) if (PRIORITY[status.state] > PRIORITY[worst.state]) worst = status;
  if (worst.state === 'pulling') {
    let done = 0;
    let known = 0;
    for (const status of all) {
      if (status.state === 'pulling') {
        done += status.done;
        known += status.known;
      }
    }
    return { state: 'pulling', done, known };
  }
  if (worst.state === 'idle') {
    const times = all
      .map((status) => (status.state === 'idle' ? status.lastSyncedAt : null))
      .filter((time): time is string => time !== null)
      .sort();
    return { state: 'idle', lastSyncedAt: times[0] ?? null };
  }
  return worst;
}

/**
 * The engine's status: the connection first (offline and unreachable say everything the
 * user needs), then the collections. "Idle" (up to date) is only ever reported with no
 * unsent local change, counted after the last write: a change the server lacks shows as
 * pushing until it has it.
 */
export function engineStatus(
  statuses: CollectionStatuses,
  connection: Connection,
  unsent: { count: number; counted: boolean },
): SyncStatus {
  if (connection === 'offline') return { state: 'offline' };
  if (connection === 'unreachable') return { state: 'unreachable' };
  const overall = overallStatus(statuses);
  if (overall.state === 'idle' && (unsent.count > 0 || !unsent.counted)) {
    return { state: 'pushing', count: Math.max(unsent.count, 1) };
  }
  return overall;
}
