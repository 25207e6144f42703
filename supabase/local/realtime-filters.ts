/**
 * The `filter` of a postgres_changes binding (`column=eq|neq|lt|lte|gt|gte|in.value`), parsed
 * with the REST query parser's filter grammar (rest-query.ts) and evaluated on a row as
 * Realtime does: on the text of each value, numerically when both sides are numbers.
 */
import type { Filter } from './rest-query.ts';
import { parseFilter } from './rest-query.ts';

const supported: readonly string[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'];
const columnName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const filterHelp = 'use column=eq|neq|lt|lte|gt|gte|in.value';

/** The filter, or null if Realtime (and so this server) does not support it. */
export function parseRealtimeFilter(filter: string): Filter | null {
  const equals = filter.indexOf('=');
  const column = filter.slice(0, equals);
  if (equals <= 0 || !columnName.test(column)) return null;
  let parsed: Filter;
  try {
    parsed = parseFilter(column, filter.slice(equals + 1));
  } catch {
    return null;
  }
  return parsed.negated || !supported.includes(parsed.operator) ? null : parsed;
}

export function matchesFilter(
  filter: Filter | undefined,
  record: Record<string, unknown> | undefined,
): boolean {
  if (filter === undefined) return true;
  if (record === undefined) return false;
  const raw = record[filter.column];
  const actual =
    raw === null || raw === undefined
      ? null
      : typeof raw === 'object'
        ? JSON.stringify(raw)
        : String(raw);
  if (actual === null) return false;
  if (filter.operator === 'in') return (filter.value as string[]).includes(actual);
  const expected = filter.value as string;
  const numeric = Number(actual) - Number(expected);
  const compared = Number.isNaN(numeric) ? actual.localeCompare(expected) : numeric;
  switch (filter.operator) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'lt':
      return compared < 0;
    case 'lte':
      return compared <= 0;
    case 'gt':
      return compared > 0;
    default:
      return compared >= 0;
  }
}
