/** Always-visible sync status: offline, syncing (with progress), up to date, or the error. */
import { useSyncStatus } from '../data/hooks.ts';
import type { SyncState } from '../data/app-data.ts';

export function describeSyncState(state: SyncState): string {
  switch (state.kind) {
    case 'offline':
      return state.pendingChanges
        ? `Offline — ${state.pendingChanges} change${state.pendingChanges === 1 ? '' : 's'} saved here`
        : 'Offline — saved on this device';
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

export function SyncStatus() {
  const state = useSyncStatus();
  const text = describeSyncState(state);
  return (
    <div
      className={`sync-status sync-${state.kind}`}
      role="status"
      aria-label="Sync status"
      title={text}
    >
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-text">{text}</span>
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
