/**
 * PostgREST's table writes, as supabase-js sends them: `POST /<table>` (insert; upsert with
 * `Prefer: resolution=merge-duplicates|ignore-duplicates` and `on_conflict`), `PATCH /<table>`
 * (update the rows the filters select) and `DELETE /<table>`. Column names are checked against
 * the table; the body travels as one JSON parameter that Postgres casts to the row type, and
 * RLS decides which rows may be written. Rows come back only with `Prefer: return=representation`.
 */
import { PostgrestError, badQuery } from './postgrest-errors.ts';
import type { ReadPlan } from './rest-query.ts';
import { whereClause } from './rest-query.ts';
import type { TableInfo } from './schema-cache.ts';
import { quoteIdent } from './schema-cache.ts';

export interface WriteStatement {
  sql: string;
  params: string[];
}

export function writeStatement(
  method: 'POST' | 'PATCH' | 'DELETE',
  table: TableInfo,
  plan: ReadPlan,
  body: unknown,
  prefer: string,
  onConflict: string | null,
): WriteStatement {
  const target = `public.${quoteIdent(table.name)}`;
  const rowType = target;
  const { where, params } = whereClause(table, plan.filters);
  const bodyParam = `$${params.length + 1}`;
  let write: string;
  if (method === 'DELETE') {
    write = `delete from ${target} ${where} returning *`;
  } else if (method === 'PATCH') {
    const columns = bodyColumns(table, body, false);
    const list = columns.map(quoteIdent).join(', ');
    // The row form of SET: the body is cast to the row type, then its named columns assigned.
    write = `update ${target} set (${list}) = (
               select ${list} from json_populate_record(null::${rowType}, ${bodyParam}::json))
               ${where} returning *`;
    params.push(JSON.stringify(body));
  } else {
    if (plan.filters.length > 0) {
      throw badQuery('Filters are not allowed when inserting', 'Remove the filters from the URL');
    }
    const rows = Array.isArray(body) ? body : [body];
    const columns = bodyColumns(table, rows, true);
    const list = columns.map(quoteIdent).join(', ');
    write = `insert into ${target} (${list})
               select ${list} from json_populate_recordset(null::${rowType}, ${bodyParam}::json)`;
    const resolution = /resolution=(merge|ignore)-duplicates/.exec(prefer)?.[1];
    if (resolution) {
      const conflict = (onConflict ?? '').split(',').filter((c) => c.trim() !== '');
      for (const column of conflict) {
        if (!table.columns.has(column.trim())) {
          throw new PostgrestError(
            400,
            '42703',
            `column ${table.name}.${column.trim()} does not exist`,
          );
        }
      }
      const conflictColumns = conflict.length ? conflict.map((c) => c.trim()) : table.primaryKey;
      if (conflictColumns.length === 0) {
        throw badQuery('on_conflict is required: the table has no primary key');
      }
      const conflictTarget = `(${conflictColumns.map(quoteIdent).join(', ')})`;
      const updates = columns
        .filter((column) => !conflictColumns.includes(column))
        .map((column) => `${quoteIdent(column)} = excluded.${quoteIdent(column)}`)
        .join(', ');
      write +=
        resolution === 'ignore' || updates === ''
          ? ` on conflict ${conflictTarget} do nothing`
          : ` on conflict ${conflictTarget} do update set ${updates}`;
    }
    write += ' returning *';
    params.push(JSON.stringify(rows));
  }
  const projection = plan.columns
    ? plan.columns.map((c) => `${quoteIdent(c.column)} as ${quoteIdent(c.alias)}`).join(', ')
    : '*';
  const sql = `with _written as (${write})
    select coalesce(json_agg(_row), '[]')::text as body, count(*)::int as row_count,
           (json_agg(_row) -> 0)::text as first
      from (select ${projection} from _written) _row`;
  return { sql, params };
}

/** The columns a write body names, each checked against the table (PGRST204 otherwise). */
function bodyColumns(table: TableInfo, body: unknown, allowArray: boolean): string[] {
  const rows = Array.isArray(body) && allowArray ? body : [body];
  const columns = new Set<string>();
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new PostgrestError(
        400,
        'PGRST102',
        'Empty or invalid json',
        allowArray ? 'Send a JSON object or an array of objects' : 'Send a JSON object',
      );
    }
    for (const key of Object.keys(row)) {
      if (!table.columns.has(key)) {
        throw new PostgrestError(
          400,
          'PGRST204',
          `Could not find the '${key}' column of '${table.name}' in the schema cache`,
        );
      }
      columns.add(key);
    }
  }
  if (columns.size === 0)
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', 'No columns to write');
  return [...columns];
}
