/**
 * The update flow (registerType: 'prompt'): a new service worker waits for the user's go-ahead,
 * and the go-ahead is refused while a reload would lose typed work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { snapshotOfBuiltApp } from '../support/built-app.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { signUp, uniqueEmail } from '../support/accounts.ts';

let server: AppServer;
let browser: Browser;
let releaseDir: string;

beforeAll(async () => {
  // A copy of the build that the test can "release" a new version into.
  releaseDir = await snapshotOfBuiltApp();
  server = await startAppServer({ staticDir: releaseDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await rm(releaseDir, { recursive: true, force: true });
});

// A real browser against a real server: generous on a loaded 2-core machine.
describe('updating the installed app', { timeout: 180_000 }, () => {
  it('waits for the user, and never reloads over a half-typed name', async () => {
    const context = await newDevice(browser, server.url);
    const page = await context.newPage();
    const list = await signUp(page, uniqueEmail('update'));
    await list.create('Kept across the update');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const firstWorker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.active?.scriptURL ?? null;
    });
    expect(firstWorker).toBe(`${server.url}/sw.js`);

    // Release a new version: any byte change to sw.js makes the browser install it.
    await appendFile(join(releaseDir, 'sw.js'), `\n// release ${Date.now()}\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('alertdialog', { name: 'Update available' });
    await prompt.waitFor();
    // Nothing reloaded by itself: the old worker still controls the page.
    expect(await page.evaluate(() => document.readyState)).toBe('complete');

    await list.nameInput.fill('Half-typed workflow name');
    await prompt.getByRole('button', { name: 'Reload to update' }).click();
    await prompt.getByText('Finish or leave the field you are editing first').waitFor();
    expect(await list.nameInput.inputValue()).toBe('Half-typed workflow name');

    await list.nameInput.fill('');
    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload to update' }).click();
    await reloaded;
    await list.waitUntilShown();
    await list.waitForWorkflow('Kept across the update');
    const waiting = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.waiting ?? null;
    });
    expect(waiting).toBeNull();
    expect(await page.getByRole('alertdialog', { name: 'Update available' }).count()).toBe(0);
    await context.close();
  });
});
