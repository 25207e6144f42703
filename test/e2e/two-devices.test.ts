/**
 * One user, two devices (two browser contexts with their own IndexedDB): live propagation
 * while both are online, and offline edits on both sides merging on reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { signIn, signUp, uniqueEmail } from '../support/accounts.ts';
import { waitForRows } from './support/server-state.ts';
import type { WorkflowListPage } from './pages/WorkflowListPage.ts';

let server: AppServer;
let browser: Browser;
let laptop: BrowserContext;
let phone: BrowserContext;
let onLaptop: WorkflowListPage;
let onPhone: WorkflowListPage;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
  const email = uniqueEmail('two-devices');
  laptop = await newDevice(browser, server.url);
  phone = await newDevice(browser, server.url);
  onLaptop = await signUp(await laptop.newPage(), email);
  onPhone = await signIn(await phone.newPage(), email);
  await onLaptop.shell.waitUntilSynced();
  await onPhone.shell.waitUntilSynced();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

// A real browser against a real server: generous on a loaded 2-core machine.
describe('two devices of one user', { timeout: 180_000 }, () => {
  it('shows a workflow created on one device on the other within 2 seconds', async () => {
    // The requirement, counted from the moment the laptop's list shows the new row.
    await onLaptop.create('Made on the laptop');
    await onPhone.waitForWorkflow('Made on the laptop', 2_000);

    await onPhone.create('Made on the phone');
    await onLaptop.waitForWorkflow('Made on the phone', 2_000);
  });

  it('merges offline edits made on both devices when they reconnect', async () => {
    await onLaptop.create('Shared A');
    await onLaptop.create('Shared B');
    await onPhone.waitForWorkflow('Shared A');
    await onPhone.waitForWorkflow('Shared B');

    await laptop.setOffline(true);
    await phone.setOffline(true);
    await onLaptop.shell.syncStatus.filter({ hasText: 'Offline' }).waitFor();
    await onPhone.shell.syncStatus.filter({ hasText: 'Offline' }).waitFor();

    await onLaptop.rename('Shared A', 'Shared A (laptop edit)');
    await onLaptop.create('Laptop offline');
    await onPhone.rename('Shared B', 'Shared B (phone edit)');
    await onPhone.create('Phone offline');
    await onPhone.delete('Made on the laptop');

    await laptop.setOffline(false);
    await phone.setOffline(false);

    const expected = [
      'Laptop offline',
      'Made on the phone',
      'Phone offline',
      'Shared A (laptop edit)',
      'Shared B (phone edit)',
    ];
    await waitForRows(
      server,
      `select name from public.workflows where not _deleted order by name`,
      expected.map((name) => ({ name })),
      45_000,
    );
    for (const device of [onLaptop, onPhone]) {
      await device.waitForNoWorkflow('Made on the laptop');
      for (const name of expected) await device.waitForWorkflow(name);
      expect(await device.names()).toEqual(expected);
    }
  });
});
