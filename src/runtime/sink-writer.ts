/**
 * Hands record snapshots to the ExecutionSink as a run progresses without letting the sink set
 * the pace: the first change is written at once, later ones are gathered for an interval, one
 * write is in flight at a time, and the final record is always written last.
 */
import type { ExecutionRecord, ExecutionSink } from './execution-record.ts';

export class SinkWriter {
  readonly #sink: ExecutionSink | undefined;
  readonly #snapshot: () => ExecutionRecord;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight: Promise<void> | null = null;
  #dirty = false;
  #wroteOnce = false;
  #closed = false;

  constructor(
    sink: ExecutionSink | undefined,
    snapshot: () => ExecutionRecord,
    intervalMs: number,
  ) {
    this.#sink = sink;
    this.#snapshot = snapshot;
    this.#intervalMs = intervalMs;
  }

  changed(): void {
    if (!this.#sink || this.#closed) return;
    this.#dirty = true;
    if (!this.#wroteOnce) {
      this.#wroteOnce = true;
      this.#flush();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#flush();
    }, this.#intervalMs);
  }

  #flush(): void {
    if (!this.#sink || !this.#dirty || this.#closed) return;
    if (this.#inFlight) return; // written again when the one in flight is done
    this.#dirty = false;
    const sink = this.#sink;
    this.#inFlight = (async () => {
      try {
        await sink.write(this.#snapshot());
      } catch {
        // An intermediate write may fail (storage busy); the final write reports its own error.
      }
    })().finally(() => {
      this.#inFlight = null;
      if (this.#dirty && this.#timer === null) this.#flush();
    });
  }

  /** Writes the final record after any write in flight; its error is the caller's. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#inFlight) await this.#inFlight;
    if (this.#sink) await this.#sink.write(this.#snapshot());
  }
}
