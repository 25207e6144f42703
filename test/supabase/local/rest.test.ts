import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '@supabase/supabase-js';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { TestServer } from './local-server-harness.ts';
import {
  backends,
  createSupabaseClient,
  rawFetch,
  startTestServer,
} from './local-server-harness.ts';

interface Member {
  client: SupabaseClient;
  userId: string;
  tenantId: string;
  token: string;
}

async function member(t: TestServer): Promise<Member> {
  const { client, userId } = await t.signUp();
  const { data, error } = await client.from('tenants').select('id').single();
  if (error) throw new Error(error.message);
  const token = (await client.auth.getSession()).data.session!.access_token;
  return { client, userId, tenantId: (data as { id: string }).id, token };
}

function workflow(tenantId: string, name: string) {
  return {
    newDocumentState: { id: randomUUID(), tenant_id: tenantId, name },
    assumedMasterState: null,
  };
}

async function push(client: SupabaseClient, rows: ReturnType<typeof workflow>[]) {
  const { data, error } = await client.rpc('sync_push', {
    p_collection: 'workflows',
    p_rows: rows,
  });
  if (error) throw new Error(error.message);
  return data as { conflicts: unknown[]; rejected: { id: string; code: string }[] };
}

/**
 * sync_pull only hands out rows below the oldest running transaction of the whole cluster
 * (DESIGN.md), and other tests share the PostgreSQL server: wait until `expected` is visible.
 */
