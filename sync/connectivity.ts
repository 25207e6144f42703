/**
 * The online gate: may sync requests go out now? Two things must hold: the browser says it
 * is online, and the server answered the last time anyone asked. A browser that is offline
 * and a server that cannot be reached are the same situation for the user (work stays on
 * the device and syncs later), so both close the gate; only the reason differs.
 *
 * Requests wait at `whenConnected()` instead of failing and backing off on their own: while
 * the server is unreachable one probe asks whether it is back, starting at once and then
 * with a short capped backoff, so recovery after an outage of any length takes at most
 * `probeMaxMs` (plus one request), and no request storm follows the outage. The probe is
 * cut short by `wake()` (window focus, the live channel reconnecting, "sync now").
 */
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { Backoff } from './backoff.ts';

export type Connection = 'online' | 'offline' | 'unreachable';

export class SyncStoppedError extends Error {
  constructor() {
    super('Sync stopped');
    this.name = 'SyncStoppedError';
  }
}

export interface ConnectivityOptions {
  /** The browser's online/offline state. */
  online$: Observable<boolean>;
  /** Resolves when the server answers; rejects when it cannot be reached. */
  probe: () => Promise<void>;
  /** First wait between probes (default 500 ms). */
  probeInitialMs?: number;
  /** Longest wait between probes (default 3 s): bounds how long recovery can take. */
  probeMaxMs?: number;
}

export class Connectivity {
  private readonly state = new BehaviorSubject<Connection>('offline');
  private browserOnline = false;
  private stopped = false;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private probing = false;
  private readonly probeBackoff: Backoff;
  private readonly subscription: Subscription;

  constructor(private readonly options: ConnectivityOptions) {
    this.probeBackoff = new Backoff({
      initialMs: options.probeInitialMs ?? 500,
      maxMs: options.probeMaxMs ?? 3_000,
    });
    this.subscription = options.online$.subscribe((online) => {
      this.browserOnline = online;
      if (!online) this.set('offline');
      // Back online: assume the server is there; the first request that fails says otherwise.
      else if (this.state.getValue() === 'offline') this.set('online');
    });
  }

  get state$(): Observable<Connection> {
    return this.state.asObservable();
  }

  get current(): Connection {
    return this.state.getValue();
  }

  /** Resolves once requests may go out; rejects with SyncStoppedError once sync stops. */
  whenConnected(): Promise<void> {
    if (this.stopped) return Promise.reject(new SyncStoppedError());
    if (this.state.getValue() === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** A request could not reach the server: close the gate and probe until it answers. */
  reportUnreachable(): void {
    if (this.stopped || !this.browserOnline || this.state.getValue() !== 'online') return;
    this.set('unreachable');
    void this.probeUntilReachable();
  }

  /** A good moment to look again (focus, live channel back): probe now instead of later. */
  wake(): void {
    this.probeBackoff.wake();
  }

  /** Asks the server once, now; true when it answered. */
  async probeNow(): Promise<boolean> {
    if (this.state.getValue() !== 'unreachable') return this.state.getValue() === 'online';
    this.wake();
    try {
      await this.options.probe();
    } catch {
      return false;
    }
    if (this.state.getValue() === 'unreachable') this.set('online');
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.subscription.unsubscribe();
    this.probeBackoff.wake();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new SyncStoppedError());
    this.state.complete();
  }

  private async probeUntilReachable(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      while (!this.stopped && this.state.getValue() === 'unreachable') {
        await this.probeBackoff.failed();
        if (this.stopped || this.state.getValue() !== 'unreachable') break;
        try {
          await this.options.probe();
          this.probeBackoff.succeeded();
          if (this.state.getValue() === 'unreachable') this.set('online');
        } catch {
          // Still down: the next probe waits a little longer, up to probeMaxMs.
        }
      }
    } finally {
      this.probing = false;
      this.probeBackoff.succeeded();
    }
  }

  private set(next: Connection): void {
    if (this.stopped || this.state.getValue() === next) return;
    this.state.next(next);
    if (next !== 'online') return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }
}
