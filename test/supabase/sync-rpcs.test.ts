/**
 * sync_pull and sync_push as a client uses them: paging by checkpoint, conflicts on a stale
 * assumed master state, partial rejection inside one batch, and bad input refused whole.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { errorOf } from '../helpers/errors.ts';
import { buildTenantWorld, rpc, sampleRow, type TenantWorld } from '../helpers/tenant-fixture.ts';
import type { SqlClient } from '../../supabase/local/sql-client.ts';

interface PullPage {
  documents: Record<string, unknown>[];
  checkpoint: { txid: string; id: string } | null;
}
interface PushResult {
  conflicts: Record<string, unknown>[];
  rejected: { id: string; code: string; message: string }[];
}

function pull(sql: SqlClient, collection: string, checkpoint: unknown, limit: number) {
  return rpc<PullPage>(sql, 'sync_pull($1, $2, $3)', [
    collection,
    checkpoint === undefined ? null : JSON.stringify(checkpoint),
    limit,
  ]);
}

function push(sql: SqlClient, collection: string, rows: unknown) {
  return rpc<PushResult>(sql, 'sync_push($1, $2)', [collection, JSON.stringify(rows)]);
}

describe.each(BACKENDS)('sync RPCs on %s', (backend) => {
  let db: TestDatabase;
  let world: TenantWorld;

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    world = await buildTenantWorld(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('pages through every row exactly once, in (_txid, id) order', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const rows = Array.from({ length: 7 }, () => sampleRow('connectors', world.tenantId));
      ids.push(...rows.map((r) => r.id as string));
      const result = await db.as(world.users.member, (sql) =>
        push(
          sql,
          'connectors',
          rows.map((row) => ({ newDocumentState: row, assumedMasterState: null })),
        ),
      );
      expect(result).toEqual({ conflicts: [], rejected: [] });
    }
    const seen: Record<string, unknown>[] = [];
    let checkpoint: PullPage['checkpoint'] = null;
    const expected = [...ids, world.rows.connectors];
    // Rows show only below the cluster's oldest running transaction (the protocol's rule), so
    // another test's open transaction on the same server can hold them back for a moment:
    // pull from the checkpoint reached until every row has arrived.
    await vi.waitFor(
      async () => {
        for (;;) {
          const page: PullPage = await db.as(world.users.viewer, (sql) =>
            pull(sql, 'connectors', checkpoint, 4),
          );
          if (page.documents.length === 0) {
            expect(page.checkpoint).toEqual(checkpoint);
            break;
          }
          seen.push(...page.documents);
          checkpoint = page.checkpoint;
        }
        expect(seen.map((d) => d.id)).toEqual(expect.arrayContaining(expected));
      },
      { timeout: 20_000, interval: 200 },
    );
    const pulledIds = seen.map((d) => d.id);
    expect(new Set(pulledIds).size).toBe(pulledIds.length);
    expect(pulledIds).toEqual(expect.arrayContaining(expected));
    const order = seen.map((d) => [BigInt(d._txid as string), d.id as string] as const);
    const sorted = [...order].sort((a, b) =>
      a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1,
    );
    expect(order).toEqual(sorted);
  });

  it('returns the current server row as a conflict when the assumed state is stale', async () => {
    const row = sampleRow('workflows', world.tenantId);
    await db.as(world.users.member, (sql) =>
      push(sql, 'workflows', [{ newDocumentState: row, assumedMasterState: null }]),
    );
    const first = await db.sql.query<{ doc: Record<string, unknown> }>(
      'select to_jsonb(w) as doc from workflows w where id = $1',
      [row.id],
    );
    const base = first.rows[0]!.doc;
    // Device A edits on top of the base and wins the race.
    const a = await db.as(world.users.member, (sql) =>
      push(sql, 'workflows', [
        { newDocumentState: { ...base, name: 'From A' }, assumedMasterState: base },
      ]),
    );
    expect(a).toEqual({ conflicts: [], rejected: [] });
    // Device B edited the same base: it must get A's version back, and write nothing.
    const b = await db.as(world.users.admin, (sql) =>
      push(sql, 'workflows', [
        { newDocumentState: { ...base, name: 'From B' }, assumedMasterState: base },
      ]),
    );
    expect(b.rejected).toEqual([]);
    expect(b.conflicts).toHaveLength(1);
    expect(b.conflicts[0]).toMatchObject({ id: row.id, name: 'From A' });
    expect(b.conflicts[0]!._txid).not.toBe(base._txid);
    // Pushing again on top of the conflict's version succeeds.
    const retry = await db.as(world.users.admin, (sql) =>
      push(sql, 'workflows', [
        {
          newDocumentState: { ...b.conflicts[0], name: 'From A and B' },
          assumedMasterState: b.conflicts[0],
        },
      ]),
    );
    expect(retry).toEqual({ conflicts: [], rejected: [] });
    const final = await db.sql.query('select name from workflows where id = $1', [row.id]);
    expect(final.rows[0]).toEqual({ name: 'From A and B' });
  });

  it('treats an insert of an id that already exists as a conflict', async () => {
    const row = sampleRow('workflows', world.tenantId);
    await db.as(world.users.member, (sql) =>
      push(sql, 'workflows', [{ newDocumentState: row, assumedMasterState: null }]),
    );
    const again = await db.as(world.users.member, (sql) =>
      push(sql, 'workflows', [
        { newDocumentState: { ...row, name: 'Other device' }, assumedMasterState: null },
      ]),
    );
    expect(again.rejected).toEqual([]);
    expect(again.conflicts).toEqual([expect.objectContaining({ id: row.id, name: row.name })]);
  });

  it("rejects a viewer's rows with their code and writes the member's in the same batch", async () => {
    // One batch from one caller: a constraint failure and an RLS failure among good rows.
    const good1 = sampleRow('workflows', world.tenantId);
    const tooLong = { ...sampleRow('workflows', world.tenantId), name: 'x'.repeat(500) };
    const otherTenant = sampleRow('workflows', world.otherTenantId);
    const good2 = sampleRow('workflows', world.tenantId);
    const result = await db.as(world.users.member, (sql) =>
      push(
        sql,
        'workflows',
        [good1, tooLong, otherTenant, good2].map((row) => ({
          newDocumentState: row,
          assumedMasterState: null,
        })),
      ),
    );
    expect(result.conflicts).toEqual([]);
    expect(result.rejected).toEqual([
      { id: tooLong.id, code: '23514', message: expect.stringContaining('workflows_name_check') },
      { id: otherTenant.id, code: '42501', message: expect.stringContaining('row-level security') },
    ]);
    const stored = await db.sql.query<{ id: string }>(
      'select id from workflows where id = any($1)',
      [[good1.id, tooLong.id, otherTenant.id, good2.id]],
    );
    expect(stored.rows.map((r) => r.id).sort()).toEqual([good1.id, good2.id].sort());

    const viewerPush = await db.as(world.users.viewer, (sql) =>
      push(sql, 'workflows', [
        { newDocumentState: sampleRow('workflows', world.tenantId), assumedMasterState: null },
      ]),
    );
    expect(viewerPush.rejected).toEqual([
      expect.objectContaining({
        code: '42501',
        message: expect.stringContaining('row-level security'),
      }),
    ]);
  });

  it('soft-deletes with a tombstone that a later pull delivers', async () => {
    const row = sampleRow('knowledge_bases', world.tenantId);
    await db.as(world.users.member, (sql) =>
      push(sql, 'knowledge_bases', [{ newDocumentState: row, assumedMasterState: null }]),
    );
    const before = await db.as(world.users.viewer, (sql) =>
      pull(sql, 'knowledge_bases', null, 1000),
    );
    const current = before.documents.find((d) => d.id === row.id)!;
    await db.as(world.users.member, (sql) =>
      push(sql, 'knowledge_bases', [
        { newDocumentState: { ...current, _deleted: true }, assumedMasterState: current },
      ]),
    );
    const after = await db.as(world.users.viewer, (sql) =>
      pull(sql, 'knowledge_bases', before.checkpoint, 1000),
    );
    expect(after.documents).toEqual([expect.objectContaining({ id: row.id, _deleted: true })]);
  });

  it('ignores server-managed columns a client sends', async () => {
    const row = {
      ...sampleRow('executions', world.tenantId),
      created_by: world.users.owner,
      created_at: '2000-01-01T00:00:00Z',
      updated_at: '2000-01-01T00:00:00Z',
      _txid: '1',
      server_txid: '1',
    };
    const result = await db.as(world.users.member, (sql) =>
      push(sql, 'executions', [{ newDocumentState: row, assumedMasterState: null }]),
    );
    expect(result).toEqual({ conflicts: [], rejected: [] });
    const stored = await db.sql.query<{ created_by: string; created_at: Date; txid: string }>(
      'select created_by, created_at, _txid::text as txid from executions where id = $1',
      [row.id],
    );
    expect(stored.rows[0]!.created_by).toBe(world.users.member);
    expect(stored.rows[0]!.created_at.getFullYear()).toBeGreaterThan(2000);
    expect(stored.rows[0]!.txid).not.toBe('1');
  });

  describe('bad input is refused with a clear error and writes nothing', () => {
    async function workflowCount(): Promise<number> {
      const result = await db.sql.query<{ n: number }>('select count(*)::int as n from workflows');
      return result.rows[0]!.n;
    }

    it('unknown collection', async () => {
      const error = await errorOf(
        db.as(world.users.member, (sql) => pull(sql, 'tenant_members', null, 10)),
      );
      expect(error).toEqual({ code: '22023', message: 'Unknown collection "tenant_members"' });
      const pushError = await errorOf(
        db.as(world.users.member, (sql) => push(sql, 'workflows; drop table tenants', [])),
      );
      expect(pushError.code).toBe('22023');
      expect(pushError.message).toContain('Unknown collection');
    });

    it.each([
      ['a string', 'yesterday'],
      ['a number txid', { txid: 5, id: randomUUID() }],
      ['a txid that is not a number', { txid: '1 or 1=1', id: randomUUID() }],
      ['an id that is not a uuid', { txid: '5', id: "x'); drop table workflows; --" }],
      ['a missing id', { txid: '5' }],
    ])('malformed checkpoint: %s', async (_label, checkpoint) => {
      const error = await errorOf(
        db.as(world.users.member, (sql) => pull(sql, 'workflows', checkpoint, 10)),
      );
      expect(error.code).toBe('22023');
      expect(error.message).toMatch(/^Malformed checkpoint/);
    });

    it('a limit out of range', async () => {
      const error = await errorOf(
        db.as(world.users.member, (sql) => pull(sql, 'workflows', null, 0)),
      );
      expect(error).toEqual({
        code: '22023',
        message: 'p_limit must be between 1 and 1000, got 0',
      });
    });

    it('an oversize batch', async () => {
      const before = await workflowCount();
      const rows = Array.from({ length: 1001 }, () => ({
        newDocumentState: sampleRow('workflows', world.tenantId),
        assumedMasterState: null,
      }));
      const error = await errorOf(db.as(world.users.member, (sql) => push(sql, 'workflows', rows)));
      expect(error.code).toBe('54000');
      expect(error.message).toContain('at most 1000 rows, this one has 1001');
      expect(await workflowCount()).toBe(before);
    });

    it.each([
      ['not an array', { newDocumentState: {} }],
      ['a row without newDocumentState', [{ assumedMasterState: null }]],
      [
        'a row whose id is not a uuid',
        [{ newDocumentState: { id: 42 }, assumedMasterState: null }],
      ],
      [
        'a string assumed state',
        [{ newDocumentState: { id: randomUUID() }, assumedMasterState: 'x' }],
      ],
    ])('a malformed batch: %s', async (_label, rows) => {
      const before = await workflowCount();
      const good = {
        newDocumentState: sampleRow('workflows', world.tenantId),
        assumedMasterState: null,
      };
      const batch = Array.isArray(rows) ? [good, ...rows] : rows;
      const error = await errorOf(
        db.as(world.users.member, (sql) => push(sql, 'workflows', batch)),
      );
      expect(error.code).toBe('22023');
      expect(await workflowCount()).toBe(before);
    });

    it('wrong column types are rejected per row, naming the problem', async () => {
      const before = await workflowCount();
      const badNodes = { ...sampleRow('workflows', world.tenantId), nodes: 'not a list' };
      const badSize = { ...sampleRow('knowledge_bases', world.tenantId), chunk_size: 'big' };
      const workflows = await db.as(world.users.member, (sql) =>
        push(sql, 'workflows', [{ newDocumentState: badNodes, assumedMasterState: null }]),
      );
      const kbs = await db.as(world.users.member, (sql) =>
        push(sql, 'knowledge_bases', [{ newDocumentState: badSize, assumedMasterState: null }]),
      );
      expect(workflows.rejected).toEqual([
        {
          id: badNodes.id,
          code: '23514',
          message: expect.stringContaining('workflows_nodes_check'),
        },
      ]);
      expect(kbs.rejected).toEqual([
        { id: badSize.id, code: '22P02', message: expect.stringContaining('"big"') },
      ]);
      expect(await workflowCount()).toBe(before);
    });

    it('an update without the version it was based on', async () => {
      const row = sampleRow('workflows', world.tenantId, world.rows.workflows);
      const result = await db.as(world.users.member, (sql) =>
        push(sql, 'workflows', [{ newDocumentState: row, assumedMasterState: { id: row.id } }]),
      );
      expect(result.rejected).toEqual([
        { id: row.id, code: '22023', message: expect.stringContaining('has no _txid') },
      ]);
    });
  });
});
