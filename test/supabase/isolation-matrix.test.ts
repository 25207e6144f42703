/**
 * The isolation matrix: every actor × every public table × every verb, and every RPC, on
 * PGlite and on the PostgreSQL server. Each cell runs in a transaction that is rolled back,
 * and asserts both sides: what a role may do succeeds, what it may not is refused by
 * Postgres itself (permission or RLS), never by some unrelated error.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import {
  ACTORS,
  SYNCED_TABLES,
  addMember,
  buildTenantWorld,
  insertRow,
  rpc,
  sampleRow,
  type Actor,
  type TenantWorld,
} from '../helpers/tenant-fixture.ts';
import type { SqlClient } from '../../supabase/local/sql-client.ts';

type Outcome = 'allowed' | 'denied';
type Verb = 'select' | 'insert' | 'update' | 'delete' | 'upsert';
const VERBS: Verb[] = ['select', 'insert', 'update', 'delete', 'upsert'];
const TABLES = [
  'tenants',
  'tenant_members',
  'tenant_invitations',
  'profiles',
  ...SYNCED_TABLES,
] as const;
type Table = (typeof TABLES)[number];

const ROLE_OF: Partial<Record<Actor, number>> = { viewer: 1, member: 2, admin: 3, owner: 4 };
const RANK = { viewer: 1, member: 2, admin: 3, owner: 4, nobody: 99 } as const;
type MinRole = keyof typeof RANK;

/** The least role in the organization that may do `verb` on `table` directly. */
function minimumRole(table: Table, verb: Verb): MinRole {
  if (table === 'tenants') {
    return {
      select: 'viewer',
      insert: 'nobody',
      update: 'owner',
      delete: 'owner',
      upsert: 'nobody',
    }[verb] as MinRole;
  }
  if (table === 'tenant_members') return verb === 'select' ? 'viewer' : 'nobody';
  if (table === 'tenant_invitations') {
    return verb === 'select' || verb === 'delete' ? 'admin' : 'nobody';
  }
  if (table === 'profiles') return verb === 'select' ? 'viewer' : 'nobody';
  if (table === 'secrets') return verb === 'select' ? 'member' : 'admin';
  return {
    select: 'viewer',
    insert: 'member',
    update: 'member',
    delete: 'admin',
    upsert: 'member',
  }[verb] as MinRole;
}

function expected(table: Table, verb: Verb, actor: Actor): Outcome {
  // The profile probed is the owner's own: only they may edit it.
  if (table === 'profiles' && verb === 'update') return actor === 'owner' ? 'allowed' : 'denied';
  const rank = ROLE_OF[actor];
  if (rank === undefined) return 'denied';
  return rank >= RANK[minimumRole(table, verb)] ? 'allowed' : 'denied';
}

/** Runs a probe and classifies it; anything but success or a permission refusal is a bug. */
async function outcomeOf(probe: () => Promise<number>): Promise<string> {
  try {
    return (await probe()) > 0 ? 'allowed' : 'denied';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42501') return 'denied';
    return `error ${code}: ${(error as Error).message}`;
  }
}

function targetOf(world: TenantWorld, table: Table): { key: string; id: string } {
  switch (table) {
    case 'tenants':
      return { key: 'id', id: world.tenantId };
    case 'tenant_members':
      return { key: 'user_id', id: world.users.viewer };
    case 'tenant_invitations':
      return { key: 'id', id: world.invitationId };
    case 'profiles':
      return { key: 'id', id: world.users.owner };
    default:
      return { key: 'id', id: world.rows[table]! };
  }
}

