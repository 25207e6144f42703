/**
 * What the HTTP and LLM nodes share about calling a server: network errors and statuses turned
 * into clear errors that say whether a retry may help, Retry-After read as a wait, and response
 * bodies read with a size bound.
 */
import { abortReason } from './abort.ts';
import { RuntimeError } from './errors.ts';
import { formatBytes } from './json-value.ts';
import type { FetchPort } from './types.ts';

/** Statuses worth another attempt: rate limits and server-side failures. */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504, 529]);

/** Reads Retry-After as milliseconds: seconds, or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export async function callServer(
  fetchPort: FetchPort,
  url: string,
  init: RequestInit & { signal: AbortSignal },
  what: string,
): Promise<Response> {
  try {
    return await fetchPort(url, init);
  } catch (error) {
    if (init.signal.aborted) throw abortReason(init.signal);
    throw new RuntimeError(`${what}: could not reach the server (${(error as Error).message}).`, {
      retryable: true,
    });
  }
}

/** The error for a response that is not 2xx, with the start of its body as the server's reason. */
export async function failedResponse(
  response: Response,
  what: string,
  signal: AbortSignal,
  retryable = RETRYABLE_STATUSES.has(response.status),
): Promise<RuntimeError> {
  let detail = '';
  try {
    detail = await readText(response, 4096, signal, what, 'truncate');
  } catch {
    detail = '';
  }
  const reason = serverReason(detail);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new RuntimeError(`${what} answered ${status}${reason ? `: ${reason}` : '.'}`, {
    retryable,
    retryAfterMs:
      response.status === 429 || response.status === 503
        ? parseRetryAfter(response.headers.get('retry-after'))
        : null,
  });
}

/** The human part of an error body: `error.message` of the usual JSON shapes, else the text. */
function serverReason(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const parsed = JSON.parse(text) as unknown;
    const error = (parsed as { error?: unknown }).error;
    if (typeof error === 'string') return error.slice(0, 500);
    const message =
      (error as { message?: unknown } | undefined)?.message ??
      (parsed as { message?: unknown }).message;
    if (typeof message === 'string') return message.slice(0, 500);
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, 300);
}

/**
 * Reads a body as text, at most `maxBytes`: beyond it either fails ('refuse') or keeps the
 * start ('truncate', for error details only).
 */
export async function readText(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  what: string,
  whenLarger: 'refuse' | 'truncate' = 'refuse',
): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  if (whenLarger === 'refuse' && Number.isFinite(declared) && declared > maxBytes) {
    void response.body.cancel().catch(() => undefined);
    throw new RuntimeError(
      `${what}: the response is ${formatBytes(declared)}; at most ${formatBytes(maxBytes)} is read.`,
    );
  }
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw new RuntimeError(
          `${what}: the connection broke while reading the response (${(error as Error).message}).`,
          { retryable: true },
        );
      }
      if (signal.aborted) throw abortReason(signal);
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => undefined);
        if (whenLarger === 'truncate') {
          chunks.push(chunk.value.subarray(0, chunk.value.byteLength - (size - maxBytes)));
          break;
        }
        throw new RuntimeError(
          `${what}: the response is larger than ${formatBytes(maxBytes)}; it was not read.`,
        );
      }
      chunks.push(chunk.value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(Math.min(size, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Fails fast, without a timeout, when the device is offline. */
export function requireOnline(isOnline: () => boolean, what: string): void {
  if (!isOnline())
    throw new RuntimeError(
      `${what}: offline. This node needs the network; reconnect and run again.`,
    );
}
