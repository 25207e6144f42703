/**
 * Issue 16, items 6 and 7 on the HTTP side: a malformed `%` escape in a REST path and a deeply
 * nested JSON body are 4xx answers that change nothing; CORS answers `*` rather than
 * reflecting the caller's origin; /config.json does not echo a foreign Host; error logs never
 * carry query parameters.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../supabase/local/server.ts';
import type { TestServer } from './local-server-harness.ts';
import { backends, rawFetch, startTestServer } from './local-server-harness.ts';

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(backends)('bad input over HTTP on %s', (backend) => {
  let t: TestServer;
  let token: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    const { client } = await t.signUp();
    token = (await client.auth.getSession()).data.session!.access_token;
    const { data } = await client.from('tenants').select('id').single();
    tenantId = (data as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('answers a malformed % escape in the path with 400', async () => {
    for (const path of ['/rest/v1/work%zzflows', '/rest/v1/rpc/sync%E0%A4%A']) {
      const answer = await rawFetch(t.server, path, { token });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'PGRST100',
        message: expect.stringMatching(/Malformed percent-encoding/),
      });
    }
  });

  it('answers a deeply nested body with 400 PGRST102 and writes nothing', async () => {
    const id = randomUUID();
    const body = `{"id":"${id}","tenant_id":"${tenantId}","nodes":${nested(100_000)}}`;
    const insert = await rawFetch(t.server, '/rest/v1/workflows', { method: 'POST', token, body });
    expect(insert.status).toBe(400);
    expect(insert.body).toMatchObject({
      code: 'PGRST102',
      details: expect.stringMatching(/nested deeper than 100 levels/),
    });
    const rpc = await rawFetch(t.server, '/rest/v1/rpc/sync_push', {
      method: 'POST',
      token,
      body: `{"p_collection":"workflows","p_rows":${nested(100_000)}}`,
    });
    expect(rpc.status).toBe(400);
    const stored = await t.server.sql.query('select 1 from public.workflows where id = $1', [id]);
    expect(stored.rows).toHaveLength(0);
    // Malformed JSON is still refused by Postgres's parser: 400, not 500.
    const broken = await rawFetch(t.server, '/rest/v1/workflows', {
      method: 'POST',
      token,
      body: `{"id":"${id}","name" "x"}`,
    });
    expect(broken.status).toBe(400);
  });

  it('answers CORS with *, never the caller’s origin, and without credentials', async () => {
    const origin = 'https://evil.example';
    const answer = await fetch(`${t.server.url}/rest/v1/tenants`, {
      headers: { origin, apikey: t.server.anonKey, authorization: `Bearer ${token}` },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${t.server.url}/rest/v1/tenants`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('gives the app its configured URL in /config.json, whatever Host was sent', async () => {
    const port = new URL(t.server.url).port;
    const foreign = JSON.parse(await getWithHost(`${t.server.url}/config.json`, 'evil.example'));
    expect(foreign.supabaseUrl).toBe(t.server.url);
    const foreignPort = JSON.parse(
      await getWithHost(`${t.server.url}/config.json`, `evil.example:${port}`),
    );
    expect(foreignPort.supabaseUrl).toBe(t.server.url);
    const local = JSON.parse(await getWithHost(`${t.server.url}/config.json`, `localhost:${port}`));
    expect(local.supabaseUrl).toBe(`http://localhost:${port}`);
  });
});

describe('configured public URL and error logs', () => {
  // Starting a server (creating an in-memory PGlite cluster) is slow on a busy machine.
  it('answers PUBLIC_URL when configured', { timeout: 120_000 }, async () => {
    const t = await startTestServer('pglite', { publicUrl: 'https://flowkeep.example/' });
    try {
      const answer = await rawFetch(t.server, '/config.json');
      expect(answer.body).toMatchObject({ supabaseUrl: 'https://flowkeep.example' });
    } finally {
      await t.close();
    }
  });

  it('logs a database error without its parameters or row', { timeout: 120_000 }, async () => {
    const db = await PGlite.create();
    try {
      await db.exec('create table users (email text, hash text check (length(hash) < 5))');
      const error = await db
        .query('insert into users values ($1, $2)', ['a@b.c', '$2a$10$secret-hash'])
        .catch((caught: unknown) => caught);
      expect((error as { params?: unknown[] }).params).toContain('$2a$10$secret-hash');
      const line = describeError(error);
      expect(line).toMatch(/^database error 23514: /);
      expect(line).not.toContain('secret-hash');
    } finally {
      await db.close();
    }
  });
});
