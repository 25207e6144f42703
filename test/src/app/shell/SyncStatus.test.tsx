// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import type { AppData, SyncState } from '../../../../src/app/data/app-data.ts';
import { AppDataContext } from '../../../../src/app/data/hooks.ts';
import { createStore } from '../../../../src/app/data/store.ts';
import { SyncStatus } from '../../../../src/app/shell/SyncStatus.tsx';
import { toSyncState } from '../../../../src/app/data/sync-connection.ts';
import { openLocalAppData } from '../support.ts';

let data: AppData | null = null;
afterEach(async () => {
  cleanup();
  await data?.close();
  data = null;
});

describe('SyncStatus', () => {
  it('says offline, shows initial-sync progress, up to date, and errors with their reason', async () => {
    const state = createStore<SyncState>({ kind: 'offline', pendingChanges: null });
    data = await openLocalAppData(undefined, state);
    render(
      <AppDataContext.Provider value={data}>
        <SyncStatus />
      </AppDataContext.Provider>,
    );
    const status = screen.getByRole('status', { name: 'Sync status' });
    expect(status.textContent).toBe('Offline — saved on this device');

    act(() => state.set({ kind: 'syncing', done: 250, total: 1000, initial: true }));
    expect(status.textContent).toBe('Syncing 250 of 1000');
    const progress = screen.getByRole('progressbar', { name: 'Initial sync progress' });
    expect(progress.getAttribute('value')).toBe('250');
    expect(progress.getAttribute('max')).toBe('1000');

    act(() => state.set({ kind: 'up-to-date', at: new Date().toISOString() }));
    expect(status.textContent).toBe('Up to date');
    expect(screen.queryByRole('progressbar')).toBeNull();

    act(() => state.set({ kind: 'error', reason: 'JWT expired', retrying: true }));
    expect(status.textContent).toBe('Sync error: JWT expired (retrying)');
  });

  it('maps the sync engine’s states, counting progress only on the first full sync', () => {
    expect(toSyncState({ state: 'pulling', done: 10, known: 100 }, true)).toEqual({
      kind: 'syncing',
      done: 10,
      total: 100,
      initial: true,
    });
    expect(toSyncState({ state: 'pulling', done: 0, known: 0 }, false)).toEqual({
      kind: 'syncing',
      done: 0,
      total: null,
      initial: false,
    });
    expect(toSyncState({ state: 'idle', lastSyncedAt: '2026-11-23T15:00:00Z' }, false)).toEqual({
      kind: 'up-to-date',
      at: '2026-11-23T15:00:00Z',
    });
    expect(toSyncState({ state: 'error', reason: 'boom', retryingInMs: null }, false)).toEqual({
      kind: 'error',
      reason: 'boom',
      retrying: false,
    });
    expect(toSyncState({ state: 'offline' }, true)).toEqual({
      kind: 'offline',
      pendingChanges: null,
    });
  });
});
