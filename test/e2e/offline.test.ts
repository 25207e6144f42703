/**
 * Offline for real: after one online sign-in the app reloads with the network off and the
 * server stopped, shows everything, lets the user keep working (list and editor), and when the
 * server is back the changes reach Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { signUp, uniqueEmail } from '../support/accounts.ts';
import { waitForRows } from './support/server-state.ts';
import { EditorScreenPage } from './pages/EditorScreenPage.ts';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer({ persistent: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

// A real browser against a real server: generous on a loaded 2-core machine.
describe('offline', { timeout: 180_000 }, () => {
  it('reloads with no network and no server, stays editable, and syncs when back', async () => {
    const context = await newDevice(browser, server.url);
    const page = await context.newPage();
    const list = await signUp(page, uniqueEmail('offline'));
    await list.create('Before the outage');
    await list.create('To be renamed');
    await waitForRows(
      server,
      `select name from public.workflows where not _deleted order by name`,
      [{ name: 'Before the outage' }, { name: 'To be renamed' }],
    );
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await context.setOffline(true);
    await server.stop();
    await page.reload();
    await list.waitUntilShown();
    expect(await list.names()).toEqual(['Before the outage', 'To be renamed']);
    await list.shell.syncStatus.filter({ hasText: 'Offline' }).waitFor();

    await list.create('Written offline');
    await list.rename('To be renamed', 'Renamed offline');
    await list.delete('Before the outage');

    // The lazily loaded editor comes from the precache too.
    const id = await list.row('Written offline').getByRole('link').getAttribute('href');
    await new EditorScreenPage(page).open(id!.replace('/w/', ''));
    await page.getByRole('button', { name: 'Auto-layout' }).waitFor();

    // A second reload, still offline: the offline writes are in IndexedDB.
    await page.goto('/');
    await list.waitUntilShown();
    expect(await list.names()).toEqual(['Renamed offline', 'Written offline']);

    await server.restart();
    await context.setOffline(false);
    await waitForRows(
      server,
      `select name, _deleted from public.workflows order by name`,
      [
        { name: 'Before the outage', _deleted: true },
        { name: 'Renamed offline', _deleted: false },
        { name: 'Written offline', _deleted: false },
      ],
      45_000,
    );
    await list.shell.waitUntilSynced();
    await context.close();
  });
});
