/**
 * Screenshots of the main screens for the README (docs/screenshots/*.png), taken in Chromium
 * against the real local server: `npx tsx scripts/take-screenshots.ts`.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser, newDevice } from '../test/support/browser.ts';
import { startAppServer } from '../test/support/app-server.ts';
import { signUp, TEST_PASSWORD } from '../test/support/accounts.ts';
import { MembersPage } from '../test/e2e/pages/MembersPage.ts';
import { InvitePage } from '../test/e2e/pages/InvitePage.ts';
import { SignInPage } from '../test/e2e/pages/SignInPage.ts';

const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const server = await startAppServer();
  const browser = await launchBrowser();
  try {
    const device = await newDevice(browser, server.url);
    const page = await device.newPage();
    const shot = async (name: string) => {
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${outDir}${name}.png` });
      console.log(`wrote docs/screenshots/${name}.png`);
    };

    await new SignInPage(page).open();
    await shot('sign-in');

    const list = await signUp(page, 'ada@example.com');
    await list.shell.newOrganization('Acme Labs');
    for (const name of [
      'Summarize support tickets',
      'Weekly sales digest',
      'Classify inbound leads',
    ]) {
      await list.create(name);
    }
    await list.shell.waitUntilSynced();
    await shot('workflow-list');

    await list.shell.orgSwitcher.focus();
    await shot('organization-switcher');

    const members = new MembersPage(page);
    await members.open();
    const link = await members.invite('grace@example.com', 'member');
    const guest = await newDevice(browser, server.url);
    const guestPage = await guest.newPage();
    const invite = new InvitePage(guestPage);
    await invite.open(link);
    await guestPage.waitForTimeout(400);
    await guestPage.screenshot({ path: `${outDir}invite-sign-up.png` });
    await invite.signUpHere('grace@example.com', TEST_PASSWORD);
    await guestPage.waitForTimeout(400);
    await guestPage.screenshot({ path: `${outDir}invite-accept.png` });
    await invite.accept();
    await members.refresh();
    await shot('members');

    await list.shell.goTo('Workflows');
    await list.openWorkflow('Summarize support tickets');
    await page.getByRole('button', { name: 'Auto-layout' }).waitFor();
    const template = page.getByRole('button', { name: /Summarize a web page/ });
    if (await template.isVisible()) await template.click();
    await shot('editor');

    await list.shell.goTo('Workflows');
    await device.setOffline(true);
    await list.create('Drafted on the train');
    await shot('offline');
    await device.setOffline(false);

    await list.shell.goTo('Secrets');
    await shot('secrets');
  } finally {
    await browser.close();
    await server.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
