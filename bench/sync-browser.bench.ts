/**
 * The initial pull of issue 4 on Chromium's real IndexedDB instead of fake-indexeddb: 10,000
 * workflows synced by the real engine in a page (bench/sync-harness) from the local server
 * on PostgreSQL, against a raw SELECT plus a raw Dexie bulkPut of the same rows in the same
 * page, with the same local-write floors as bench/sync.bench.ts. Medians of three rounds.
 */
import { fileURLToPath } from 'node:url';
import { rm } from 'node:fs/promises';
import { median, type Bench, type BenchFigure } from './figures.ts';
import { buildHarness } from './build-harness.ts';
import type { ReplicationFloor } from './local-write-floors.ts';
import { seedWorkflows } from './seed-workflows.ts';
import type { SyncBenchApi } from './sync-harness/main.ts';
import type { JsonObject } from '../src/model/json.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { startTestServer } from '../test/sync/harness.ts';

const HARNESS = fileURLToPath(new URL('./sync-harness/', import.meta.url));
const ROWS = 10_000;
const PAGE = 500;
const ROUNDS = 3;

interface BenchWindow {
  __syncBench: SyncBenchApi;
}

export const bench: Bench = {
  id: 'sync-browser',
  title: 'Sync in Chromium: initial pull of 10,000 workflows into real IndexedDB',
  async run(): Promise<BenchFigure[]> {
    const staticDir = await buildHarness(HARNESS, 'sync');
    const server = await startTestServer('postgres', { staticDir });
    const browser = await launchBrowser();
    try {
      const user = await server.signUp();
      await seedWorkflows(server, user.tenantId, ROWS);
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(300_000);
      await page.goto(`${server.url.replace(/\/$/, '')}/`);
      await page.waitForFunction(() => '__syncBench' in window);

      const baselines: number[] = [];
      const floors: ReplicationFloor[] = [];
      const writes: number[] = [];
      const pulls: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const selectStarted = performance.now();
        const { rows } = await server.sql.query<{ row: JsonObject }>(
          'select to_jsonb(w) as row from public.workflows w where tenant_id = $1',
          [user.tenantId],
        );
        const selectMs = performance.now() - selectStarted;
        // Typed as plain data for playwright: JsonObject's recursion is too deep for its types.
        const serverRows: unknown = rows.map((r) => r.row);
        await page.evaluate(
          (data) => (window as unknown as BenchWindow).__syncBench.load(data as JsonObject[]),
          serverRows,
        );
        baselines.push(
          selectMs +
            (await page.evaluate(() =>
              (window as unknown as BenchWindow).__syncBench.rawDexieBulkPutMs(),
            )),
        );
        floors.push(
          await page.evaluate(
            (size) => (window as unknown as BenchWindow).__syncBench.replicationFromMemory(size),
            PAGE,
          ),
        );
        writes.push(
          await page.evaluate(
            (size) => (window as unknown as BenchWindow).__syncBench.storageWriteOnlyMs(size),
            PAGE,
          ),
        );
        const pull = await page.evaluate(
          (options) => (window as unknown as BenchWindow).__syncBench.initialPull(options),
          {
            anonKey: server.anonKey,
            email: user.email,
            password: user.password,
            pullBatchSize: PAGE,
          },
        );
        if (pull.count !== ROWS) throw new Error(`initial pull stored ${pull.count} of ${ROWS}`);
        pulls.push(pull.ms);
      }
      const baseline = {
        name: 'raw SELECT + raw Dexie bulkPut, same page',
        value: median(baselines),
      };
      const floor = floors.sort((a, b) => a.ms - b.ms)[Math.floor(floors.length / 2)]!;
      return [
        {
          name: `initial pull of ${ROWS.toLocaleString('en')} workflows (HTTP + RxDB/Dexie, Chromium IndexedDB)`,
          value: median(pulls),
          unit: 'ms',
          baseline,
          goal: 'ratio <= 1.5 (the goal is set on fake-indexeddb; this is the real browser)',
          note: `median of ${ROUNDS}; includes opening the local database`,
        },
        {
          name: `the same rows through RxDB's replication from memory, Chromium IndexedDB`,
          value: floor.ms,
          unit: 'ms',
          baseline,
          note:
            `of it, ${Math.round(floor.documentWritesMs)} ms writing the documents and ` +
            `${Math.round(floor.metaWritesMs)} ms writing their assumed-master copies`,
        },
        {
          name: `the same rows written once through RxDB's storage, Chromium IndexedDB`,
          value: median(writes),
          unit: 'ms',
          baseline,
          note: 'no replication, no metadata',
        },
      ];
    } finally {
      await browser.close();
      await server.stop();
      await rm(staticDir, { recursive: true, force: true });
    }
  },
};
