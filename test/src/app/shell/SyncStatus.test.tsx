// @vitest-environment jsdom
import type { ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { AppData, SyncState } from '../../../../src/app/data/app-data.ts';
import { AppDataContext } from '../../../../src/app/data/hooks.ts';
import { createStore } from '../../../../src/app/data/store.ts';
import { explainSyncState, SyncNotice, SyncStatus } from '../../../../src/app/shell/SyncStatus.tsx';
import { toSyncPhase } from '../../../../src/app/data/sync-connection.ts';
import { openLocalAppData } from '../support.ts';

let data: AppData | null = null;
afterEach(async () => {
  cleanup();
  await data?.close();
  data = null;
});

const fresh = { unsent: 0, lastSyncedAt: null };

/** Renders `view` over a local data core whose sync state the test sets. */
async function renderWithState(initial: SyncState, view: ReactElement) {
  const state = createStore<SyncState>(initial);
  data = await openLocalAppData(undefined, state);
  render(<AppDataContext.Provider value={data}>{view}</AppDataContext.Provider>);
  return state;
}

describe('SyncStatus', () => {
  it('says offline, shows initial-sync progress, up to date, and errors with their reason', async () => {
    const state = await renderWithState(
      { kind: 'offline', cause: 'browser', ...fresh },
      <SyncStatus />,
    );
    const status = screen.getByRole('status', { name: 'Sync status' });
    expect(status.textContent).toBe('Offline');

    act(() => state.set({ kind: 'syncing', done: 250, total: 1000, initial: true, ...fresh }));
    expect(status.textContent).toBe('Syncing 250 of 1000');
    const progress = screen.getByRole('progressbar', { name: 'Initial sync progress' });
    expect(progress.getAttribute('value')).toBe('250');
    expect(progress.getAttribute('max')).toBe('1000');

    act(() => state.set({ kind: 'up-to-date', at: new Date().toISOString(), ...fresh }));
    expect(status.textContent).toBe('Up to date');
    expect(screen.queryByRole('progressbar')).toBeNull();

    act(() => state.set({ kind: 'error', reason: 'JWT expired', retrying: true, ...fresh }));
    expect(status.textContent).toBe('Sync error: JWT expired (retrying)');
  });

  it('shows the count of unsent changes whenever it is not zero', async () => {
    const state = await renderWithState(
      { kind: 'offline', cause: 'server', ...fresh },
      <SyncStatus />,
    );
    const status = screen.getByRole('status', { name: 'Sync status' });
    expect(status.textContent).toBe("Can't reach the server");
    act(() => state.set({ kind: 'offline', cause: 'server', unsent: 1, lastSyncedAt: null }));
    expect(status.textContent).toBe("Can't reach the server · 1 unsent change");
    act(() => state.set({ kind: 'connecting', unsent: 3, lastSyncedAt: null }));
    expect(status.textContent).toBe('Connecting… · 3 unsent changes');
    act(() => state.set({ kind: 'error', reason: 'boom', retrying: true, ...fresh, unsent: 2 }));
    expect(status.textContent).toBe('Sync error: boom (retrying) · 2 unsent changes');
  });

  it('explains offline and an unreachable server calmly, with the last sync time', async () => {
    const now = new Date('2026-12-04T15:30:00');
    const lastSyncedAt = new Date('2026-12-04T15:20:00').toISOString();
    const server = explainSyncState(
      { kind: 'offline', cause: 'server', unsent: 2, lastSyncedAt },
      now,
    );
    expect(server).toMatch(
      /^Can't reach the server — changes are saved on this device and will sync when it's back\. Last synced at \d/,
    );
    expect(server).not.toMatch(/TypeError|fetch/i);
    expect(
      explainSyncState({ kind: 'offline', cause: 'browser', unsent: 0, lastSyncedAt: null }, now),
    ).toBe(
      "You're offline — changes are saved on this device and will sync when you're back online. This device has not synced yet.",
    );
    expect(explainSyncState({ kind: 'up-to-date', at: lastSyncedAt, ...fresh })).toBeNull();

    const state = await renderWithState(
      { kind: 'offline', cause: 'server', ...fresh },
      <SyncNotice />,
    );
    expect(screen.getByRole('note', { name: 'Connection' }).textContent).toMatch(
      /^Can't reach the server/,
    );
    act(() => state.set({ kind: 'up-to-date', at: lastSyncedAt, ...fresh }));
    expect(screen.queryByRole('note', { name: 'Connection' })).toBeNull();
  });

  it('maps the sync engine’s states, counting progress only on the first full sync', () => {
    expect(toSyncPhase({ state: 'pulling', done: 10, known: 100 }, true)).toEqual({
      kind: 'syncing',
      done: 10,
      total: 100,
      initial: true,
    });
    expect(toSyncPhase({ state: 'pulling', done: 0, known: 0 }, false)).toEqual({
      kind: 'syncing',
      done: 0,
      total: null,
      initial: false,
    });
    expect(toSyncPhase({ state: 'idle', lastSyncedAt: '2026-11-23T15:00:00Z' }, false)).toEqual({
      kind: 'up-to-date',
      at: '2026-11-23T15:00:00Z',
    });
    expect(toSyncPhase({ state: 'error', reason: 'boom', retryingInMs: null }, false)).toEqual({
      kind: 'error',
      reason: 'boom',
      retrying: false,
    });
    expect(toSyncPhase({ state: 'offline' }, true)).toEqual({ kind: 'offline', cause: 'browser' });
    expect(toSyncPhase({ state: 'unreachable' }, true)).toEqual({
      kind: 'offline',
      cause: 'server',
    });
  });
});
