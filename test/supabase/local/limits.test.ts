/**
 * Issue 16, item 1: one signed-up user must not be able to bring the server down or make it
 * answer unbounded responses. Field sizes are checked by Postgres, a column cannot be selected
 * twice, responses are capped, each request has a statement timeout, and on PostgreSQL a
 * connection dying under the server does not end its process.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './local-server-harness.ts';
import { backends, rawFetch, startTestServer } from './local-server-harness.ts';
import { POSTGRES_ADMIN_URL } from '../../helpers/postgres-database.ts';

const MiB = 1024 * 1024;

async function signedIn(t: TestServer) {
  const { client, userId } = await t.signUp();
  const token = (await client.auth.getSession()).data.session!.access_token;
  const { data } = await client.from('tenants').select('id').single();
  return { client, userId, token, tenantId: (data as { id: string }).id };
}

function kbDocument(tenantId: string, content: string) {
  return { id: randomUUID(), tenant_id: tenantId, knowledge_base_id: randomUUID(), content };
}

describe.each(backends)('size limits and the response cap on %s', (backend) => {
  let t: TestServer;
  let alice: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    // A small cap, so a few modest rows exceed it as many huge ones would the default.
    t = await startTestServer(backend, { maxResponseBytes: 256 * 1024, statementTimeoutMs: 1500 });
    alice = await signedIn(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a field over its limit with a PostgREST error, storing nothing', async () => {
    const tooBig = kbDocument(alice.tenantId, 'x'.repeat(6 * MiB + 1));
    const response = await rawFetch(t.server, '/rest/v1/kb_documents', {
      method: 'POST',
      token: alice.token,
      body: JSON.stringify(tooBig),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: '23514',
      message: expect.stringContaining('kb_documents_content_size'),
    });
    const stored = await t.server.sql.query('select 1 from public.kb_documents where id = $1', [
      tooBig.id,
    ]);
    expect(stored.rows).toHaveLength(0);

    // The same write through sync_push is rejected too (its own path to the table).
    const pushed = await alice.client.rpc('sync_push', {
      p_collection: 'workflows',
      p_rows: [
        {
          newDocumentState: {
            id: randomUUID(),
            tenant_id: alice.tenantId,
            nodes: [{ id: 'n', data: { text: 'y'.repeat(2 * MiB) } }],
          },
          assumedMasterState: null,
        },
      ],
    });
    const refused =
      pushed.error !== null || (pushed.data as { rejected: unknown[] }).rejected.length === 1;
    expect(refused).toBe(true);
  });

  it('refuses a select naming one column twice, under any alias', async () => {
    for (const select of ['content,content', 'a:content,b:content', 'id,id:name']) {
      const response = await rawFetch(t.server, `/rest/v1/kb_documents?select=${select}`, {
        token: alice.token,
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'PGRST100',
        details: expect.stringMatching(/more than once/),
      });
    }
  });

  it('answers a response over the cap with a clear 413, and rows within it as usual', async () => {
    const rows = [0, 1, 2].map(() => kbDocument(alice.tenantId, 'z'.repeat(100 * 1024)));
    const inserted = await alice.client.from('kb_documents').insert(rows);
    expect(inserted.error).toBeNull();

    const all = await rawFetch(t.server, '/rest/v1/kb_documents?select=*', { token: alice.token });
    expect(all.status).toBe(413);
    expect(all.body).toMatchObject({
      code: '54000',
      message: expect.stringMatching(/more than the 256 KiB/),
      details: '3 rows matched',
      hint: expect.stringMatching(/fewer columns/),
    });
    // Within the cap: answered.
    const one = await alice.client.from('kb_documents').select('id, content').limit(2);
    expect(one.error).toBeNull();
    expect(one.data).toHaveLength(2);
    // An RPC's result is capped the same way (sync_pull of the three documents).
    const pulled = await alice.client.rpc('sync_pull', {
      p_collection: 'kb_documents',
      p_checkpoint: null,
      p_limit: 100,
    });
    expect(pulled.error).toMatchObject({ code: '54000' });
    // A write's echo over the cap: the write is done, the echo refused.
    const update = await alice.client
      .from('kb_documents')
      .update({ name: 'renamed' })
      .eq('tenant_id', alice.tenantId)
      .select();
    expect(update.error).toMatchObject({ code: '54000' });
    const renamed = await alice.client.from('kb_documents').select('name').eq('name', 'renamed');
    expect(renamed.data).toHaveLength(3);
  });

  it('runs each request under a statement timeout', async () => {
    await t.server.sql.exec(`
      create or replace function public.statement_timeout_probe(p_sleep float8) returns text
      language plpgsql volatile as $$
      begin
        perform pg_sleep(p_sleep);
        return current_setting('statement_timeout');
      end $$;
      grant execute on function public.statement_timeout_probe(float8) to authenticated;`);
    const quick = await alice.client.rpc('statement_timeout_probe', { p_sleep: 0 });
    expect(quick.data).toBe('1500ms');
    if (backend === 'postgres') {
      // PGlite runs in this process and cannot be interrupted; PostgreSQL cancels.
      const slow = await alice.client.rpc('statement_timeout_probe', { p_sleep: 5 });
      expect(slow.error).toMatchObject({ code: '57014' });
    }
  });
});

describe('the server process on PostgreSQL when its connections die', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('postgres');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Terminates every connection the server holds to its database; answers how many. */
  async function terminateServerConnections(): Promise<number> {
    const current = await t.server.sql.query<{ name: string }>('select current_database() as name');
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      const result = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        [current.rows[0]!.name],
      );
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('keeps serving after its backends are terminated mid-request and while idle', async () => {
    const { client } = await t.signUp();
    await t.server.sql.exec(`
      create or replace function public.sleepy(p_sleep float8) returns int
      language plpgsql volatile as $$ begin perform pg_sleep(p_sleep); return 1; end $$;
      grant execute on function public.sleepy(float8) to authenticated;`);
    // supabase-js sends when the builder is awaited: start it now.
    const inFlight = client.rpc('sleepy', { p_sleep: 5 }).then((answer) => answer);
    // Once the sleep is running on one of the server's connections, kill them all.
    for (let tries = 0; tries < 200; tries++) {
      const active = await t.server.sql.query(
        `select 1 from pg_stat_activity where state = 'active' and query like '%sleepy%'
            and pid <> pg_backend_pid()`,
      );
      if (active.rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await terminateServerConnections()).toBeGreaterThan(0);
    const answered = await inFlight;
    expect(answered.error).not.toBeNull();
    // Idle pooled connections die too.
    await terminateServerConnections();
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 3; i++) {
      const { data, error } = await client.from('tenants').select('id');
      expect(error).toBeNull();
      expect(data).toHaveLength(1);
    }
  });

  it('refuses the reported attack: huge fields, a column named many times, select=*', async () => {
    const { client } = await t.signUp();
    const token = (await client.auth.getSession()).data.session!.access_token;
    const { data } = await client.from('tenants').select('id').single();
    const tenantId = (data as { id: string }).id;
    for (let i = 0; i < 2; i++) {
      const written = await rawFetch(t.server, '/rest/v1/kb_documents', {
        method: 'POST',
        token,
        body: JSON.stringify(kbDocument(tenantId, 'w'.repeat(15 * MiB))),
      });
      expect(written.status).toBe(400);
    }
    const many = Array.from({ length: 40 }, (_, i) => `c${i}:content`).join(',');
    const read = await rawFetch(t.server, `/rest/v1/kb_documents?select=${many}`, { token });
    expect(read.status).toBe(400);
    const all = await rawFetch(t.server, '/rest/v1/kb_documents?select=*', { token });
    expect(all.status).toBe(200);
    const again = await client.from('tenants').select('id');
    expect(again.error).toBeNull();
  });
});