async function pullIds(client: SupabaseClient, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { data, error } = await client.rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: null,
      p_limit: 1000,
    });
    if (error) throw new Error(error.message);
    const ids = (data as { documents: { id: string }[] }).documents.map((d) => d.id).sort();
    if (expected.every((id) => ids.includes(id)) || Date.now() > deadline) return ids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(backends)('PostgREST API through supabase-js on %s', (backend) => {
  let t: TestServer;
  let alice: Member;
  let bob: Member;
  let aliceRows: ReturnType<typeof workflow>[];

  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = await member(t);
    bob = await member(t);
    aliceRows = ['Invoice triage', 'Lead scoring', 'Weekly digest'].map((name) =>
      workflow(alice.tenantId, name),
    );
    expect(await push(alice.client, aliceRows)).toEqual({ conflicts: [], rejected: [] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps tenants apart through RPCs: each user pulls only their own rows', async () => {
    const aliceIds = aliceRows.map((r) => r.newDocumentState.id).sort();
    expect(await pullIds(alice.client, aliceIds)).toEqual(aliceIds);
    const bobPull = await bob.client.rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: null,
      p_limit: 100,
    });
    expect(bobPull.data).toEqual({ documents: [], checkpoint: null });
  });

  it('refuses a row pushed into another tenant, and nothing of the other tenant is readable', async () => {
    const intrusion = workflow(alice.tenantId, 'planted by bob');
    const result = await push(bob.client, [intrusion]);
    expect(result.rejected).toEqual([
      expect.objectContaining({ id: intrusion.newDocumentState.id, code: '42501' }),
    ]);
    const read = await bob.client.from('workflows').select('id');
    expect(read).toMatchObject({ error: null, data: [] });
    const byId = await bob.client
      .from('workflows')
      .select('id')
      .eq('id', aliceRows[0]!.newDocumentState.id)
      .maybeSingle();
    expect(byId).toMatchObject({ error: null, data: null });
    const count = await t.server.sql.query<{ n: number }>(
      'select count(*)::int as n from public.workflows where id = $1',
      [intrusion.newDocumentState.id],
    );
    expect(count.rows[0]!.n).toBe(0);
  });

  it('reads tables with select, eq, in, order and limit, and single/maybeSingle', async () => {
    const ordered = await alice.client
      .from('workflows')
      .select('id, title:name')
      .eq('tenant_id', alice.tenantId)
      .order('name', { ascending: false })
      .limit(2);
    expect(ordered.error).toBeNull();
    expect(ordered.data!.map((r) => (r as { title: string }).title)).toEqual([
      'Weekly digest',
      'Lead scoring',
    ]);
    const some = await alice.client
      .from('workflows')
      .select('name')
      .in('name', ['Lead scoring', 'Invoice triage', 'no such, name'])
      .order('name');
    expect(some.data).toEqual([{ name: 'Invoice triage' }, { name: 'Lead scoring' }]);
    const one = await alice.client
      .from('workflows')
      .select('name')
      .eq('name', 'Lead scoring')
      .single();
    expect(one).toMatchObject({ error: null, data: { name: 'Lead scoring' } });
    const none = await alice.client.from('workflows').select('name').eq('name', 'nothing').single();
    expect(none.status).toBe(406);
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' });
    const counted = await alice.client.from('workflows').select('id', { count: 'exact' }).limit(1);
    expect(counted.count).toBe(3);
    expect(counted.data).toHaveLength(1);
    const headOnly = await alice.client
      .from('workflows')
      .select('*', { count: 'exact', head: true });
    expect(headOnly).toMatchObject({ error: null, data: null, count: 3 });
  });

  it('writes tables (insert, update, upsert, delete) with RLS deciding, as PostgREST does', async () => {
    const id = randomUUID();
    const inserted = await alice.client
      .from('workflows')
      .insert({ id, tenant_id: alice.tenantId, name: 'Written through REST' })
      .select('id, name, created_by')
      .single();
    expect(inserted.status).toBe(201);
    expect(inserted.data).toEqual({ id, name: 'Written through REST', created_by: alice.userId });

    const intruder = await bob.client
      .from('workflows')
      .insert({ id: randomUUID(), tenant_id: alice.tenantId, name: 'planted' });
    expect(intruder.status).toBe(403);
    expect(intruder.error).toMatchObject({ code: '42501' });

    const bobUpdate = await bob.client
      .from('workflows')
      .update({ name: 'hijacked' })
      .eq('id', id)
      .select();
    expect(bobUpdate).toMatchObject({ error: null, data: [] });
    const renamed = await alice.client
      .from('workflows')
      .update({ name: 'Renamed' })
      .eq('id', id)
      .select('name');
    expect(renamed).toMatchObject({ status: 200, data: [{ name: 'Renamed' }] });

    const upserted = await alice.client
      .from('workflows')
      .upsert({ id, tenant_id: alice.tenantId, name: 'Upserted' })
      .select('name');
    expect(upserted).toMatchObject({ error: null, data: [{ name: 'Upserted' }] });

    const unknownColumn = await alice.client
      .from('workflows')
      .insert({ id: randomUUID(), nope: 1 });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.error).toMatchObject({ code: 'PGRST204' });

    const bobDelete = await bob.client.from('workflows').delete().eq('id', id).select('id');
    expect(bobDelete).toMatchObject({ error: null, data: [] });
    const aliceDelete = await alice.client.from('workflows').delete().eq('id', id);
    expect(aliceDelete.error).toBeNull();
    expect(aliceDelete.status).toBe(204);
    const left = await t.server.sql.query('select 1 from public.workflows where id = $1', [id]);
    expect(left.rows).toHaveLength(0);
  });

  it('lets the service_role key past RLS, as on Supabase', async () => {
    const service = createSupabaseClient(t.server.url, t.server.serviceRoleKey);
    const { data, error } = await service.from('workflows').select('id');
    expect(error).toBeNull();
    expect(data!.length).toBeGreaterThanOrEqual(3);
  });

  it('treats no token as anon, which reaches nothing: 401 with the database refusal', async () => {
    const anon = t.client();
    const read = await anon.from('workflows').select('id');
    expect(read.status).toBe(401);
    expect(read.error).toMatchObject({
      code: '42501',
      message: 'permission denied for table workflows',
    });
    const pull = await anon.rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: null,
      p_limit: 10,
    });
    expect(pull.status).toBe(401);
    expect(pull.error).toMatchObject({ code: '42501' });
    expect(pull.error!.message).toContain('permission denied');
  });

  it('refuses forged, tampered and expired JWTs with 401 and PostgREST bodies', async () => {
    const claims = JSON.parse(
      Buffer.from(alice.token.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('another secret, another project, 32+ chars'));
    const [head, , signature] = alice.token.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, sub: bob.userId })).toString(
      'base64url',
    );
    const tampered = `${head}.${tamperedPayload}.${signature}`;
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(t.server.jwtSecret));
    const cases = [
      { token: forged, code: 'PGRST301', message: 'JWSError JWSInvalidSignature' },
      { token: tampered, code: 'PGRST301', message: 'JWSError JWSInvalidSignature' },
      { token: expired, code: 'PGRST303', message: 'JWT expired' },
      { token: 'not-a-jwt', code: 'PGRST301', message: 'Expected 3 parts in JWT; got 1' },
    ];
    for (const { token, code, message } of cases) {
      for (const path of ['/rest/v1/rpc/sync_pull', '/rest/v1/workflows?select=id']) {
        const response = await rawFetch(t.server, path, {
          token,
          method: path.includes('rpc') ? 'POST' : 'GET',
          body: path.includes('rpc')
            ? JSON.stringify({ p_collection: 'workflows', p_checkpoint: null, p_limit: 1 })
            : undefined,
        });
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ code, message, details: null, hint: null });
        expect(response.headers.get('www-authenticate')).toContain('invalid_token');
      }
    }
    // Through supabase-js too: a client holding an expired token gets the error, not data.
    const viaJs = await clientWithToken(t, expired).rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: null,
      p_limit: 1,
    });
    expect(viaJs.status).toBe(401);
    expect(viaJs.error).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
  });

  it('answers malformed JSON, unknown functions, tables, columns and filters in PostgREST shape', async () => {
    const malformed = await rawFetch(t.server, '/rest/v1/rpc/create_tenant', {
      token: alice.token,
      method: 'POST',
      body: '{"p_name": "unterminated',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      code: 'PGRST102',
      message: 'Empty or invalid json',
      hint: null,
    });

    const unknownFunction = await alice.client.rpc('no_such_function', { p_x: 1 });
    expect(unknownFunction.status).toBe(404);
    expect(unknownFunction.error).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.no_such_function(p_x) in the schema cache',
    });
    const wrongArgs = await alice.client.rpc('create_tenant', { name: 'x' });
    expect(wrongArgs.status).toBe(404);
    expect(wrongArgs.error).toMatchObject({
      code: 'PGRST202',
      hint: expect.stringContaining('create_tenant(p_name)'),
    });

    const unknownTable = await alice.client.from('no_such_table').select('*');
    expect(unknownTable.status).toBe(404);
    expect(unknownTable.error).toMatchObject({ code: 'PGRST205' });
    const unknownColumn = await alice.client.from('workflows').select('nope');
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.error).toMatchObject({
      code: '42703',
      message: 'column workflows.nope does not exist',
    });
    const badFilter = await rawFetch(t.server, '/rest/v1/workflows?name=between.1', {
      token: alice.token,
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatchObject({
      code: 'PGRST100',
      details: expect.any(String),
      hint: null,
    });
    const badUuid = await alice.client.from('workflows').select('id').eq('id', 'not-a-uuid');
    expect(badUuid.status).toBe(400);
    expect(badUuid.error).toMatchObject({ code: '22P02' });
  });

  it('maps errors raised by the database to PostgREST statuses (P0001/22023 → 400, 23505 → 409)', async () => {
    const badLimit = await alice.client.rpc('sync_pull', {
      p_collection: 'workflows',
      p_checkpoint: null,
      p_limit: 0,
    });
    expect(badLimit.status).toBe(400);
    expect(badLimit.error).toMatchObject({
      code: '22023',
      message: expect.stringContaining('p_limit'),
    });
    const badCollection = await alice.client.rpc('sync_pull', {
      p_collection: 'tenants',
      p_checkpoint: null,
      p_limit: 1,
    });
    expect(badCollection.status).toBe(400);
    expect(badCollection.error!.message).toMatch(/tenants/);
  });

  it('is not open to SQL injection through names, filters, orders, selects or argument names', async () => {
    const before = await t.server.sql.query<{ n: number }>(
      'select count(*)::int as n from public.workflows',
    );
    const attempts: { path: string; method?: string; body?: string }[] = [
      {
        path: '/rest/v1/rpc/sync_pull;drop%20table%20public.workflows',
        method: 'POST',
        body: '{}',
      },
      {
        path: '/rest/v1/rpc/create_tenant',
        method: 'POST',
        body: JSON.stringify({ 'p_name") ; drop table public.workflows; --': 'x' }),
      },
      { path: '/rest/v1/workflows;drop%20table%20public.workflows?select=id' },
      { path: `/rest/v1/workflows?select=id&name=eq.${encodeURIComponent("x' or '1'='1")}` },
      {
        path: `/rest/v1/workflows?select=id&id=in.(${encodeURIComponent("00000000-0000-0000-0000-000000000000') or true --")})`,
      },
      { path: '/rest/v1/workflows?select=id&name;drop%20table%20public.workflows=eq.1' },
      { path: '/rest/v1/workflows?select=id,(select%20pg_sleep(1))' },
      { path: '/rest/v1/workflows?select=id&order=name;drop%20table%20public.workflows' },
      { path: '/rest/v1/workflows?select=id&limit=1;drop%20table%20public.workflows' },
      { path: '/rest/v1/pg_catalog.pg_authid?select=*' },
    ];
    for (const attempt of attempts) {
      const response = await rawFetch(t.server, attempt.path, {
        token: bob.token,
        method: attempt.method ?? 'GET',
        body: attempt.body,
      });
      if (response.status === 200) {
        expect(response.body, attempt.path).toEqual([]);
      } else {
        expect([400, 404], attempt.path).toContain(response.status);
        expect(response.body).toMatchObject({
          code: expect.any(String),
          message: expect.any(String),
        });
      }
    }
    const after = await t.server.sql.query<{ n: number }>(
      'select count(*)::int as n from public.workflows',
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    // bob still sees none of alice's rows.
    expect((await bob.client.from('workflows').select('id')).data).toEqual([]);
  });

  // Twenty bcrypt sign-ups take a while on a busy machine: a generous timeout, not a limit.
  it('answers 200 concurrent RPC calls from 20 clients, each correctly', async () => {
    const members = await Promise.all(Array.from({ length: 20 }, () => member(t)));
    const calls = members.flatMap((m, i) =>
      Array.from({ length: 10 }, (_, j) => {
        const row = workflow(m.tenantId, `client ${i} call ${j}`);
        return m.client
          .rpc('sync_push', { p_collection: 'workflows', p_rows: [row] })
          .then((response) => ({ m, row, response }));
      }),
    );
    const results = await Promise.all(calls);
    expect(results).toHaveLength(200);
    for (const { response } of results) {
      expect(response.error).toBeNull();
      expect(response.data).toEqual({ conflicts: [], rejected: [] });
    }
    for (const m of members) {
      const expected = results.filter((r) => r.m === m).map((r) => r.row.newDocumentState.id);
      expect(await pullIds(m.client, expected)).toEqual(expected.sort());
    }
  }, 180_000);
});

/** A client whose every request carries `token`, as supabase-js does with an `accessToken` callback. */
function clientWithToken(t: TestServer, token: string): SupabaseClient {
  return createClient(t.server.url, t.server.anonKey, {
    accessToken: async () => token,
    realtime: { transport: WebSocket as never },
  });
}
