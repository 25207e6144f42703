/**
 * The vault through the real app in Chromium, two users on two devices: Alice sets up the
 * vault and adds a secret; Bob joins, sets up his own vault, and Alice's client shares the
 * key with him with no manual step; a value rotated on Alice's device reveals on Bob's; Bob
 * is removed and the key rotates. Every request body the browsers sent, every row of the
 * database and every IndexedDB record of both devices is then scanned: no secret value and
 * no vault passphrase anywhere.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MembersPage } from '../../e2e/pages/MembersPage.ts';
import { InvitePage } from '../../e2e/pages/InvitePage.ts';
import { signUp, TEST_PASSWORD, uniqueEmail } from '../../support/accounts.ts';
import { launchBrowser, newDevice } from '../../support/browser.ts';
import { startAppServer, type AppServer } from '../../support/app-server.ts';
import { leakForms } from './devices.ts';
import { VaultPage } from '../../e2e/pages/VaultPage.ts';

const PASSPHRASES = { alice: 'alice-browser-vault-phrase-61', bob: 'bob-browser-vault-phrase-27' };
const VALUES = { first: 'sk-BROWSERPLAIN-first-a81f', rotated: 'sk-BROWSERPLAIN-rotated-3c9e' };

/** Every record of every IndexedDB database of the page's origin, as JSON text. */
async function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name!);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        out.push(`${info.name}/${store}: ${JSON.stringify(rows)}`);
      }
      db.close();
    }
    return out.join('\n');
  });
}

describe('the vault in the app, in Chromium', () => {
  let server: AppServer;
  let browser: Browser;
  const devices: BrowserContext[] = [];
  const sent: { url: string; body: string }[] = [];
  let alicePage: Page;
  let bobPage: Page;
  const aliceEmail = uniqueEmail('alice');
  const bobEmail = uniqueEmail('bob');

  async function device(): Promise<Page> {
    const context = await newDevice(browser, server.url);
    devices.push(context);
    const page = await context.newPage();
    page.on('request', (request) =>
      sent.push({ url: request.url(), body: request.postData() ?? '' }),
    );
    return page;
  }

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    alicePage = await device();
    bobPage = await device();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  it('shares a secret with a new member automatically and rotates after removing them', async () => {
    const aliceList = await signUp(alicePage, aliceEmail);
    await aliceList.shell.waitUntilSynced();
    const members = new MembersPage(alicePage);
    await members.open();
    const link = await members.invite(bobEmail, 'member');
    const invite = new InvitePage(bobPage);
    await invite.open(link);
    await invite.signUpHere(bobEmail, TEST_PASSWORD);
    await invite.accept();
    await new VaultPage(bobPage).shell.switchTo(`${aliceEmail}'s Organization`);

    const alice = new VaultPage(alicePage);
    await alice.open();
    await alice.setUp(PASSPHRASES.alice);
    await alice.add('OpenAI', VALUES.first, 'openai');
    expect(await alice.reveal('OpenAI')).toBe(VALUES.first);

    const bob = new VaultPage(bobPage);
    await bob.open();
    await bob.setUp(PASSPHRASES.bob);
    await bob.waitingForAccess().waitFor({ timeout: 20_000 });

    // Alice's client opens the vault again (as it does every minute): it shares the key.
    await alice.open();
    await alicePage
      .getByText('Shared the vault key with 1 member(s).')
      .waitFor({ timeout: 20_000 });
    await bob.open();
    await bob.secret('OpenAI').waitFor({ timeout: 30_000 });
    expect(await bob.reveal('OpenAI')).toBe(VALUES.first);

    await alice.rotate('OpenAI', VALUES.rotated);
    await expect
      .poll(async () => bob.reveal('OpenAI'), { timeout: 30_000, interval: 1_000 })
      .toBe(VALUES.rotated);

    // Bob leaves the organization's vault: removal, then Alice's client rotates the key.
    await members.open();
    await members.remove(bobEmail);
    await alice.open();
    await alicePage.getByText(/Rotated the vault key to version 2/).waitFor({ timeout: 30_000 });
    const rows = await server.sql.query<{ key_version: number }>(
      "select key_version from public.secrets where name = 'OpenAI'",
    );
    expect(rows.rows).toEqual([{ key_version: 2 }]);
    expect(await alice.reveal('OpenAI')).toBe(VALUES.rotated);
  });

  it('refuses a wrong passphrase on unlock with a clear message', async () => {
    const alice = new VaultPage(alicePage);
    await alicePage.getByRole('button', { name: 'Lock vault' }).click();
    await alice.unlock('not my passphrase at all');
    expect(await alice.unlockError().textContent()).toBe(
      'Wrong vault passphrase: nothing was changed',
    );
    await alice.unlock(PASSPHRASES.alice);
    await alice.secret('OpenAI').waitFor({ timeout: 20_000 });
  });

  it('left no secret value or vault passphrase in any request, the database, or IndexedDB', async () => {
    const forbidden = [...Object.values(VALUES), ...Object.values(PASSPHRASES)].flatMap(leakForms);
    const pushes = sent.filter(
      (r) => r.url.includes('/rest/v1/rpc/sync_push') && r.body.includes('"ciphertext"'),
    );
    expect(pushes.length).toBeGreaterThan(0);
    expect(sent.some((r) => r.url.includes('/rest/v1/rpc/vault_rotate'))).toBe(true);
    for (const request of sent) {
      for (const form of forbidden) expect(request.body, request.url).not.toContain(form);
    }

    const { rows: tables } = await server.sql.query<{ name: string }>(
      "select format('%I.%I', schemaname, tablename) as name from pg_catalog.pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    );
    let dump = '';
    for (const { name } of tables) {
      const { rows } = await server.sql.query<{ row: string }>(
        `select t::text as row from ${name} t`,
      );
      dump += rows.map((r) => r.row).join('\n');
    }
    // The scan does cover the secrets table.
    const { rows: stored } = await server.sql.query<{ ciphertext: string }>(
      'select ciphertext from public.secrets',
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const { ciphertext } of stored) expect(dump).toContain(ciphertext);
    for (const form of forbidden) expect(dump).not.toContain(form);

    for (const page of [alicePage, bobPage]) {
      const local = await dumpIndexedDb(page);
      expect(local).toContain('ciphertext');
      for (const form of forbidden) expect(local).not.toContain(form);
    }
  });
});
