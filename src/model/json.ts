/**
 * JSON values as documents hold them, and the one structural equality the editor and the sync
 * layer both use.
 */

/** ISO-8601 timestamp as Postgres' to_jsonb prints it. */
export type Timestamp = string;
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Structural equality of JSON values: object key order does not matter (Postgres' jsonb
 * reorders keys), array order does. `undefined` members count as absent.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let leftCount = 0;
  for (const key in left) {
    if (left[key] === undefined) continue;
    leftCount++;
    if (!jsonEqual(left[key], right[key])) return false;
  }
  let rightCount = 0;
  for (const key in right) if (right[key] !== undefined) rightCount++;
  return leftCount === rightCount;
}

/** A key that is equal for equal JSON values (sorted object keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort())
      sorted[key] = (member as Record<string, unknown>)[key];
    return sorted;
  });
}
