/**
 * Exponential backoff with jitter for failed sync requests: 1 s, 2 s, 4 s ... up to a cap,
 * reset by the first success. `wake()` cuts a wait short (back online, "sync now").
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** For tests: a deterministic random source. */
  random?: () => number;
}

export class Backoff {
  private failures = 0;
  private wakers = new Set<() => void>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  /** How long the next failure will wait before its retry. */
  nextDelayMs(): number {
    const exponential = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    // +-20 % so many clients that failed together do not retry together.
    return Math.round(exponential * (0.8 + 0.4 * this.random()));
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** Records a failure and waits before the caller retries. */
  async failed(): Promise<void> {
    const delay = this.nextDelayMs();
    this.failures++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      const wakers = this.wakers;
      function done(): void {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }

  wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
