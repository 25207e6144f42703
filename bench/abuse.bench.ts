/**
 * `npm run bench -- abuse` (issue 16): while one user writes and reads back, one request after
 * another, the largest rows the size limits allow (a knowledge-base document of 6 MiB of
 * incompressible text, the largest single field; supabase/migrations/20261204000001_size_limits.sql),
 * another user's simple read (`GET /rest/v1/tenants?select=id`) keeps its p95 latency within
 * 3x of its p95 with the server otherwise idle, measured in the same run. On PostgreSQL (the
 * goal) and on PGlite (reported: its single connection serializes every request, so the heavy
 * user's statements delay everyone's). The heavy user runs in a worker thread so its own
 * client-side work (building and reading 6 MiB bodies) does not share the server's event loop.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Bench, BenchFigure } from './figures.ts';
import { percentile } from './figures.ts';
import type { LocalDatabaseConfig, LocalServer } from '../supabase/local/server.ts';
import { startLocalServer } from '../supabase/local/server.ts';
import { createPostgresDatabase } from '../test/helpers/postgres-database.ts';

const contentBytes = 6 * 1024 * 1024;
const reads = 300;
const heavyCycles = 5;

async function signUp(server: LocalServer, email: string): Promise<{ token: string }> {
  const answer = await fetch(`${server.url}/auth/v1/signup`, {
    method: 'POST',
    headers: { apikey: server.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
  if (!answer.ok) throw new Error(`sign-up failed: ${answer.status} ${await answer.text()}`);
  return { token: ((await answer.json()) as { access_token: string }).access_token };
}

/** `count` sequential simple reads; latencies in ms. */
async function simpleReads(server: LocalServer, token: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = await fetch(`${server.url}/rest/v1/tenants?select=id`, {
      headers: { apikey: server.anonKey, authorization: `Bearer ${token}` },
    });
    await answer.text();
    if (!answer.ok) throw new Error(`simple read failed: ${answer.status}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** The heavy user's loop: upsert a maximal document, read it back; counts cycles. */
const heavyLoop = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, apiKey, token, tenantId, ids, content } = workerData;
let stop = false;
let cycles = 0;
parentPort.on('message', () => { stop = true; });
const headers = { apikey: apiKey, authorization: 'Bearer ' + token, 'content-type': 'application/json' };
(async () => {
  while (!stop) {
    const id = ids[cycles % ids.length];
    const body = JSON.stringify({ id, tenant_id: tenantId, knowledge_base_id: id, content });
    const written = await fetch(url + '/rest/v1/kb_documents?on_conflict=id', {
      method: 'POST', headers: { ...headers, prefer: 'resolution=merge-duplicates' }, body });
    await written.text();
    if (!written.ok) throw new Error('heavy write failed: ' + written.status);
    const read = await fetch(url + '/rest/v1/kb_documents?select=*&id=eq.' + id, { headers });
    const text = await read.text();
    if (!read.ok || text.length < content.length) throw new Error('heavy read failed: ' + read.status);
    cycles++;
    parentPort.postMessage(cycles);
  }
  parentPort.postMessage('done');
})();
`;

async function benchBackend(kind: 'pglite' | 'postgres'): Promise<BenchFigure[]> {
  let database: LocalDatabaseConfig;
  let drop: (() => Promise<void>) | null = null;
  if (kind === 'pglite') {
    database = { kind: 'pglite', dataDir: null };
  } else {
    const created = await createPostgresDatabase('flowkeep_bench');
    database = { kind: 'postgres', url: created.url };
    drop = created.drop;
  }
  const server = await startLocalServer({
    database,
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
  });
  try {
    const heavy = await signUp(server, `heavy-${randomUUID().slice(0, 8)}@bench.test`);
    const light = await signUp(server, `light-${randomUUID().slice(0, 8)}@bench.test`);
    const tenant = await server.sql.query<{ id: string }>(
      `select m.tenant_id::text as id from tenant_members m join auth.users u on u.id = m.user_id
        where u.email like 'heavy-%'`,
    );
    await simpleReads(server, light.token, 50); // warm-up
    const unloaded = await simpleReads(server, light.token, reads);

    // Random base64: pglz cannot shrink it, so Postgres stores and reads all 6 MiB.
    const content = randomBytes((contentBytes * 3) / 4).toString('base64');
    let cycles = 0;
    let failure: Error | null = null;
    const worker = new Worker(heavyLoop, {
      eval: true,
      workerData: {
        url: server.url,
        apiKey: server.anonKey,
        token: heavy.token,
        tenantId: tenant.rows[0]!.id,
        ids: [randomUUID(), randomUUID(), randomUUID()],
        content,
      },
    });
    const finished = new Promise<void>((resolve) => {
      worker.on('message', (message) => {
        if (message === 'done') resolve();
        else cycles = message as number;
      });
      worker.on('error', (error) => {
        failure = error;
        resolve();
      });
    });
    while (cycles < 2 && !failure) await new Promise((resolve) => setTimeout(resolve, 20));
    const loadStarted = performance.now();
    const cyclesBefore = cycles;
    // At least `reads` reads, and long enough to span several heavy cycles (capped at 2 min).
    const loaded: number[] = [];
    while (
      !failure &&
      (loaded.length < reads ||
        (cycles - cyclesBefore < heavyCycles && performance.now() - loadStarted < 120_000))
    ) {
      loaded.push(...(await simpleReads(server, light.token, 20)));
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const cyclesDuring = cycles - cyclesBefore;
    worker.postMessage('stop');
    await finished;
    await worker.terminate();
    if (failure) throw failure;

    const unloadedP95 = percentile(unloaded, 95);
    const label = kind === 'pglite' ? 'PGlite' : 'PostgreSQL';
    const baseline = { name: `${label} simple read p95, unloaded`, value: unloadedP95 };
    return [
      { name: baseline.name, value: unloadedP95, unit: 'ms' },
      {
        name: `${label} simple read p95 while another user writes and reads 6 MiB rows`,
        value: percentile(loaded, 95),
        unit: 'ms',
        baseline,
        goal: kind === 'postgres' ? 'ratio <= 3' : 'reported only',
        note: `p50 ${percentile(loaded, 50).toFixed(1)} ms loaded vs ${percentile(unloaded, 50).toFixed(1)} ms; heavy user: ${(cyclesDuring / loadSeconds).toFixed(1)} write+read cycles/s (${((cyclesDuring * 2 * contentBytes) / loadSeconds / 1024 / 1024).toFixed(0)} MiB/s)`,
      },
    ];
  } finally {
    await server.stop();
    if (drop) await drop();
  }
}

export const bench: Bench = {
  id: 'abuse',
  title: "Another user's simple read while one user writes and reads the largest rows allowed",
  async run() {
    return [...(await benchBackend('postgres')), ...(await benchBackend('pglite'))];
  },
};
