/** The frame around every signed-in screen: organization switcher, navigation, sync status. */
import type { Locator, Page } from 'playwright-core';

export class AppShell {
  readonly orgSwitcher: Locator;
  readonly syncStatus: Locator;

  constructor(readonly page: Page) {
    this.orgSwitcher = page.getByRole('combobox', { name: 'Organization' });
    this.syncStatus = page.getByRole('status', { name: 'Sync status' });
  }

  /** Option labels of the switcher, e.g. "Acme (owner)". */
  async organizations(): Promise<string[]> {
    return (await this.orgSwitcher.locator('option').allTextContents()).map((s) => s.trim());
  }

  async currentOrganization(): Promise<string> {
    return this.orgSwitcher.evaluate(
      (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '',
    );
  }

  /** Switches to the organization whose name is `name` (the role suffix is ignored). */
  async switchTo(name: string): Promise<void> {
    const labels = await this.organizations();
    const label = labels.find((l) => l.replace(/ \((owner|admin|member|viewer)\)$/, '') === name);
    if (!label) throw new Error(`No organization "${name}" in the switcher: ${labels.join(', ')}`);
    await this.orgSwitcher.selectOption({ label });
  }

  async waitForOrganization(name: string, timeout = 30_000): Promise<void> {
    await this.orgSwitcher
      .locator('option', { hasText: name })
      .first()
      .waitFor({ state: 'attached', timeout });
  }

  async syncText(): Promise<string> {
    return ((await this.syncStatus.textContent()) ?? '').trim();
  }

  /** The notice under the top bar while changes cannot reach the server, or null. */
  async connectionNotice(): Promise<string | null> {
    const notice = this.page.getByRole('note', { name: 'Connection' });
    return (await notice.count()) > 0 ? ((await notice.textContent()) ?? '').trim() : null;
  }

  async waitForSyncText(text: string | RegExp, timeout = 30_000): Promise<void> {
    await this.syncStatus.filter({ hasText: text }).waitFor({ timeout });
  }

  /** Waits until the sync status says it is up to date. */
  async waitUntilSynced(timeout = 30_000): Promise<void> {
    await this.page
      .getByRole('status', { name: 'Sync status' })
      .filter({ hasText: 'Up to date' })
      .waitFor({ timeout });
  }

  async goTo(section: 'Workflows' | 'Members' | 'Secrets' | 'Rejected changes'): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: section })
      .click();
  }

  async newOrganization(name: string): Promise<void> {
    await this.page.getByRole('link', { name: 'New organization' }).click();
    await this.page.getByLabel('Organization name').fill(name);
    await this.page.getByRole('button', { name: 'Create organization' }).click();
    await this.page.getByRole('heading', { name: 'Workflows' }).waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  }
}
