/**
 * What PostgREST calls its schema cache: the functions, tables and columns of schema `public`,
 * read from pg_catalog. Every identifier the REST layer puts into SQL comes from here, never
 * from the URL. Entries are loaded by name on first use and dropped when Postgres reports the
 * object gone, so a migration applied while the server runs is picked up.
 */
import type { SqlClient } from './sql-client.ts';

export interface FunctionArgument {
  /** Empty for an unnamed argument. */
  name: string;
  /** As format_type() prints it, e.g. `text`, `jsonb`, `uuid[]`. */
  type: string;
}

export interface FunctionInfo {
  name: string;
  args: FunctionArgument[];
  /** How many trailing arguments have defaults. */
  defaults: number;
  returnsSet: boolean;
  returnsVoid: boolean;
  /** Immutable or stable: allowed through GET in a read-only transaction. */
  readOnly: boolean;
}

export interface TableInfo {
  name: string;
  columns: Map<string, string>;
  primaryKey: string[];
}

const functionsQuery = `
  select p.proname as name, p.proretset as returns_set, p.pronargdefaults as defaults,
         p.prorettype = 'void'::regtype as returns_void, p.provolatile <> 'v' as read_only,
         coalesce((
           select json_agg(json_build_object('name', coalesce(a.name, ''),
                                             'type', format_type(a.type, null)) order by a.ord)
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                         coalesce(p.proargnames, array[]::text[]),
                         coalesce(p.proargmodes, array[]::"char"[]))
                  with ordinality as a(type, name, mode, ord)
            where a.type is not null and coalesce(a.mode, 'i') in ('i', 'b', 'v')
         ), '[]')::text as args
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'public' and p.prokind = 'f' and p.proname = $1`;

const tableQuery = `
  select c.relname as name,
         coalesce(json_object_agg(a.attname, format_type(a.atttypid, a.atttypmod))
                    filter (where a.attname is not null), '{}')::text as columns,
         coalesce((select json_agg(k.attname order by u.ord)
                     from pg_catalog.pg_index i
                     cross join lateral unnest(i.indkey::int2[]) with ordinality as u(attnum, ord)
                     join pg_catalog.pg_attribute k on k.attrelid = i.indrelid and k.attnum = u.attnum
                    where i.indrelid = c.oid and i.indisprimary), '[]')::text as primary_key
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_attribute a
      on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'f', 'p') and c.relname = $1
   group by c.oid, c.relname`;

export class SchemaCache {
  readonly #sql: SqlClient;
  readonly #functions = new Map<string, FunctionInfo[]>();
  readonly #tables = new Map<string, TableInfo | null>();

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async functions(name: string): Promise<FunctionInfo[]> {
    const cached = this.#functions.get(name);
    if (cached && cached.length > 0) return cached;
    const result = await this.#sql.query<{
      name: string;
      returns_set: boolean;
      defaults: number;
      returns_void: boolean;
      read_only: boolean;
      args: string;
    }>(functionsQuery, [name]);
    const found = result.rows.map((row) => ({
      name: row.name,
      args: JSON.parse(row.args) as FunctionArgument[],
      defaults: Number(row.defaults),
      returnsSet: row.returns_set,
      returnsVoid: row.returns_void,
      readOnly: row.read_only,
    }));
    if (found.length > 0) this.#functions.set(name, found);
    return found;
  }

  async table(name: string): Promise<TableInfo | null> {
    const cached = this.#tables.get(name);
    if (cached) return cached;
    const result = await this.#sql.query<{ name: string; columns: string; primary_key: string }>(
      tableQuery,
      [name],
    );
    const row = result.rows[0];
    if (!row) return null;
    const info = {
      name: row.name,
      columns: new Map(Object.entries(JSON.parse(row.columns) as Record<string, string>)),
      primaryKey: JSON.parse(row.primary_key) as string[],
    };
    this.#tables.set(name, info);
    return info;
  }

  forget(name: string): void {
    this.#functions.delete(name);
    this.#tables.delete(name);
  }
}

/** A Postgres identifier, double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
