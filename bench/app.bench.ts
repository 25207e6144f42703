/**
 * The PWA's first screen in Chromium (issue 5): the gzip size of the JavaScript the browser
 * loads before the workflow list is on screen, and the time from navigation to a populated
 * list, offline, with 1,000 workflows stored on the device (baseline: 10 workflows, same run).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { median, type Bench, type BenchFigure } from './figures.ts';
import { launchBrowser, newDevice } from '../test/support/browser.ts';
import { startAppServer, type AppServer } from '../test/support/app-server.ts';
import { signUp, uniqueEmail } from '../test/support/accounts.ts';

const RELOADS = 7;

async function seedWorkflows(server: AppServer, email: string, count: number): Promise<void> {
  const { rows } = await server.sql.query<{ user_id: string; tenant_id: string }>(
    `select m.user_id, m.tenant_id from public.tenant_members m join auth.users u on u.id = m.user_id
      where u.email = $1 and m.role = 'owner' limit 1`,
    [email],
  );
  const owner = rows[0];
  if (!owner) throw new Error(`No organization found for ${email}`);
  // The server's request transactions leave request.jwt.claims = '' on its connection, which
  // auth.uid() (in the stamping trigger) cannot parse: give this superuser session empty claims.
  await server.sql.query(`select set_config('request.jwt.claims', '{}', false)`);
  await server.sql.query(
    `insert into public.workflows (id, tenant_id, created_by, name, nodes, edges)
     select gen_random_uuid(), $1, $2, 'Workflow ' || lpad(i::text, 4, '0'),
            jsonb_build_array(
              jsonb_build_object('id', 'trigger', 'type', 'trigger', 'position', jsonb_build_object('x', 0, 'y', 0), 'data', '{}'::jsonb),
              jsonb_build_object('id', 'llm', 'type', 'llm', 'position', jsonb_build_object('x', 240, 'y', 0), 'data', jsonb_build_object('model', 'small')),
              jsonb_build_object('id', 'out', 'type', 'output', 'position', jsonb_build_object('x', 480, 'y', 0), 'data', '{}'::jsonb)),
            jsonb_build_array(
              jsonb_build_object('id', 'e1', 'source', 'trigger', 'target', 'llm'),
              jsonb_build_object('id', 'e2', 'source', 'llm', 'target', 'out'))
       from generate_series(1, $3::int) as i`,
    [owner.tenant_id, owner.user_id, count],
  );
}

/** Waits for `count` rows; returns when (page clock, ms since navigation) they first showed. */
async function waitForRows(page: Page, count: number): Promise<number> {
  const shownAt = await page.waitForFunction(
    (n) => (document.querySelectorAll('.workflow-row').length >= n ? performance.now() : false),
    count,
    { timeout: 120_000, polling: 'raf' },
  );
  return (await shownAt.jsonValue()) as number;
}

/** A device of a new user holding `count` workflows, offline, its list on screen. */
async function offlineDeviceWith(browser: Browser, server: AppServer, count: number) {
  const context = await newDevice(browser, server.url);
  const page = await context.newPage();
  const email = uniqueEmail(`bench-${count}`);
  await signUp(page, email);
  await seedWorkflows(server, email, count);
  const syncStarted = Date.now();
  await waitForRows(page, count);
  const initialSyncMs = Date.now() - syncStarted;
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  return { context, page, initialSyncMs };
}

async function timeOfflineStarts(page: Page, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RELOADS; run++) {
    await page.goto('/');
    times.push(await waitForRows(page, count));
  }
  return times.slice(1); // the first reload warms Chromium's code cache
}

/**
 * JS files the page started fetching before the list was on screen (Resource Timing, so the
 * chunks loaded right after the first paint, such as supabase-js and sync, are not counted),
 * with their gzip sizes from dist/.
 */
async function firstScreenScripts(page: Page, count: number, staticDir: string) {
  await page.goto('/');
  const shownAt = await waitForRows(page, count);
  const paths = await page.evaluate(
    (before) =>
      performance
        .getEntriesByType('resource')
        .filter(
          (entry) => entry.startTime <= before && new URL(entry.name).pathname.endsWith('.js'),
        )
        .map((entry) => new URL(entry.name).pathname),
    shownAt,
  );
  let gzipBytes = 0;
  const names: string[] = [];
  for (const path of new Set(paths)) {
    const bytes = await readFile(join(staticDir, path));
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
    names.push(path.replace('/assets/', ''));
  }
  return { gzipBytes, names: names.sort() };
}

export const bench: Bench = {
  id: 'app',
  title: 'PWA first screen in Chromium: JS size and offline start with 1,000 workflows',
  async run(): Promise<BenchFigure[]> {
    const server = await startAppServer();
    const browser = await launchBrowser();
    try {
      const small = await offlineDeviceWith(browser, server, 10);
      const smallTimes = await timeOfflineStarts(small.page, 10);
      await small.context.close();

      const large = await offlineDeviceWith(browser, server, 1000);
      const largeTimes = await timeOfflineStarts(large.page, 1000);
      const scripts = await firstScreenScripts(large.page, 1000, server.staticDir);
      await large.context.close();

      const smallMedian = median(smallTimes);
      return [
        {
          name: 'gzip size of the JS loaded before the workflow list shows',
          value: scripts.gzipBytes / 1024,
          unit: 'KiB',
          goal: '<= 200 KB',
          note: `${scripts.names.length} files: ${scripts.names.join(', ')}`,
        },
        {
          name: 'navigation to populated list, offline, 1,000 workflows (median)',
          value: median(largeTimes),
          unit: 'ms',
          baseline: { name: 'same with 10 workflows', value: smallMedian },
          note: `${largeTimes.length} reloads after a warm-up; service worker + IndexedDB, no network`,
        },
        {
          name: 'initial sync of 1,000 workflows into a signed-in device',
          value: large.initialSyncMs,
          unit: 'ms',
          note: 'from the server insert to 1,000 rows on screen',
        },
      ];
    } finally {
      await browser.close();
      await server.dispose();
    }
  },
};