async function probeTable(
  sql: SqlClient,
  world: TenantWorld,
  table: Table,
  verb: Verb,
): Promise<number> {
  const target = targetOf(world, table);
  const where = `${target.key} = $1${table === 'tenant_members' ? ' and tenant_id = $2' : ''}`;
  const params = table === 'tenant_members' ? [target.id, world.tenantId] : [target.id];
  switch (verb) {
    case 'select':
      return (await sql.query(`select 1 from ${table} where ${where}`, params)).rows.length;
    case 'delete':
      return (await sql.query(`delete from ${table} where ${where}`, params)).affectedRows;
    case 'update': {
      const set = {
        tenants: `name = 'Renamed'`,
        tenant_members: `role = 'member'`,
        tenant_invitations: `role = 'viewer'`,
        profiles: `display_name = 'Renamed'`,
      }[table as string];
      return (
        await sql.query(`update ${table} set ${set ?? `updated_at = now()`} where ${where}`, params)
      ).affectedRows;
    }
    case 'insert':
    case 'upsert': {
      const row = newRowFor(world, table, verb === 'upsert' ? target.id : undefined);
      const columns = Object.keys(row);
      const conflict =
        verb === 'upsert'
          ? ` on conflict (${table === 'tenant_members' ? 'tenant_id, user_id' : 'id'}) do update set ${columns
              .filter((c) => c !== 'id')
              .map((c) => `${c} = excluded.${c}`)
              .join(', ')}`
          : '';
      const result = await sql.query(
        `insert into ${table} (${columns.join(', ')}) values (${columns
          .map((_, i) => `$${i + 1}`)
          .join(', ')})${conflict}`,
        columns.map((c) => {
          const value = row[c];
          return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
        }),
      );
      return result.affectedRows;
    }
  }
}

function newRowFor(world: TenantWorld, table: Table, existingId?: string): Record<string, unknown> {
  const id: string = existingId ?? randomUUID();
  switch (table) {
    case 'tenants':
      return { id, name: 'Intruder Inc', slug: `intruder-${id.slice(0, 8)}` };
    case 'tenant_members':
      return {
        tenant_id: world.tenantId,
        user_id: existingId ?? world.users.nonMember,
        role: 'owner',
      };
    case 'tenant_invitations':
      return {
        id,
        tenant_id: world.tenantId,
        email: 'sneaky@evil.test',
        role: 'owner',
        token_hash: `hash-${id}`,
        expires_at: '2099-01-01T00:00:00Z',
      };
    case 'profiles':
      return { id: existingId ?? world.users.nonMember, email: 'x@y.test' };
    default: {
      const row = sampleRow(table, world.tenantId, id);
      // Keep secret names distinct from the fixture's, so only policy can refuse an upsert.
      if (table === 'secrets' && existingId) row.name = `key-${id.slice(0, 8)}`;
      return row;
    }
  }
}

interface RpcCell {
  name: string;
  minimum: MinRole | 'authenticated';
  /** Outcomes that differ from what the role alone implies, with the reason in the test name. */
  except?: Partial<Record<Actor, string>>;
  probe(sql: SqlClient, world: TenantWorld, token: string): Promise<number>;
}

const RPC_CELLS: RpcCell[] = [
  {
    name: 'create_tenant',
    minimum: 'authenticated',
    probe: async (sql) => ((await rpc<string>(sql, `create_tenant('New org')`)) ? 1 : 0),
  },
  {
    name: 'invite_member',
    minimum: 'admin',
    probe: async (sql, world) =>
      (await rpc<string>(sql, 'invite_member($1, $2, $3)', [
        world.tenantId,
        'new@acme.test',
        'member',
      ]))
        ? 1
        : 0,
  },
  {
    name: 'accept_invitation',
    minimum: 'authenticated',
    probe: async (sql, world, token) =>
      (await rpc<string>(sql, 'accept_invitation($1)', [token])) === world.tenantId ? 1 : 0,
  },
  {
    name: 'set_member_role',
    minimum: 'admin',
    probe: async (sql, world) => {
      await rpc(sql, 'set_member_role($1, $2, $3)', [world.tenantId, world.users.viewer, 'member']);
      return 1;
    },
  },
  {
    name: 'remove_member (someone else)',
    minimum: 'admin',
    probe: async (sql, world) => {
      const me = await rpc<string>(sql, 'auth.uid()');
      const target = me === world.users.viewer ? world.users.member : world.users.viewer;
      await rpc(sql, 'remove_member($1, $2)', [world.tenantId, target]);
      return 1;
    },
  },
  {
    name: 'remove_member (leave)',
    minimum: 'viewer',
    // The only owner can't leave: the organization would have nobody to run it.
    except: {
      owner: 'error 23514: A tenant must keep at least one owner: make someone else owner first',
    },
    probe: async (sql, world) => {
      await rpc(sql, 'remove_member($1, auth.uid())', [world.tenantId]);
      return 1;
    },
  },
  {
    name: 'sync_pull workflows',
    minimum: 'viewer',
    probe: async (sql, world) => {
      const page = await rpc<{ documents: { id: string }[] }>(
        sql,
        `sync_pull('workflows', null, 100)`,
      );
      return page.documents.filter((d) => d.id === world.rows.workflows).length;
    },
  },
  {
    name: 'sync_pull secrets',
    minimum: 'member',
    probe: async (sql, world) => {
      const page = await rpc<{ documents: { id: string }[] }>(
        sql,
        `sync_pull('secrets', null, 100)`,
      );
      return page.documents.filter((d) => d.id === world.rows.secrets).length;
    },
  },
  {
    name: 'sync_pending_count workflows',
    minimum: 'viewer',
    probe: async (sql) => Number(await rpc<string>(sql, `sync_pending_count('workflows', null)`)),
  },
  ...(['workflows', 'secrets'] as const).map((table): RpcCell => ({
    name: `sync_push ${table} (insert)`,
    minimum: table === 'secrets' ? 'admin' : 'member',
    probe: async (sql, world) => pushedOk(sql, table, sampleRow(table, world.tenantId), null),
  })),
  {
    name: 'sync_push workflows (update)',
    minimum: 'member',
    probe: async (sql, world) => {
      const current = await sql.query<{ txid: string }>(
        `select _txid::text as txid from workflows where id = $1`,
        [world.rows.workflows],
      );
      const txid = current.rows[0]?.txid ?? '1';
      const row = {
        ...sampleRow('workflows', world.tenantId, world.rows.workflows),
        name: 'Edited',
      };
      return pushedOk(sql, 'workflows', row, { ...row, _txid: txid });
    },
  },
];

