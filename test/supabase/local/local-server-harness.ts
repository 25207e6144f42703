/**
 * Starts the local server for a test on either database: in-memory PGlite, or a fresh
 * database `flowkeep_test_<random>` on the PostgreSQL server (started if it is down), dropped
 * when the test is done. Clients are real @supabase/supabase-js clients.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createClient } from '@supabase/supabase-js';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { LocalServer, LocalServerOptions } from '../../../supabase/local/server.ts';
import { startLocalServer } from '../../../supabase/local/server.ts';

export type Backend = 'pglite' | 'postgres';
export const backends: Backend[] = ['pglite', 'postgres'];

import { createPostgresDatabase } from '../../helpers/postgres-database.ts';

export { createPostgresDatabase };

export interface TestServer {
  server: LocalServer;
  backend: Backend;
  /** A fresh supabase-js client, not signed in. */
  client(): SupabaseClient;
  /** Signs up a new user and returns their signed-in client. */
  signUp(email?: string): Promise<{ client: SupabaseClient; userId: string; email: string }>;
  close(): Promise<void>;
}

export async function startTestServer(
  backend: Backend,
  options: Partial<LocalServerOptions> = {},
): Promise<TestServer> {
  let dropDatabase: (() => Promise<void>) | null = null;
  let database: LocalServerOptions['database'];
  if (backend === 'pglite') {
    database = { kind: 'pglite', dataDir: null };
  } else {
    const created = await createPostgresDatabase();
    dropDatabase = created.drop;
    database = { kind: 'postgres', url: created.url };
  }
  const server = await startLocalServer({
    database,
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
    ...options,
  });
  const clients: SupabaseClient[] = [];
  const client = () => {
    const created = createSupabaseClient(server.url, server.anonKey);
    clients.push(created);
    return created;
  };
  return {
    server,
    backend,
    client,
    async signUp(email = `user-${randomBytes(4).toString('hex')}@example.com`) {
      const signedIn = client();
      const { data, error } = await signedIn.auth.signUp({
        email,
        password: 'correct horse battery',
      });
      if (error || !data.user) throw new Error(`sign-up of ${email} failed: ${error?.message}`);
      return { client: signedIn, userId: data.user.id, email };
    },
    async close() {
      await Promise.all(clients.map((c) => c.removeAllChannels()));
      await server.stop();
      if (dropDatabase) await dropDatabase();
    },
  };
}

export function createSupabaseClient(url: string, anonKey: string): SupabaseClient {
  return createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no global WebSocket: hand realtime-js the `ws` implementation.
    realtime: { transport: WebSocket as never },
  });
}

/** A raw HTTP call with the anon key, for what supabase-js would not send. */
export async function rawFetch(
  server: LocalServer,
  path: string,
  init: RequestInit & { token?: string | null; apiKey?: string | null } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers = new Headers(init.headers);
  const apiKey = init.apiKey === undefined ? server.anonKey : init.apiKey;
  if (apiKey !== null) headers.set('apikey', apiKey);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  const response = await fetch(server.url + path, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}
