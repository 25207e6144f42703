/**
 * The runtime's Web Worker entry. The app starts it with
 * `new Worker(new URL('../runtime/worker.ts', import.meta.url), { type: 'module' })` and talks
 * to it through createRuntimeClient (worker-client.ts).
 */
import { serveRuntime } from './worker-host.ts';
import type { MessageEndpoint } from './worker-protocol.ts';

const scope = globalThis as unknown as MessageEndpoint & { navigator?: { onLine?: boolean } };

serveRuntime(scope, { isOnline: () => scope.navigator?.onLine ?? true });
