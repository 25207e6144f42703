/**
 * PostgREST's table writes, as supabase-js sends them: `POST /<table>` (insert; upsert with
 * `Prefer: resolution=merge-duplicates|ignore-duplicates` and `on_conflict`), `PATCH /<table>`
 * (update the rows the filters select) and `DELETE /<table>`. Column names are checked against
 * the table; the body travels as one JSON parameter that Postgres casts to the row type, and
 * RLS decides which rows may be written. Rows come back only with `Prefer: return=representation`,
 * within the response size cap.
 */
import type { JsonShape } from './json-shape.ts';
import { PostgrestError, badQuery } from './postgrest-errors.ts';
import { cappedJsonArray } from './response-size.ts';
import type { ReadPlan } from './rest-query.ts';
import { whereClause } from './rest-query.ts';
import type { TableInfo } from './schema-cache.ts';
import { quoteIdent } from './schema-cache.ts';

export interface WriteStatement {
  sql: string;
  params: unknown[];
}

/** A write's body: its text (sent to Postgres as is) and its shape (for the column list). */
export interface WriteBody {
  text: string;
  shape: JsonShape;
}

export function writeStatement(
  method: 'POST' | 'PATCH' | 'DELETE',
  table: TableInfo,
  plan: ReadPlan,
  body: WriteBody | null,
  prefer: string,
  onConflict: string | null,
  maxResponseBytes: number,
  options: { representation: boolean; single: boolean },
): WriteStatement {
  const target = `public.${quoteIdent(table.name)}`;
  const rowType = target;
  const where = whereClause(table, plan.filters);
  const params: unknown[] = where.params;
  const bodyParam = `$${params.length + 1}`;
  let write: string;
  if (method === 'DELETE') {
    write = `delete from ${target} ${where.where} returning *`;
  } else if (method === 'PATCH') {
    const columns = bodyColumns(table, body, false);
    const list = columns.map(quoteIdent).join(', ');
    // The row form of SET: the body is cast to the row type, then its named columns assigned.
    write = `update ${target} set (${list}) = (
               select ${list} from json_populate_record(null::${rowType}, ${bodyParam}::json))
               ${where.where} returning *`;
    params.push(body!.text);
  } else {
    if (plan.filters.length > 0) {
      throw badQuery('Filters are not allowed when inserting', 'Remove the filters from the URL');
    }
    const columns = bodyColumns(table, body, true);
    const list = columns.map(quoteIdent).join(', ');
    const rows =
      body!.shape.kind === 'array' ? `${bodyParam}::json` : `json_build_array(${bodyParam}::json)`;
    write = `insert into ${target} (${list})
               select ${list} from json_populate_recordset(null::${rowType}, ${rows})`;
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
    params.push(body!.text);
  }
  const projection = plan.columns
    ? plan.columns.map((c) => `${quoteIdent(c.column)} as ${quoteIdent(c.alias)}`).join(', ')
    : '*';
  if (!options.representation) {
    // Nothing is sent back: only count the rows, without making JSON of them.
    return {
      sql: `with _written as (${write})
        select '[]' as body, count(*)::int as row_count, null::text as first, 0::float8 as size
          from _written`,
      params,
    };
  }
  params.push(maxResponseBytes);
  const sql = `with _written as (${write})
    ${cappedJsonArray(
      `select to_json(_row)::text as _json from (select ${projection} from _written) _row`,
      `$${params.length}`,
      options.single,
    )}`;
  return { sql, params };
}

/** The columns a write body names, each checked against the table (PGRST204 otherwise). */
function bodyColumns(table: TableInfo, body: WriteBody | null, allowArray: boolean): string[] {
  const shape = body?.shape;
  const acceptable =
    shape !== undefined &&
    (shape.kind === 'object' || (allowArray && shape.kind === 'array' && shape.allObjects));
  if (!acceptable) {
    throw new PostgrestError(
      400,
      'PGRST102',
      'Empty or invalid json',
      allowArray ? 'Send a JSON object or an array of objects' : 'Send a JSON object',
    );
  }
  for (const key of shape.keys) {
    if (!table.columns.has(key)) {
      throw new PostgrestError(
        400,
        'PGRST204',
        `Could not find the '${key}' column of '${table.name}' in the schema cache`,
      );
    }
  }
  if (shape.keys.size === 0)
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', 'No columns to write');
  return [...shape.keys];
}
