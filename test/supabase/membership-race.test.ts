/**
 * Issue 16, item 2: "a tenant always keeps an owner" under concurrent admins. On PostgreSQL two
 * owners leaving (or demoting each other) in overlapping transactions each saw the other still
 * owner; membership changes are now serialized per tenant. The interleaving is forced with two
 * connections holding their transactions open; the same race through the HTTP API is run on
 * both databases.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsFor, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addMember, personalTenantOf } from '../helpers/tenant-fixture.ts';
import { backends, startTestServer } from './local/local-server-harness.ts';
import type { TestServer } from './local/local-server-harness.ts';

async function connectAs(url: string, userId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set role authenticated');
  await client.query(`select set_config('request.jwt.claims', $1, false)`, [
    JSON.stringify(claimsFor(userId)),
  ]);
  return client;
}

async function owners(sql: TestDatabase['sql'], tenantId: string): Promise<string[]> {
  const result = await sql.query<{ user_id: string }>(
    `select user_id::text from tenant_members where tenant_id = $1 and role = 'owner'`,
    [tenantId],
  );
  return result.rows.map((row) => row.user_id);
}

describe('two owners changing membership at the same moment (PostgreSQL server)', () => {
  let db: TestDatabase;
  let round = 0;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A tenant with two owners, A and B, each on their own connection. */
  async function twoOwners() {
    round++;
    const a = await db.createUser(`a${round}@race.test`);
    const b = await db.createUser(`b${round}@race.test`);
    const tenantId = await personalTenantOf(db, a);
    await addMember(db, tenantId, a, b, `b${round}@race.test`, 'owner');
    return {
      tenantId,
      a: { id: a, client: await connectAs(db.url!, a) },
      b: { id: b, client: await connectAs(db.url!, b) },
    };
  }

  /**
   * A's change runs and stays uncommitted while B's starts; then A commits and B finishes.
   * Answers B's outcome (null = succeeded).
   */
  async function interleave(
    first: pg.Client,
    firstCall: [string, unknown[]],
    second: pg.Client,
    secondCall: [string, unknown[]],
  ): Promise<string | null> {
    await first.query('begin');
    await second.query('begin');
    await first.query(...firstCall);
    const secondDone = second.query(...secondCall).then(
      async () => {
        await second.query('commit');
        return null;
      },
      async (error: Error) => {
        await second.query('rollback');
        return error.message;
      },
    );
    // Give the second call time to run into the lock (or, before the fix, past it).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.query('commit');
    return secondDone;
  }

  it('two owners leaving: one leaves, the other is refused, an owner remains', async () => {
    const { tenantId, a, b } = await twoOwners();
    try {
      const refused = await interleave(
        a.client,
        ['select public.remove_member($1, $2)', [tenantId, a.id]],
        b.client,
        ['select public.remove_member($1, $2)', [tenantId, b.id]],
      );
      expect(refused).toMatch(/keep at least one owner/);
      expect(await owners(db.sql, tenantId)).toEqual([b.id]);
    } finally {
      await Promise.all([a.client.end(), b.client.end()]);
    }
  });

  it('two owners demoting each other: one demotion holds, the other is refused', async () => {
    const { tenantId, a, b } = await twoOwners();
    try {
      const refused = await interleave(
        a.client,
        ['select public.set_member_role($1, $2, $3)', [tenantId, b.id, 'admin']],
        b.client,
        ['select public.set_member_role($1, $2, $3)', [tenantId, a.id, 'admin']],
      );
      // B was demoted by A before B's call could act: as an admin, B cannot touch an owner.
      expect(refused).toMatch(/cannot change a owner|keep at least one owner/);
      expect(await owners(db.sql, tenantId)).toEqual([a.id]);
    } finally {
      await Promise.all([a.client.end(), b.client.end()]);
    }
  });
});

describe.each(backends)('owners racing through the API on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('ten rounds of three owners all leaving at once always leave one owner', async () => {
    for (let round = 0; round < 10; round++) {
      const people = await Promise.all([t.signUp(), t.signUp(), t.signUp()]);
      const [first] = people;
      const { data } = await first!.client.from('tenants').select('id').single();
      const tenantId = (data as { id: string }).id;
      for (const person of people.slice(1)) {
        const { data: token } = await first!.client.rpc('invite_member', {
          p_tenant_id: tenantId,
          p_email: person.email,
          p_role: 'owner',
        });
        const accepted = await person.client.rpc('accept_invitation', { p_token: token });
        expect(accepted.error).toBeNull();
      }
      const results = await Promise.all(
        people.map((person) =>
          person.client.rpc('remove_member', { p_tenant_id: tenantId, p_user_id: person.userId }),
        ),
      );
      expect(results.filter((result) => result.error === null)).toHaveLength(2);
      const left = await t.server.sql.query(
        `select 1 from tenant_members where tenant_id = $1 and role = 'owner'`,
        [tenantId],
      );
      expect(left.rows).toHaveLength(1);
    }
  }, 120_000);
});
