/**
 * Accounts in the browser: a wrong password is refused with the server's reason, signing out
 * returns to the sign-in screen, and signing back in shows the user's data again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { signIn, signUp, uniqueEmail } from '../support/accounts.ts';
import { SignInPage } from './pages/SignInPage.ts';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

// A real browser against a real server: generous on a loaded 2-core machine.
describe('signing in and out', { timeout: 180_000 }, () => {
  it('refuses a wrong password, signs out, and signs back in to the same data', async () => {
    const email = uniqueEmail('auth');
    const context = await newDevice(browser, server.url);
    const page = await context.newPage();
    const list = await signUp(page, email);
    await list.create('Still here after sign-out');
    await list.shell.waitUntilSynced();
    await list.shell.signOut();
    expect(new URL(page.url()).pathname).toBe('/signin');

    // Signed out, the app never shows a signed-in screen, even by URL.
    await page.goto('/members');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

    const signInPage = new SignInPage(page);
    await signInPage.signIn(email, 'not the password');
    expect(await signInPage.error()).toMatch(/invalid/i);

    const again = await signIn(page, email);
    await again.waitForWorkflow('Still here after sign-out');
    expect(await again.shell.currentOrganization()).toBe(`${email}'s Organization (owner)`);
    await context.close();
  });
});
