/**
 * Three-way, field-by-field merge of one document: `base` is the server version both sides
 * started from (RxDB's assumed master state), `ours` the local version, `theirs` the version
 * now on the server. A field changed on one side only takes that side's value; a field changed
 * on both sides to different values is a conflict, which the server's value wins (it is already
 * committed and may have been seen by others) and the local value is reported to `onConflict`.
 * Pure: the result depends only on the arguments.
 */
import { jsonEqual } from '../src/model/json.ts';
import { RXDB_STORAGE_FIELDS } from '../src/model/synced-row.ts';

export type Fields = Record<string, unknown>;

/** Columns the server owns: the merge always takes them from the server version. */
export const SERVER_MANAGED_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'tenant_id',
  'server_txid',
  'created_by',
  'created_at',
  'updated_at',
]);

/** RxDB's storage bookkeeping: never part of a merge result. */
const STORAGE_FIELDS: ReadonlySet<string> = new Set(RXDB_STORAGE_FIELDS);

export interface FieldConflict {
  /** Slash-separated location, e.g. `name` or `nodes/n1/data/prompt`. */
  path: string;
  /** The local value that lost. */
  ours: unknown;
  /** The server value that won. */
  theirs: unknown;
}

export type ConflictSink = (conflict: FieldConflict) => void;

/** Merge one value three-way; `path` names it in conflict reports. */
export function mergeValue(
  base: unknown,
  ours: unknown,
  theirs: unknown,
  path: string,
  onConflict: ConflictSink,
): unknown {
  if (jsonEqual(ours, theirs)) return theirs;
  if (jsonEqual(ours, base)) return theirs;
  if (jsonEqual(theirs, base)) return ours;
  // A deletion (soft or by removal) on either side wins over an edit on the other.
  if (path === '_deleted') return ours === true || theirs === true;
  onConflict({ path, ours, theirs });
  return theirs;
}

export interface MergeFieldsOptions {
  /** Prefix for conflict paths (`nodes/n1/data`). */
  pathPrefix?: string;
  /** Per-field merge overrides (for nested structures such as a workflow's nodes). */
  custom?: Record<string, (base: unknown, ours: unknown, theirs: unknown, path: string) => unknown>;
  /** Take these fields from the server version without comparing (e.g. `viewport`). */
  theirsWins?: ReadonlySet<string>;
  /** Apply SERVER_MANAGED_FIELDS (only at the top level of a document). */
  serverManaged?: boolean;
}

/** Merge two objects key by key against their common base. */
export function mergeFields(
  base: Fields | undefined,
  ours: Fields,
  theirs: Fields,
  onConflict: ConflictSink,
  options: MergeFieldsOptions = {},
): Fields {
  const prefix = options.pathPrefix ? `${options.pathPrefix}/` : '';
  const result: Fields = {};
  const keys = new Set([...Object.keys(theirs), ...Object.keys(ours)]);
  for (const key of keys) {
    if (STORAGE_FIELDS.has(key)) continue;
    const path = prefix + key;
    let merged: unknown;
    if ((options.serverManaged && SERVER_MANAGED_FIELDS.has(key)) || options.theirsWins?.has(key)) {
      merged = key in theirs ? theirs[key] : ours[key];
    } else {
      const custom = options.custom?.[key];
      merged = custom
        ? custom(base?.[key], ours[key], theirs[key], path)
        : mergeValue(base?.[key], ours[key], theirs[key], path, onConflict);
    }
    if (merged !== undefined) result[key] = merged;
  }
  return result;
}

/** Field-by-field merge of a whole synced document (every collection but workflows). */
export function mergeDocument<T extends Fields>(
  base: T | undefined,
  ours: T,
  theirs: T,
  onConflict: ConflictSink = () => undefined,
): T {
  return mergeFields(base, ours, theirs, onConflict, { serverManaged: true }) as T;
}
