import { describe, expect, it } from 'vitest';
import { Backoff } from '../../sync/backoff.ts';
import { overallStatus } from '../../sync/status.ts';

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
