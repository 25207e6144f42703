/**
 * Which changed rows a Realtime subscriber may hear of, decided by Postgres as that subscriber
 * (role and claims set as for a REST request, read-only, with the request statement timeout):
 * inserted and updated rows are read back through RLS; a deleted row, which cannot be read
 * back, is checked against the table's own read policies, evaluated on the columns of it that
 * the trigger sent (realtime-triggers.sql) — the same rule that decided whether the subscriber
 * could read it.
 */
import type { LocalDatabase } from './database.ts';
import type { RequestIdentity } from './request-identity.ts';
import { quoteIdent } from './schema-cache.ts';

export interface Change {
  table: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The primary key columns and values. */
  key: Record<string, unknown>;
  tenant_id: string | null;
  user_id: string | null;
  /** DELETE only: the columns the table's read policies refer to (absent if too large). */
  old?: Record<string, unknown>;
}

/** The primary key of a table, as pg_catalog says: names and types, in key order. */
export type KeyColumns = { name: string; type: string }[];

export function keyString(key: KeyColumns, row: Record<string, unknown>): string {
  return JSON.stringify(key.map((column) => String(row[column.name])));
}

export interface Visible {
  /** Readable inserted/updated rows by key string. */
  rows: Map<string, Record<string, unknown>>;
  /** Key strings of deleted rows the subscriber could read. */
  deleted: Set<string>;
}

interface Policy {
  qual: string | null;
  permissive: boolean;
  roles: string[];
}

export function createVisibility(db: LocalDatabase, statementTimeoutMs: number) {
  const keyCache = new Map<string, KeyColumns | null>();
  const policyCache = new Map<string, Policy[]>();

  async function keyColumns(table: string): Promise<KeyColumns | null> {
    if (keyCache.has(table)) return keyCache.get(table)!;
    const result = await db.sql.query<{ name: string; type: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
         from pg_catalog.pg_index i
         cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
         join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = to_regclass($1) and i.indisprimary
        order by k.ord`,
      [`public.${quoteIdent(table)}`],
    );
    const key = result.rows.length > 0 ? result.rows : null;
    keyCache.set(table, key);
    return key;
  }

  async function readPolicies(table: string): Promise<Policy[]> {
    const cached = policyCache.get(table);
    if (cached) return cached;
    const result = await db.sql.query<Policy>(
      `select pg_get_expr(p.polqual, p.polrelid) as qual, p.polpermissive as permissive,
              array(select case when r = 0 then 'public' else r::regrole::text end
                      from unnest(p.polroles) r) as roles
         from pg_catalog.pg_policy p
        where p.polrelid = to_regclass($1) and p.polcmd in ('r', '*')`,
      [`public.${quoteIdent(table)}`],
    );
    policyCache.set(table, result.rows);
    return result.rows;
  }

  /**
   * The read policies as one condition for `role`, as Postgres combines them: any permissive
   * policy, and every restrictive one. No permissive policy: nothing is visible.
   */
  function policyCondition(policies: Policy[], role: string): string {
    const applicable = policies.filter((p) => p.roles.includes('public') || p.roles.includes(role));
    const permissive = applicable.filter((p) => p.permissive).map((p) => `(${p.qual ?? 'true'})`);
    const restrictive = applicable.filter((p) => !p.permissive).map((p) => `(${p.qual ?? 'true'})`);
    if (permissive.length === 0) return 'false';
    return [`(${permissive.join(' or ')})`, ...restrictive].join(' and ');
  }

  /** The deletes' `old` values that `identity` could read, as a condition-checking query. */
  async function deleteCheck(identity: RequestIdentity, table: string): Promise<string | null> {
    const flags = await db.sql.query<{ rls: boolean; bypass: boolean; allowed: boolean }>(
      `select c.relrowsecurity as rls,
              coalesce((select r.rolbypassrls from pg_catalog.pg_roles r where r.rolname = $2),
                       false) as bypass,
              has_table_privilege($2, c.oid, 'SELECT') as allowed
         from pg_catalog.pg_class c where c.oid = to_regclass($1)`,
      [`public.${quoteIdent(table)}`, identity.role],
    );
    const flag = flags.rows[0];
    if (!flag?.allowed) return null;
    const condition =
      !flag.rls || flag.bypass ? 'true' : policyCondition(await readPolicies(table), identity.role);
    // Aliased as the table itself, so the policy's column references resolve to the old row.
    const alias = quoteIdent(table);
    return `select _input.ordinality::int as position
              from json_array_elements($1::json) with ordinality as _input(value, ordinality)
              cross join lateral json_populate_record(null::public.${alias}, _input.value) as ${alias}
             where ${condition}`;
  }

  async function visibleRows(
    identity: RequestIdentity,
    table: string,
    key: KeyColumns,
    changes: Change[],
  ): Promise<Visible> {
    const keys = changes.filter((c) => c.type !== 'DELETE').map((c) => c.key);
    const deletes = changes.filter((c) => c.type === 'DELETE' && c.old !== undefined);
    const deleteSql = deletes.length > 0 ? await deleteCheck(identity, table) : null;
    const settings = {
      role: identity.role,
      'request.jwt.claims': JSON.stringify(identity.claims),
      statement_timeout: `${statementTimeoutMs}ms`,
    };
    const columns = key.map((column) => `t.${quoteIdent(column.name)}`).join(', ');
    // Typed key values from the JSON list, so the primary key index answers the lookup.
    const wanted = key
      .map((column) => `(wanted ->> ${quoteLiteral(column.name)})::${column.type}`)
      .join(', ');
    return db.transaction(
      async (tx) => {
        const rows = new Map<string, Record<string, unknown>>();
        if (keys.length > 0) {
          const result = await tx.query<{ record: string }>(
            `select to_jsonb(t)::text as record from public.${quoteIdent(table)} t
              where (${columns}) in (select ${wanted} from jsonb_array_elements($1::jsonb) wanted)`,
            [JSON.stringify(keys)],
          );
          for (const row of result.rows) {
            const record = JSON.parse(row.record) as Record<string, unknown>;
            rows.set(keyString(key, record), record);
          }
        }
        const deleted = new Set<string>();
        if (deleteSql) {
          const result = await tx.query<{ position: number }>(deleteSql, [
            JSON.stringify(deletes.map((change) => change.old)),
          ]);
          for (const row of result.rows) {
            deleted.add(keyString(key, deletes[row.position - 1]!.key));
          }
        }
        return { rows, deleted };
      },
      { readOnly: true, settings },
    );
  }

  return {
    keyColumns,
    visibleRows,
    /** After an error: the table may have changed under a migration. */
    forget(table: string): void {
      keyCache.delete(table);
      policyCache.delete(table);
    },
  };
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
