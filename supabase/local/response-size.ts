/**
 * The response size cap. Postgres builds each response body as JSON text; these wrappers make
 * it refuse to build (and so never send) a body larger than the cap, and report how large it
 * would have been. Without them one read of a few large rows (or of one large column named
 * many times) made a string beyond what V8 can hold: node-postgres threw from its socket
 * handler and the process exited.
 */
import { PostgrestError } from './postgrest-errors.ts';

/** Default cap: large enough for a sync_pull page of big documents, far below V8's ~512 MiB. */
export const defaultMaxResponseBytes = 128 * 1024 * 1024;

export interface CappedRows {
  /** The JSON array, or '[]' when it was over the cap (then `size` > cap). */
  body: string;
  row_count: number;
  /** The first row's JSON (for `.single()`), null if none or over the cap. */
  first: string | null;
  size: number;
}

/**
 * `jsonRows` must yield one text column `_json` per row, in order; the result is one row of
 * {@link CappedRows}. The window over all rows totals their sizes before any is aggregated.
 */
export function cappedJsonArray(jsonRows: string, capParam: string, withFirst: boolean): string {
  // The first row again only when asked for (`.single()`): otherwise it doubled the transfer.
  const first = withFirst
    ? `min(_json) filter (where _n = 1 and _total <= ${capParam})`
    : 'null::text';
  return `select '[' || coalesce(string_agg(_json, ',') filter (where _total <= ${capParam}), '') || ']'
                   as body,
                 count(*)::int as row_count,
                 ${first} as first,
                 coalesce(max(_total), 2)::float8 as size
            from (select _json, sum(octet_length(_json) + 1) over () + 1 as _total,
                         row_number() over () as _n
                    from (${jsonRows}) _each) _sized`;
}

/** For one JSON value `jsonText` (an expression): body null when over the cap. */
export function cappedJsonValue(jsonText: string, from: string, capParam: string): string {
  return `select case when octet_length(_body) <= ${capParam} then _body end as body,
                 coalesce(octet_length(_body), 0)::float8 as size
            from (select ${jsonText} as _body ${from}) _one`;
}

export function checkResponseSize(size: number, cap: number, rows: number | null): void {
  if (size <= cap) return;
  const mib = (bytes: number) =>
    bytes >= 1024 * 1024
      ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
      : `${Math.ceil(bytes / 1024)} KiB`;
  throw new PostgrestError(
    413,
    '54000',
    `The response would be ${mib(size)}, more than the ${mib(cap)} this server answers`,
    rows === null ? null : `${rows} rows matched`,
    'Select fewer columns, or fewer rows with filters, limit or a range.',
  );
}
