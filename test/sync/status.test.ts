import { describe, expect, it } from 'vitest';
import { Backoff } from '../../sync/backoff.ts';
import { engineStatus, overallStatus } from '../../sync/status.ts';

describe('overallStatus', () => {
  it('shows the most pressing state of any collection', () => {
    expect(
      overallStatus({
        workflows: { state: 'idle', lastSyncedAt: 'b' },
        secrets: { state: 'error', reason: 'boom', retryingInMs: 1000 },
        connectors: { state: 'pushing', count: 3 },
      }),
    ).toEqual({ state: 'error', reason: 'boom', retryingInMs: 1000 });
    expect(
      overallStatus({
        workflows: { state: 'offline' },
        secrets: { state: 'error', reason: 'x', retryingInMs: null },
      }),
    ).toEqual({
      state: 'offline',
    });
  });

  it('sums pulling progress across collections', () => {
    expect(
      overallStatus({
        workflows: { state: 'pulling', done: 10, known: 100 },
        executions: { state: 'pulling', done: 5, known: 20 },
        secrets: { state: 'idle', lastSyncedAt: null },
      }),
    ).toEqual({ state: 'pulling', done: 15, known: 120 });
  });

  it('reports idle with the oldest last sync time', () => {
    expect(
      overallStatus({
        workflows: { state: 'idle', lastSyncedAt: '2026-01-02' },
        secrets: { state: 'idle', lastSyncedAt: '2026-01-01' },
      }),
    ).toEqual({ state: 'idle', lastSyncedAt: '2026-01-01' });
  });
});

describe('engineStatus', () => {
  const idle = { workflows: { state: 'idle', lastSyncedAt: '2026-01-01' } } as const;

  it('is up to date only with nothing unsent, counted after the last write', () => {
    expect(engineStatus(idle, 'online', { count: 0, counted: true })).toEqual({
      state: 'idle',
      lastSyncedAt: '2026-01-01',
    });
    expect(engineStatus(idle, 'online', { count: 2, counted: true })).toEqual({
      state: 'pushing',
      count: 2,
    });
    expect(engineStatus(idle, 'online', { count: 0, counted: false }).state).toBe('pushing');
  });

  it('puts the connection first: offline, or a server that does not answer', () => {
    expect(engineStatus(idle, 'offline', { count: 3, counted: true })).toEqual({
      state: 'offline',
    });
    expect(
      engineStatus(
        { workflows: { state: 'error', reason: 'boom', retryingInMs: 10 } },
        'unreachable',
        { count: 0, counted: true },
      ),
    ).toEqual({ state: 'unreachable' });
  });
});

describe('Backoff', () => {
  it('doubles the wait after each failure up to the cap, and resets on success', async () => {
    const backoff = new Backoff({ initialMs: 1, maxMs: 8, random: () => 0.5 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await backoff.failed();
      delays.push(backoff.nextDelayMs());
    }
    expect(delays).toEqual([2, 4, 8, 8, 8]);
    backoff.succeeded();
    expect(backoff.nextDelayMs()).toBe(1);
  });

  it('can be woken early', async () => {
    const backoff = new Backoff({ initialMs: 60_000, maxMs: 60_000 });
    const waiting = backoff.failed();
    backoff.wake();
    await expect(waiting).resolves.toBeUndefined();
  });
});
