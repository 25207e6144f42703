/** React hooks over the vault service and the live sources of VaultBindings. */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../model/errors.ts';
import type { Unsubscribe } from '../app-bindings.ts';
import type { VaultService, VaultStatus } from '../vault-service.ts';

export type VaultStatusState =
  { kind: 'loading' } | { kind: 'error'; message: string } | { kind: VaultStatus };

/** Whether the user has a vault, and whether it is unlocked; follows lock and unlock. */
export function useVaultStatus(vault: VaultService): [VaultStatusState, () => void] {
  const [state, setState] = useState<VaultStatusState>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const check = () => {
      vault.status().then(
        (status) => !cancelled && setState({ kind: status }),
        (error: unknown) => !cancelled && setState({ kind: 'error', message: errorMessage(error) }),
      );
    };
    check();
    const unsubscribe = vault.subscribe(check);
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [vault, generation]);
  return [state, () => setGeneration((n) => n + 1)];
}

/** The latest value a `watch(key, listener)` source reported; undefined until the first. */
export function useWatched<T>(
  watch: (key: string, listener: (value: T) => void) => Unsubscribe,
  key: string,
): T | undefined {
  const [value, setValue] = useState<{ key: string; value: T } | undefined>(undefined);
  useEffect(() => watch(key, (next) => setValue({ key, value: next })), [watch, key]);
  return value?.key === key ? value.value : undefined;
}
