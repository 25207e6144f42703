/**
 * A Store fed by an RxJS-style observable that is subscribed only while someone listens, so a
 * screen that unmounts stops its database query.
 */
import type { Store } from './store.ts';

interface Subscribable<T> {
  subscribe(next: (value: T) => void): { unsubscribe(): void };
}

export function observableStore<T, R>(
  source: Subscribable<T>,
  map: (value: T) => R,
  initial: R,
): Store<R> {
  let value = initial;
  let subscription: { unsubscribe(): void } | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    subscribe(listener) {
      listeners.add(listener);
      subscription ??= source.subscribe((next) => {
        value = map(next);
        for (const l of [...listeners]) l();
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && subscription) {
          subscription.unsubscribe();
          subscription = null;
        }
      };
    },
  };
}
