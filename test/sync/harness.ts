/**
 * Test harness for sync: the local server (PGlite in process, or a fresh database on the
 * PostgreSQL server), signed-in supabase-js clients, and "devices": a local database on
 * its own fake-indexeddb with a sync engine whose connectivity the test controls.
 */
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { vi } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { RxStorage } from 'rxdb';
import { startLocalServer, type LocalServer } from '../../supabase/local/server.ts';
import { createFlowkeepDatabase, type FlowkeepDatabase } from '../../src/db/index.ts';
import { startSync, type StartSyncOptions, type SyncEngine } from '../../sync/index.ts';
import type { SyncedCollection } from '../../src/model/collections.ts';
import type { StoredDoc } from '../../src/model/synced-row.ts';
import { newWorkflow as newWorkflowRecord, type WorkflowDoc } from '../../src/model/workflow.ts';
import { createPostgresDatabase } from '../helpers/postgres-database.ts';
import { createNodeSupabaseClient } from '../support/supabase-client.ts';

export interface TestServer extends LocalServer {
  /** Signs up a user and returns a signed-in client. */
  signUp(email?: string): Promise<TestUser>;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  client: SupabaseClient;
  /** The personal tenant created at sign-up. */
  tenantId: string;
}

export async function startTestServer(
  backend: 'pglite' | 'postgres',
  options: { accessTokenTtlSeconds?: number; staticDir?: string } = {},
): Promise<TestServer> {
  const database = backend === 'postgres' ? await createPostgresDatabase('flowkeep_sync') : null;
  const server = await startLocalServer({
    database: database
      ? { kind: 'postgres', url: database.url }
      : { kind: 'pglite', dataDir: null },
    port: 0,
    staticDir: options.staticDir ?? null,
    ...(options.accessTokenTtlSeconds
      ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
      : {}),
  });
  const clients: SupabaseClient[] = [];
  return {
    ...server,
    async signUp(email = `user-${randomUUID().slice(0, 8)}@example.com`) {
      const password = 'correct horse battery staple';
      const client = newClient(server);
      clients.push(client);
      const { data, error } = await client.auth.signUp({ email, password });
      if (error || !data.user) throw new Error(`sign-up of ${email} failed: ${error?.message}`);
      if (!data.session) {
        const signIn = await client.auth.signInWithPassword({ email, password });
        if (signIn.error) throw new Error(`sign-in of ${email} failed: ${signIn.error.message}`);
      }
      const { rows } = await server.sql.query<{ tenant_id: string }>(
        `select tenant_id from public.tenant_members where user_id = $1 and role = 'owner'`,
        [data.user.id],
      );
      return { id: data.user.id, email, password, client, tenantId: rows[0]!.tenant_id };
    },
    async stop() {
      for (const client of clients) {
        await client.auth.stopAutoRefresh();
        await client.removeAllChannels();
      }
      await server.stop();
      await database?.drop();
    },
  };
}

export function newClient(server: LocalServer): SupabaseClient {
  return createNodeSupabaseClient(server.url, server.anonKey);
}

/** A second signed-in client of the same user: another device has its own session. */
export async function signInAgain(server: LocalServer, user: TestUser): Promise<SupabaseClient> {
  const client = newClient(server);
  const { error } = await client.auth.signInWithPassword({
    email: user.email,
    password: user.password,
  });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  return client;
}

export interface Device {
  database: FlowkeepDatabase;
  engine: SyncEngine;
  online$: BehaviorSubject<boolean>;
  client: SupabaseClient;
  workflows(): Promise<WorkflowDoc[]>;
  close(): Promise<void>;
  /** Closes this device and opens it again on the same IndexedDB, as a page reload does. */
  reload(): Promise<Device>;
}

let deviceCount = 0;

export async function openDevice(
  client: SupabaseClient,
  userId: string,
  options: {
    collections?: readonly SyncedCollection[];
    online?: boolean;
    sync?: Partial<Omit<StartSyncOptions, 'database' | 'supabase' | 'userId'>>;
  } = {},
  storedAs: { indexedDB: IDBFactory; name: string } = {
    indexedDB: new IDBFactory(),
    name: `device${++deviceCount}`,
  },
): Promise<Device> {
  const storage = getRxStorageDexie({
    indexedDB: storedAs.indexedDB,
    IDBKeyRange,
  }) as RxStorage<unknown, unknown>;
  const database = await createFlowkeepDatabase({
    userId,
    storage,
    collections: options.collections ?? ['workflows'],
    multiInstance: false,
    devMode: false,
    nameSuffix: storedAs.name,
  });
  const online$ = new BehaviorSubject(options.online ?? true);
  const engine = startSync({
    database,
    supabase: client,
    userId,
    online$,
    fallbackPollIntervalMs: 2000,
    retry: { initialMs: 100, maxMs: 2000 },
    ...options.sync,
  });
  const device: Device = {
    database,
    engine,
    online$,
    client,
    async workflows() {
      const docs = await database.workflows!.find({ sort: [{ id: 'asc' }] }).exec();
      return docs.map((doc) => doc.toMutableJSON() as unknown as WorkflowDoc);
    },
    async close() {
      await engine.stop();
      await database.close();
    },
    async reload() {
      await device.close();
      return openDevice(client, userId, options, storedAs);
    },
  };
  return device;
}

/** A workflow of `tenantId` as the app creates it (src/model/workflow.ts), before its first push. */
export function newWorkflow(
  tenantId: string,
  overrides: Partial<WorkflowDoc> = {},
): StoredDoc<WorkflowDoc> {
  return { ...newWorkflowRecord(tenantId, { name: 'Untitled' }), ...overrides };
}

/** Polls `check` until it returns true (or throws with `what` after `timeoutMs`). */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`Timed out waiting for: ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** The server's rows of a table as the sync sees them (server_txid for _txid), sorted by id. */
export async function serverRows(
  server: LocalServer,
  table: SyncedCollection,
): Promise<Record<string, unknown>[]> {
  const { rows } = await server.sql.query<{ row: Record<string, unknown> }>(
    `select to_jsonb(t) as row from public.${table} t order by id`,
  );
  return rows.map(({ row }) => {
    const { _txid, ...rest } = row;
    return { ...rest, server_txid: String(_txid) };
  });
}
