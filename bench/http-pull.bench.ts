/**
 * `sync_pull` through the local server's HTTP API (supabase-js → PostgREST-compatible RPC →
 * one transaction with role and claims → RLS) on PGlite and on PostgreSQL: requests/s and
 * p50/p99 latency of 100-row pulls from random checkpoints of a user with 10,000 workflows,
 * from concurrent clients. Baseline, same run and same database: an in-process superuser
 * `select` of the same 100 rows (no HTTP, no JWT, no RLS).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Bench, BenchFigure } from './figures.ts';
import { percentile } from './figures.ts';
import type { LocalDatabaseConfig, LocalServer } from '../supabase/local/server.ts';
import { startLocalServer } from '../supabase/local/server.ts';
import { createPostgresDatabase } from '../test/helpers/postgres-database.ts';
import { createNodeSupabaseClient } from '../test/support/supabase-client.ts';

const rowCount = 10_000;
const pageSize = 100;
const clients = 8;
const requestsPerBackend = 400;

interface Checkpoint {
  txid: string;
  id: string;
}

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  rowsPerCall: number;
}

/** `total` calls of `call`, `concurrency` at a time; latencies in ms. */
async function measure(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<number>,
): Promise<Run> {
  const latencies: number[] = [];
  let rows = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const returned = await call(i);
        rows += returned;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rowsPerCall: rows / total,
  };
}

async function withDatabase<T>(
  backend: 'pglite' | 'postgres',
  work: (config: LocalDatabaseConfig) => Promise<T>,
): Promise<T> {
  if (backend === 'pglite') return work({ kind: 'pglite', dataDir: null });
  const database = await createPostgresDatabase('flowkeep_bench');
  try {
    return await work({ kind: 'postgres', url: database.url });
  } finally {
    await database.drop();
  }
}

const realtimeSamples = 50;

