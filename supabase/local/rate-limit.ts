/**
 * Fixed-window counters per key (a client address, an account), in memory. Bounded: expired
 * windows are swept when the table grows, and past `maxKeys` the oldest windows are dropped
 * (which only ever forgives, never blocks someone wrongly).
 */

export interface RateLimit {
  /** Attempts allowed per window. */
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly rule: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one attempt; answers null if allowed, else the seconds until it would be. */
  take(key: string): number | null {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.rule.windowMs) {
      this.#windows.delete(key);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
      this.#bound(now);
    }
    if (window.count >= this.rule.limit) {
      return Math.max(1, Math.ceil((window.start + this.rule.windowMs - now) / 1000));
    }
    window.count++;
    return null;
  }

  /** Gives back one attempt (e.g. a sign-in that turned out to be right). */
  refund(key: string): void {
    const window = this.#windows.get(key);
    if (window && window.count > 0) window.count--;
  }

  #bound(now: number): void {
    if (this.#windows.size <= this.maxKeys) return;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.rule.windowMs) this.#windows.delete(key);
    }
    for (const key of this.#windows.keys()) {
      if (this.#windows.size <= this.maxKeys) break;
      this.#windows.delete(key);
    }
  }
}
