/**
 * Polling as the fallback to the live channel: a pull of everything when nothing else has
 * pulled for a while. The interval is short while the live channel is down (the only way to
 * hear of changes then) and long while it is up (a safety net for missed events).
 */
export interface PollSchedulerOptions {
  /** The wait between polls, read each time a poll is scheduled. */
  intervalMs: () => number;
  poll: () => void;
}

export class PollScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPull = Date.now();
  private stopped = false;

  constructor(private readonly options: PollSchedulerOptions) {}

  start(): void {
    this.schedule();
  }

  /** Something else just pulled everything: the next poll is a whole interval away. */
  pulled(): void {
    this.lastPull = Date.now();
    this.schedule();
  }

  /** The interval may have changed (the live channel went up or down). */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const wait = Math.max(0, this.lastPull + this.options.intervalMs() - Date.now());
    this.timer = setTimeout(() => {
      this.lastPull = Date.now();
      this.options.poll();
      this.schedule();
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
