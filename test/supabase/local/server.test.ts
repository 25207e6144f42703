import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request as request_ } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer, LocalServerOptions } from '../../../supabase/local/server.ts';
import { startLocalServer } from '../../../supabase/local/server.ts';
import type { Backend } from './local-server-harness.ts';
import { backends, createPostgresDatabase, createSupabaseClient } from './local-server-harness.ts';

/** Where each backend keeps its data across a restart. */
async function persistentDatabase(backend: Backend) {
  if (backend === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'flowkeep-server-'));
    return {
      options: { database: { kind: 'pglite', dataDir } } satisfies Partial<LocalServerOptions>,
      dataDir,
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const created = await createPostgresDatabase();
  return {
    // With PostgreSQL the secret must come from outside (JWT_SECRET) to outlive the process.
    options: {
      database: { kind: 'postgres', url: created.url },
      jwtSecret: randomBytes(32).toString('hex'),
    } satisfies Partial<LocalServerOptions>,
    dataDir: null,
    dispose: created.drop,
  };
}

describe.each(backends)('restarting the server on %s', (backend) => {
  let store: Awaited<ReturnType<typeof persistentDatabase>>;
  beforeAll(async () => {
    store = await persistentDatabase(backend);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  // Creating an on-disk PGlite cluster takes a while on a busy machine: a generous timeout.
  it('keeps every row and every session, and finishes requests in flight when stopped', async () => {
    const first = await startLocalServer({ ...store.options, port: 0 });
    const client = createSupabaseClient(first.url, first.anonKey);
    const { data: signedUp, error } = await client.auth.signUp({
      email: 'persistent@example.com',
      password: 'survives restarts',
    });
    expect(error).toBeNull();
    const { data: tenant } = await client.from('tenants').select('id').single();
    const tenantId = (tenant as { id: string }).id;
    const ids = Array.from({ length: 25 }, () => randomUUID());
    const pushed = await client.rpc('sync_push', {
      p_collection: 'workflows',
      p_rows: ids.map((id, i) => ({
        newDocumentState: { id, tenant_id: tenantId, name: `Workflow ${i}` },
        assumedMasterState: null,
      })),
    });
    expect(pushed.data).toEqual({ conflicts: [], rejected: [] });

    // A request the server has begun to receive when stop() is called is still answered.
    const token = (await client.auth.getSession()).data.session!.access_token;
    const body = JSON.stringify({ p_name: 'Created while stopping' });
    const request = request_(`${first.url}/rest/v1/rpc/create_tenant`, {
      method: 'POST',
      headers: {
        apikey: first.anonKey,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = first.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.end(body.slice(5));
    const slow = await answered;
    await stopped;
    expect(slow.status).toBe(200);
    const createdTenant = JSON.parse(slow.body) as string;
    // Once stopped, nothing more is accepted.
    await expect(fetch(`${first.url}/config.json`)).rejects.toThrow();

    const second = await startLocalServer({ ...store.options, port: 0 });
    try {
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(second.anonKey).toBe(first.anonKey);
      const rows = await second.sql.query<{ id: string }>(
        'select id::text as id from public.workflows where tenant_id = $1',
        [tenantId],
      );
      expect(rows.rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      const tenants = await second.sql.query<{ name: string }>(
        'select name from public.tenants where id = $1',
        [createdTenant],
      );
      expect(tenants.rows).toEqual([{ name: 'Created while stopping' }]);

      // The session lives on: the refresh token from before the restart still works once.
      const again = createSupabaseClient(second.url, second.anonKey);
      const refreshed = await again.auth.refreshSession({
        refresh_token: signedUp.session!.refresh_token,
      });
      expect(refreshed.error).toBeNull();
      expect(refreshed.data.user?.id).toBe(signedUp.user!.id);
      const { data: visible } = await again.from('workflows').select('id');
      expect(visible).toHaveLength(ids.length);
    } finally {
      await second.stop();
    }
    if (store.dataDir) {
      const secret = (await readFile(join(store.dataDir, 'jwt-secret'), 'utf8')).trim();
      expect(secret).toBe(first.jwtSecret);
    }
  }, 180_000);
});

describe('serving the app and its configuration', () => {
  let server: LocalServer;
  let staticDir: string;
  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'flowkeep-dist-'));
    await mkdir(join(staticDir, 'assets'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Flowkeep</title>');
    await writeFile(join(staticDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    await writeFile(join(staticDir, 'manifest.webmanifest'), '{"name":"Flowkeep"}');
    await writeFile(join(staticDir, 'assets', 'index-abc123.js'), 'console.log(1)');
    server = await startLocalServer({
      database: { kind: 'pglite', dataDir: null },
      port: 0,
      jwtSecret: randomBytes(32).toString('hex'),
      staticDir,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('tells the app where the API is and which anon key to use', async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      supabaseUrl: server.url,
      supabaseAnonKey: server.anonKey,
    });
  });

  it('serves files with their types, index.html for navigations, and never caches the shell', async () => {
    const page = await fetch(`${server.url}/workflows/123`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>Flowkeep</title>');

    const worker = await fetch(`${server.url}/sw.js`);
    expect(worker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(worker.headers.get('cache-control')).toBe('no-cache');
    const manifest = await fetch(`${server.url}/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');

    const missingAsset = await fetch(`${server.url}/assets/missing.js`);
    expect(missingAsset.status).toBe(404);
    const escape = await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`);
    expect(await escape.text()).not.toContain('root:');
  });
});
