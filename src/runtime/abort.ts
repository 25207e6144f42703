/**
 * Abort plumbing: one signal per node attempt that fires when the run is cancelled or the
 * attempt's time is up, and a sleep that wakes early on abort. Written by hand rather than with
 * AbortSignal.any / AbortSignal.timeout so it behaves the same in every worker and Node 20.
 */
import { AbortedError } from './errors.ts';

export interface AttemptSignal {
  signal: AbortSignal;
  /** Why the signal fired, once it has. */
  reason(): 'cancelled' | 'timeout' | null;
  dispose(): void;
}

export function attemptSignal(parent: AbortSignal, timeoutMs: number): AttemptSignal {
  const controller = new AbortController();
  let why: 'cancelled' | 'timeout' | null = null;
  const onParentAbort = () => {
    why ??= 'cancelled';
    controller.abort(new AbortedError('cancelled', 'The run was cancelled.'));
  };
  const timer = setTimeout(() => {
    why ??= 'timeout';
    controller.abort(new AbortedError('timeout', `Timed out after ${timeoutMs} ms.`));
  }, timeoutMs);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    reason: () => why,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/** The error to report for an aborted signal: its AbortedError, or a cancellation. */
export function abortReason(signal: AbortSignal): AbortedError {
  const reason: unknown = signal.reason;
  return reason instanceof AbortedError
    ? reason
    : new AbortedError('cancelled', 'The run was cancelled.');
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
