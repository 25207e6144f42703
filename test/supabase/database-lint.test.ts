/**
 * Checks in the spirit of Supabase's database linter (splinter), run against the migrated
 * schema on both databases, plus the migration runner's own promise: running it twice is
 * harmless.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { listMigrations, migrate } from '../../supabase/local/migrate.ts';

describe.each(BACKENDS)('database lint on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has Row Level Security enabled on every table in public (lint 0013)', async () => {
    const result = await db.sql.query<{ table: string }>(`
      select c.relname as table from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
        and not c.relrowsecurity`);
    expect(result.rows).toEqual([]);
    const tables = await db.sql.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'`,
    );
    expect(tables.rows.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'tenants',
        'tenant_members',
        'tenant_invitations',
        'profiles',
        'workflows',
        'knowledge_bases',
        'kb_documents',
        'connectors',
        'secrets',
        'executions',
      ]),
    );
  });

  it('has a policy on every table with RLS (lint 0008), and no policy for anon', async () => {
    const withoutPolicy = await db.sql.query(`
      select c.relname from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
        and not exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)`);
    expect(withoutPolicy.rows).toEqual([]);
    const forAnon = await db.sql.query(
      `select tablename, policyname from pg_policies where schemaname = 'public' and 'anon' = any(roles)`,
    );
    expect(forAnon.rows).toEqual([]);
  });

  it('has no function without a fixed search_path in public or private (lint 0011)', async () => {
    const result = await db.sql.query<{ fn: string; definer: boolean }>(`
      select p.oid::regprocedure::text as fn, p.prosecdef as definer from pg_proc p
      where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')`);
    expect(result.rows).toEqual([]);
  });

  it('keeps definer-rights functions out of the exposed schema', async () => {
    const result = await db.sql.query(`
      select p.oid::regprocedure::text as fn from pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.prosecdef`);
    expect(result.rows).toEqual([]);
  });

  it('never calls auth.uid() or another claim helper once per row in a policy (lint 0003)', async () => {
    const policies = await db.sql.query<{ name: string; expr: string }>(`
      select tablename || '.' || policyname as name,
             coalesce(qual, '') || ' ' || coalesce(with_check, '') as expr
      from pg_policies where schemaname in ('public', 'auth', 'private')`);
    expect(policies.rows.length).toBeGreaterThan(20);
    const perRow = policies.rows.filter((policy) =>
      [...policy.expr.matchAll(/(auth\.(uid|jwt|role|email)\(\)|current_setting\()/g)].some(
        (match) =>
          !/select\s+$/i.test(policy.expr.slice(Math.max(0, match.index - 12), match.index)),
      ),
    );
    expect(perRow).toEqual([]);
  });

  it('gives anon no privilege on any table or RPC of public', async () => {
    const tables = await db.sql.query(`
      select table_name, privilege_type from information_schema.role_table_grants
      where grantee = 'anon' and table_schema = 'public'`);
    expect(tables.rows).toEqual([]);
    const functions = await db.sql.query(`
      select p.oid::regprocedure::text as fn from pg_proc p
      where p.pronamespace = 'public'::regnamespace and has_function_privilege('anon', p.oid, 'execute')`);
    expect(functions.rows).toEqual([]);
  });

  it('indexes every synced table for tenant listing and for sync_pull', async () => {
    const result = await db.sql.query<{ table: string; definition: string }>(`
      select tablename as table, indexdef as definition from pg_indexes
      where schemaname = 'public' and (indexname like '%_tenant_txid_idx' or indexname like '%_tenant_created_idx')
      order by 1, 2`);
    const byTable = new Map<string, string[]>();
    for (const row of result.rows)
      byTable.set(row.table, [...(byTable.get(row.table) ?? []), row.definition]);
    expect([...byTable.keys()].sort()).toEqual(
      [
        'connectors',
        'executions',
        'kb_documents',
        'knowledge_bases',
        'secrets',
        'workflows',
      ].sort(),
    );
    for (const definitions of byTable.values()) {
      expect(definitions.join('\n')).toContain('(tenant_id, created_at DESC)');
      expect(definitions.join('\n')).toContain('(tenant_id, _txid, id)');
    }
  });

  it('migrates idempotently: a second run applies nothing and changes nothing', async () => {
    const before = await db.sql.query(`select count(*)::int as n from pg_policies`);
    const result = await migrate(db.sql);
    expect(result.applied).toEqual([]);
    expect(result.skipped).toEqual((await listMigrations()).map((m) => m.version));
    const after = await db.sql.query(`select count(*)::int as n from pg_policies`);
    expect(after.rows).toEqual(before.rows);
  });
});
