/**
 * Turning whatever an expression or a response produced into plain, bounded JSON: no functions,
 * no prototypes, no cycles, at most a given size. Record copies are truncated with a marker the
 * run panel shows, never dropped silently.
 */
import { RuntimeError } from './errors.ts';
import type { JsonObject, JsonValue } from './types.ts';

/** UTF-8 size of a string, computed exactly only when its length alone cannot decide. */
export function utf8Bytes(text: string, limit: number): number {
  if (text.length * 3 <= limit || text.length > limit) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

/** Serializes a value as JSON; `null` for values JSON cannot hold (undefined, functions). */
export function serialize(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    // Functions (JSONata lambdas are objects marked _jsonata_lambda) are not data: dropped, as
    // JSON.stringify drops plain functions.
    text = JSON.stringify(value, (_key, item: unknown) =>
      item !== null && typeof item === 'object' && '_jsonata_lambda' in item ? undefined : item,
    );
  } catch (error) {
    throw new RuntimeError(`${what} is not plain JSON (${(error as Error).message}).`);
  }
  return text ?? 'null';
}

/** A plain JSON copy of `value`, or an error naming `what` when it is larger than `maxBytes`. */
export function toJsonValue(value: unknown, maxBytes: number, what: string): JsonValue {
  if (value === undefined) return null;
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    checkSize(value, maxBytes, what);
    return value;
  }
  const text = serialize(value, what);
  checkSize(text, maxBytes, what);
  return JSON.parse(text) as JsonValue;
}

function checkSize(text: string, maxBytes: number, what: string): void {
  const bytes = utf8Bytes(text, maxBytes);
  if (bytes > maxBytes) {
    throw new RuntimeError(
      `${what} is too large (${formatBytes(bytes)}; at most ${formatBytes(maxBytes)}).`,
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** What a truncated value looks like in an execution record. */
export interface TruncatedValue extends JsonObject {
  truncated: true;
  bytes: number;
  keptBytes: number;
  preview: string;
}

export function isTruncatedValue(value: JsonValue | undefined): value is TruncatedValue {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    value['truncated'] === true &&
    typeof value['preview'] === 'string'
  );
}

/**
 * The copy of a value kept in the execution record: the value itself when its JSON fits in
 * `maxBytes`, otherwise a marker with the original size and the start of its JSON text.
 */
export function recordCopy(value: JsonValue, maxBytes: number): JsonValue {
  const text = typeof value === 'string' ? value : serialize(value, 'Value');
  const bytes = utf8Bytes(text, maxBytes);
  if (bytes <= maxBytes) return value;
  // Keep a whole number of characters below the byte budget (a character is at most 4 bytes).
  let preview = text.slice(0, maxBytes);
  while (new TextEncoder().encode(preview).byteLength > maxBytes) {
    preview = preview.slice(0, Math.floor(preview.length * 0.9));
  }
  const marker: TruncatedValue = {
    truncated: true,
    bytes,
    keptBytes: new TextEncoder().encode(preview).byteLength,
    preview,
  };
  return marker;
}