/** From the start of a sync_push call to the subscriber hearing of the row, one at a time. */
async function realtimeLatency(client: SupabaseClient, tenantId: string, accessToken: string) {
  // Join with the user's token, not the anon key the socket opens with.
  await client.realtime.setAuth(accessToken);
  const waiting = new Map<string, (at: number) => void>();
  const channel = client
    .channel('bench-latency')
    .on('postgres_changes', { event: '*', schema: 'public', table: 'workflows' }, (payload) => {
      const id = (payload.new as { id?: string }).id;
      if (id) waiting.get(id)?.(performance.now());
    });
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(error ?? new Error(status));
    }),
  );
  const latencies: number[] = [];
  for (let i = 0; i < realtimeSamples; i++) {
    const id = randomUUID();
    const heard = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no postgres_changes for ${id} in 10 s`)),
        10_000,
      );
      waiting.set(id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const started = performance.now();
    const { error } = await client.rpc('sync_push', {
      p_collection: 'workflows',
      p_rows: [
        {
          newDocumentState: { id, tenant_id: tenantId, name: `live ${i}` },
          assumedMasterState: null,
        },
      ],
    });
    if (error) throw new Error(`sync_push failed: ${error.message}`);
    latencies.push((await heard) - started);
    waiting.delete(id);
  }
  await client.removeChannel(channel);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

async function seed(server: LocalServer): Promise<{
  client: () => SupabaseClient;
  tenantId: string;
  checkpoints: Checkpoint[];
  session: { access_token: string };
}> {
  const first = createNodeSupabaseClient(server.url, server.anonKey);
  const { data, error } = await first.auth.signUp({
    email: `bench-${randomBytes(4).toString('hex')}@example.com`,
    password: 'benchmark password',
  });
  if (error || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  const session = data.session;
  const tenants = await server.sql.query<{ tenant_id: string }>(
    'select tenant_id::text as tenant_id from public.tenant_members where user_id = $1',
    [data.user!.id],
  );
  const tenantId = tenants.rows[0]!.tenant_id;
  // Twenty transactions of 500 rows: pages then cross transaction ids, as real data does.
  for (let batch = 0; batch < rowCount / 500; batch++) {
    await server.sql.query(
      `insert into public.workflows (id, tenant_id, name, description, nodes, created_by)
       select gen_random_uuid(), $1, 'Workflow ' || ($3 * 500 + g), repeat('x', 200),
              jsonb_build_array(jsonb_build_object('id', 'n1', 'type', 'llm', 'position',
                jsonb_build_object('x', g, 'y', g))), $2
         from generate_series(1, 500) g`,
      [tenantId, data.user!.id, batch],
    );
  }
  const all = await server.sql.query<Checkpoint>(
    'select _txid::text as txid, id::text as id from public.workflows order by _txid, id',
  );
  // Checkpoints that leave at least a full page after them.
  const checkpoints = all.rows.slice(0, all.rows.length - pageSize);
  const client = () => {
    return createNodeSupabaseClient(server.url, server.anonKey, {
      accessToken: async () => session.access_token,
    });
  };
  return { client, tenantId, checkpoints, session };
}

async function benchBackend(backend: 'pglite' | 'postgres'): Promise<BenchFigure[]> {
  return withDatabase(backend, async (database) => {
    const server = await startLocalServer({ database, port: 0 });
    try {
      const { client, tenantId, checkpoints, session } = await seed(server);
      const pick = (i: number) => checkpoints[(i * 7919) % checkpoints.length]!;
      const httpClients = Array.from({ length: clients }, client);
      // Warm up caches and connections on both paths.
      await measure(40, clients, async (i) => {
        await httpClients[i % clients]!.rpc('sync_pull', {
          p_collection: 'workflows',
          p_checkpoint: pick(i),
          p_limit: pageSize,
        });
        return 0;
      });
      const http = await measure(requestsPerBackend, clients, async (i) => {
        const { data, error } = await httpClients[i % clients]!.rpc('sync_pull', {
          p_collection: 'workflows',
          p_checkpoint: pick(i),
          p_limit: pageSize,
        });
        if (error) throw new Error(`sync_pull failed: ${error.message}`);
        return (data as { documents: unknown[] }).documents.length;
      });
      const raw = await measure(requestsPerBackend, clients, async (i) => {
        const checkpoint = pick(i);
        const result = await server.sql.query<{ page: string }>(
          `select coalesce(jsonb_agg(to_jsonb(w) order by w._txid, w.id), '[]')::text as page
             from (select * from public.workflows
                    where tenant_id = $1 and (_txid, id) > ($2::xid8, $3::uuid)
                    order by _txid, id limit $4) w`,
          [tenantId, checkpoint.txid, checkpoint.id, pageSize],
        );
        return (JSON.parse(result.rows[0]!.page) as unknown[]).length;
      });
      // The same RPC in-process, as the same user (role and claims set for the statement as
      // PostgREST sets them for the transaction): splits HTTP cost from the function's own.
      const claims = JSON.stringify(claimsOf(session.access_token));
      const inProcess = await measure(requestsPerBackend, clients, async (i) => {
        const result = await server.sql.query<{ page: string }>(
          `with as_user as materialized (
             select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', $1, true))
           select public.sync_pull('workflows', $2::jsonb, $3)::text as page from as_user`,
          [claims, JSON.stringify(pick(i)), pageSize],
        );
        return (JSON.parse(result.rows[0]!.page) as { documents: unknown[] }).documents.length;
      });
      const heard = await realtimeLatency(client(), tenantId, session.access_token);
      const label = backend === 'pglite' ? 'PGlite' : 'PostgreSQL';
      const rawName = `in-process sql select, ${label}`;
      const note = `${clients} concurrent supabase-js clients in the server's own Node process, ${requestsPerBackend} pulls of ${pageSize} rows (got ${http.rowsPerCall.toFixed(0)} rows/pull via HTTP, ${raw.rowsPerCall.toFixed(0)} raw) from ${rowCount.toLocaleString('en')} workflows`;
      return [
        {
          name: `HTTP sync_pull throughput, ${label}`,
          value: http.perSecond,
          unit: 'requests/s',
          baseline: { name: rawName, value: raw.perSecond },
          note,
        },
        {
          name: `in-process sync_pull as the user (no HTTP), ${label}`,
          value: inProcess.perSecond,
          unit: 'requests/s',
          baseline: { name: rawName, value: raw.perSecond },
          note: `HTTP adds ${(http.p50 - inProcess.p50).toFixed(1)} ms at p50 over this`,
        },
        {
          name: `HTTP sync_pull p50 latency, ${label}`,
          value: http.p50,
          unit: 'ms',
          baseline: { name: rawName, value: raw.p50 },
        },
        {
          name: `HTTP sync_pull p99 latency, ${label}`,
          value: http.p99,
          unit: 'ms',
          baseline: { name: rawName, value: raw.p99 },
        },
        {
          name: `sync_push → postgres_changes received, p50, ${label}`,
          value: heard.p50,
          unit: 'ms',
          goal: 'a client learns of a change within 1000 ms',
          note: `${realtimeSamples} pushes one after the other, subscriber on the same tenant`,
        },
        {
          name: `sync_push → postgres_changes received, p99, ${label}`,
          value: heard.p99,
          unit: 'ms',
          goal: '< 1000 ms',
        },
      ];
    } finally {
      await server.stop();
    }
  });
}

export const bench: Bench = {
  id: 'http-pull',
  title: 'sync_pull through the local server over HTTP (PGlite and PostgreSQL)',
  async run() {
    return [...(await benchBackend('pglite')), ...(await benchBackend('postgres'))];
  },
};
