/**
 * Organizations in the browser: a user in two organizations sees each one's workflows only
 * under it, switching works offline and is remembered per device; an invited user accepts a
 * link and sees the organization; a viewer cannot create; role changes and leaving reach the
 * other device live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { signUp, TEST_PASSWORD, uniqueEmail } from '../support/accounts.ts';
import { waitForRows } from './support/server-state.ts';
import { WorkflowListPage } from './pages/WorkflowListPage.ts';
import { MembersPage } from './pages/MembersPage.ts';
import { InvitePage } from './pages/InvitePage.ts';
import { RejectedChangesPage } from './pages/RejectedChangesPage.ts';

let server: AppServer;
let browser: Browser;
let aliceDevice: BrowserContext;
let alicePage: Page;
let alice: WorkflowListPage;
const aliceEmail = uniqueEmail('alice');
const bobEmail = uniqueEmail('bob');
const personal = `${aliceEmail}'s Organization`;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
  aliceDevice = await newDevice(browser, server.url);
  alicePage = await aliceDevice.newPage();
  alice = await signUp(alicePage, aliceEmail);
  await alice.shell.waitUntilSynced();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

// A real browser against a real server: generous on a loaded 2-core machine.
describe('organizations', { timeout: 180_000 }, () => {
  it('keeps each organization’s workflows under it, switching offline and remembering the choice', async () => {
    expect(await alice.shell.currentOrganization()).toBe(`${personal} (owner)`);
    await alice.create('Personal flow');
    await alice.shell.newOrganization('Acme Labs');
    expect(await alice.shell.currentOrganization()).toBe('Acme Labs (owner)');
    expect(await alice.names()).toEqual([]);
    await alice.create('Acme flow');
    expect(await alice.names()).toEqual(['Acme flow']);

    // Switching reads the local database only.
    await aliceDevice.setOffline(true);
    await alice.shell.switchTo(personal);
    await alice.waitForWorkflow('Personal flow');
    expect(await alice.names()).toEqual(['Personal flow']);
    await alice.shell.switchTo('Acme Labs');
    await alice.waitForWorkflow('Acme flow');
    expect(await alice.names()).toEqual(['Acme flow']);
    await aliceDevice.setOffline(false);

    await alicePage.reload();
    await alice.waitUntilShown();
    expect(await alice.shell.currentOrganization()).toBe('Acme Labs (owner)');
    await waitForRows(
      server,
      `select t.name as tenant, w.name from public.workflows w join public.tenants t on t.id = w.tenant_id
       where t.name in ('Acme Labs', $1) order by w.name`,
      [
        { tenant: 'Acme Labs', name: 'Acme flow' },
        { tenant: personal, name: 'Personal flow' },
      ],
      30_000,
      [personal],
    );
  });

  it('lets an invited viewer accept a link, read the organization, and not create', async () => {
    const members = new MembersPage(alicePage);
    await members.open();
    const link = await members.invite(bobEmail, 'viewer');
    expect(link).toMatch(new RegExp(`^${server.url}/invite#token=[0-9a-f]{64}$`));

    const bobDevice = await newDevice(browser, server.url);
    const bobPage = await bobDevice.newPage();
    const invite = new InvitePage(bobPage);
    await invite.open(link);
    await invite.signUpHere(bobEmail, TEST_PASSWORD);
    await invite.accept();

    const bob = new WorkflowListPage(bobPage);
    expect(await bob.shell.currentOrganization()).toBe('Acme Labs (viewer)');
    await bob.waitForWorkflow('Acme flow');
    expect(await bob.names()).toEqual(['Acme flow']);
    expect(await bob.createButton.isDisabled()).toBe(true);
    expect(await bob.createRefusal()).toContain(
      'As a viewer you cannot create, edit or delete workflows',
    );
    expect(await bob.shell.organizations()).toEqual(
      [`${bobEmail}'s Organization (owner)`, 'Acme Labs (viewer)'].sort((a, b) =>
        a.localeCompare(b),
      ),
    );

    // Alice promotes Bob: his open app learns it live (change channel) and lets him create.
    await members.refresh();
    expect(await members.emailsOnceEqual([aliceEmail, bobEmail])).toEqual(
      [aliceEmail, bobEmail].sort(),
    );
    await members.setRole(bobEmail, 'member');
    await bob.shell.waitForOrganization('Acme Labs (member)');
    await bob.createButton.and(bobPage.locator(':enabled')).waitFor();
    await bob.create('Bob’s flow');
    await alice.shell.goTo('Workflows');
    await alice.waitForWorkflow('Bob’s flow');

    // An edit Bob makes offline after Alice demoted him is refused by the server: his device
    // goes back to the server's version and shows him what was refused and why.
    await bobDevice.setOffline(true);
    await bob.rename('Bob’s flow', 'Renamed while demoted');
    await members.open();
    await members.setRole(bobEmail, 'viewer');
    await bobDevice.setOffline(false);
    await bob.waitForWorkflow('Bob’s flow', 45_000);
    await bobPage
      .getByRole('alert')
      .filter({ hasText: 'Change undone: Renamed while demoted.' })
      .waitFor();
    const rejected = new RejectedChangesPage(bobPage);
    await rejected.open();
    await rejected.list.waitFor();
    const entries = await rejected.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^Renamed while demoted: /);
    await waitForRows(server, `select name from public.workflows where name like 'Bob%'`, [
      { name: 'Bob’s flow' },
    ]);

    // Bob leaves: the organization and its data disappear from his device.
    const bobMembers = new MembersPage(bobPage);
    await bobMembers.open();
    expect(await bobMembers.page.getByRole('textbox', { name: 'Email to invite' }).count()).toBe(0);
    await bobMembers.leave();
    await bob.shell.orgSwitcher
      .locator('option', { hasText: 'Acme Labs' })
      .waitFor({ state: 'detached' });
    expect(await bob.shell.currentOrganization()).toBe(`${bobEmail}'s Organization (owner)`);
    expect(await bob.names()).toEqual([]);
    await members.refresh();
    expect(await members.emailsOnceEqual([aliceEmail])).toEqual([aliceEmail]);
    await bobDevice.close();
  });

  it('removes a member: their open app loses the organization and its workflows at once', async () => {
    const carolEmail = uniqueEmail('carol');
    const members = new MembersPage(alicePage);
    await alice.shell.switchTo('Acme Labs');
    await members.open();
    const link = await members.invite(carolEmail, 'member');
    const carolDevice = await newDevice(browser, server.url);
    const carolPage = await carolDevice.newPage();
    const invite = new InvitePage(carolPage);
    await invite.open(link);
    await invite.signUpHere(carolEmail, TEST_PASSWORD);
    await invite.accept();
    const carol = new WorkflowListPage(carolPage);
    await carol.waitForWorkflow('Acme flow');

    await members.refresh();
    await members.remove(carolEmail);
    await carol.shell.orgSwitcher
      .locator('option', { hasText: 'Acme Labs' })
      .waitFor({ state: 'detached' });
    expect(await carol.shell.currentOrganization()).toBe(`${carolEmail}'s Organization (owner)`);
    expect(await carol.names()).toEqual([]);
    await carolDevice.close();
  });
});