/** 1 when sync_push wrote the row, 0 when it reported it rejected (or not visible). */
async function pushedOk(
  sql: SqlClient,
  table: string,
  row: Record<string, unknown>,
  assumed: Record<string, unknown> | null,
): Promise<number> {
  const result = await rpc<{ conflicts: unknown[]; rejected: { code: string }[] }>(
    sql,
    `sync_push($1, $2)`,
    [table, JSON.stringify([{ newDocumentState: row, assumedMasterState: assumed }])],
  );
  if (result.rejected.length > 0) {
    const code = result.rejected[0]!.code;
    if (code === '42501' || code === 'P0002') return 0;
    throw Object.assign(new Error(`unexpected rejection ${JSON.stringify(result.rejected)}`), {
      code,
    });
  }
  return result.conflicts.length === 0 ? 1 : 0;
}

function expectedRpc(cell: RpcCell, actor: Actor): string {
  const exception = cell.except?.[actor];
  if (exception !== undefined) return exception;
  if (actor === 'anon') return 'denied';
  if (cell.minimum === 'authenticated') return 'allowed';
  const rank = ROLE_OF[actor];
  return rank !== undefined && rank >= RANK[cell.minimum] ? 'allowed' : 'denied';
}

describe.each(BACKENDS)('isolation matrix on %s', (backend) => {
  let db: TestDatabase;
  let world: TenantWorld;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    world = await buildTenantWorld(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(TABLES)('%s: every actor and verb', async (table) => {
    const actual: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const actor of ACTORS) {
      for (const verb of VERBS) {
        const cell = `${actor} ${verb}`;
        wanted[cell] = expected(table, verb, actor);
        actual[cell] = await db.probeAs(world.userOf(actor), (sql) =>
          outcomeOf(() => probeTable(sql, world, table, verb)),
        );
      }
    }
    expect(actual).toEqual(wanted);
  });

  it('RPCs: every actor', async () => {
    const actual: Record<string, string> = {};
    const wanted: Record<string, string> = {};
    for (const cell of RPC_CELLS) {
      for (const actor of ACTORS) {
        // A fresh invitation per probe: accepting one uses it up.
        const token =
          cell.name === 'accept_invitation'
            ? await db.as(world.users.owner, (sql) =>
                rpc<string>(sql, 'invite_member($1, $2, $3)', [
                  world.tenantId,
                  `probe-${actor}@acme.test`,
                  'viewer',
                ]),
              )
            : '';
        const key = `${cell.name} by ${actor}`;
        wanted[key] = expectedRpc(cell, actor);
        actual[key] = await db.probeAs(world.userOf(actor), (sql) =>
          outcomeOf(() => cell.probe(sql, world, token)),
        );
      }
    }
    expect(actual).toEqual(wanted);
  });

  it('never lets a row move to another tenant, even for someone who belongs to both', async () => {
    // The other organization's owner joins Acme as admin: they can write in both.
    const bridge = world.users.otherTenantMember;
    await addMember(db, world.tenantId, world.users.owner, bridge, 'owner@globex.test', 'admin');
    try {
      for (const table of SYNCED_TABLES) {
        const moved = await db.probeAs(bridge, (sql) =>
          outcomeOf(
            async () =>
              (
                await sql.query(`update ${table} set tenant_id = $1 where id = $2`, [
                  world.otherTenantId,
                  world.rows[table],
                ])
              ).affectedRows,
          ),
        );
        expect(moved, table).toBe('denied');
        const pushed = await db.probeAs(bridge, async (sql) => {
          const current = await sql.query<{ txid: string }>(
            `select _txid::text as txid from ${table} where id = $1`,
            [world.rows[table]],
          );
          const row = { ...sampleRow(table, world.otherTenantId, world.rows[table]) };
          const assumed = { ...row, tenant_id: world.tenantId, _txid: current.rows[0]!.txid };
          return rpc<{ rejected: { id: string; code: string }[] }>(sql, 'sync_push($1, $2)', [
            table,
            JSON.stringify([{ newDocumentState: row, assumedMasterState: assumed }]),
          ]);
        });
        expect(pushed.rejected, table).toEqual([
          {
            id: world.rows[table],
            code: '42501',
            message: expect.stringContaining('cannot change'),
          },
        ]);
      }
    } finally {
      await db.as(world.users.owner, (sql) =>
        rpc(sql, 'remove_member($1, $2)', [world.tenantId, bridge]),
      );
    }
  });

  it('rejects rows of another tenant pushed through sync_push, and writes the rest', async () => {
    const mine = sampleRow('workflows', world.otherTenantId);
    const theirs = sampleRow('workflows', world.tenantId);
    const overwrite = { ...sampleRow('workflows', world.otherTenantId, world.rows.workflows) };
    const result = await db.as(world.users.otherTenantMember, (sql) =>
      rpc<{ conflicts: unknown[]; rejected: { id: string; code: string }[] }>(
        sql,
        'sync_push($1, $2)',
        [
          'workflows',
          JSON.stringify([
            { newDocumentState: theirs, assumedMasterState: null },
            { newDocumentState: mine, assumedMasterState: null },
            { newDocumentState: overwrite, assumedMasterState: null },
          ]),
        ],
      ),
    );
    expect(result.conflicts).toEqual([]);
    expect(result.rejected.map((r) => [r.id, r.code])).toEqual([
      [theirs.id, '42501'],
      [world.rows.workflows, '23505'],
    ]);
    const stored = await db.sql.query<{ id: string; tenant_id: string; name: string }>(
      'select id, tenant_id, name from workflows where id = any($1)',
      [[mine.id, theirs.id, world.rows.workflows]],
    );
    expect(stored.rows).toHaveLength(2);
    expect(stored.rows.find((r) => r.id === mine.id)?.tenant_id).toBe(world.otherTenantId);
    expect(stored.rows.find((r) => r.id === world.rows.workflows)?.tenant_id).toBe(world.tenantId);
    await db.sql.query('delete from workflows where id = $1', [mine.id]);
  });

  it('gives anon nothing at all, not even the list of organizations', async () => {
    for (const table of TABLES) {
      const seen = await db.probeAs(null, (sql) =>
        outcomeOf(async () => (await sql.query(`select 1 from ${table}`)).rows.length),
      );
      expect(seen, table).toBe('denied');
    }
  });

  it('lets each row be inserted by the member who syncs it, stamping who and when', async () => {
    const row = sampleRow('workflows', world.tenantId);
    await db.as(world.users.member, (sql) =>
      insertRow(sql, 'workflows', { ...row, created_by: world.users.owner }),
    );
    const stored = await db.sql.query<{ created_by: string; txid: string }>(
      'select created_by, _txid::text as txid from workflows where id = $1',
      [row.id],
    );
    expect(stored.rows[0]?.created_by).toBe(world.users.member);
    expect(BigInt(stored.rows[0]!.txid)).toBeGreaterThan(0n);
  });
});
