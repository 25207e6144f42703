/**
 * Always-visible sync status (offline, syncing with progress, up to date, or the error) with
 * the count of local changes the server does not have yet; and, while the device is offline
 * or the server cannot be reached, one calm notice saying that nothing is lost.
 */
import { useSyncStatus } from '../data/hooks.ts';
import type { SyncState } from '../data/app-data.ts';

function unsentLabel(unsent: number): string {
  return `${unsent} unsent change${unsent === 1 ? '' : 's'}`;
}

function phaseLabel(state: SyncState): string {
  switch (state.kind) {
    case 'offline':
      return state.cause === 'browser' ? 'Offline' : "Can't reach the server";
    case 'connecting':
      return 'Connecting…';
    case 'syncing':
      if (state.total !== null && state.total > 0) return `Syncing ${state.done} of ${state.total}`;
      return state.initial ? 'Downloading your data…' : 'Syncing…';
    case 'up-to-date':
      return 'Up to date';
    case 'error':
      return `Sync error: ${state.reason}${state.retrying ? ' (retrying)' : ''}`;
  }
}

/** The badge's text: the phase, and the unsent count whenever it is not zero. */
export function describeSyncState(state: SyncState): string {
  const phase = phaseLabel(state);
  return state.kind !== 'up-to-date' && state.unsent > 0
    ? `${phase} · ${unsentLabel(state.unsent)}`
    : phase;
}

function formatSyncTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return at.toDateString() === now.toDateString()
    ? `at ${time}`
    : `on ${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} at ${time}`;
}

/** The notice shown while changes cannot reach the server; null while they can. */
export function explainSyncState(state: SyncState, now?: Date): string | null {
  if (state.kind !== 'offline') return null;
  const what =
    state.cause === 'browser'
      ? "You're offline — changes are saved on this device and will sync when you're back online."
      : "Can't reach the server — changes are saved on this device and will sync when it's back.";
  const when = state.lastSyncedAt
    ? ` Last synced ${formatSyncTime(state.lastSyncedAt, now)}.`
    : ' This device has not synced yet.';
  return what + when;
}

export function SyncStatus() {
  const state = useSyncStatus();
  const text = describeSyncState(state);
  return (
    <div
      className={`sync-status sync-${state.kind}`}
      role="status"
      aria-label="Sync status"
      title={explainSyncState(state) ?? text}
    >
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-text">{phaseLabel(state)}</span>
      {/* Its own span so a long phase is cut short, never the count. */}
      {text !== phaseLabel(state) && (
        <span className="sync-unsent">{` · ${unsentLabel(state.unsent)}`}</span>
      )}
      {state.kind === 'syncing' && state.initial && (
        <progress
          aria-label="Initial sync progress"
          max={state.total ?? undefined}
          value={state.total ? state.done : undefined}
        />
      )}
    </div>
  );
}

/** A quiet line under the top bar while offline or while the server is away. */
export function SyncNotice() {
  const notice = explainSyncState(useSyncStatus());
  if (!notice) return null;
  return (
    <p className="sync-notice" role="note" aria-label="Connection">
      {notice}
    </p>
  );
}
