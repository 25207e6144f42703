/** Calls `onIdle` once no activity was reported for `timeoutMs`; `touch()` reports activity. */
export interface IdleLock {
  touch(): void;
  stop(): void;
}

export interface IdleLockOptions {
  timeoutMs: number;
  onIdle: () => void;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export function startIdleLock(options: IdleLockOptions): IdleLock {
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer =
    options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let handle: unknown = null;
  const arm = () => {
    if (handle !== null) clearTimer(handle);
    handle = setTimer(() => {
      handle = null;
      options.onIdle();
    }, options.timeoutMs);
  };
  arm();
  return {
    touch: arm,
    stop() {
      if (handle !== null) clearTimer(handle);
      handle = null;
    },
  };
}
