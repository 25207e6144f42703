/**
 * Errors a node can fail with. `RuntimeError.retryable` tells the retry loop whether another
 * attempt may succeed (429, 5xx, network); `retryAfterMs` carries a server's Retry-After.
 */
export class RuntimeError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number | null } = {},
  ) {
    super(message);
    this.name = 'RuntimeError';
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** Thrown when the run was cancelled or a node ran out of time; never retried. */
export class AbortedError extends Error {
  readonly reason: 'cancelled' | 'timeout';

  constructor(reason: 'cancelled' | 'timeout', message: string) {
    super(message);
    this.name = 'AbortedError';
    this.reason = reason;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Unknown error';
}
