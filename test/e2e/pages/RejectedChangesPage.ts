/** Changes the server refused, with their reasons. */
import type { Locator, Page } from 'playwright-core';

export class RejectedChangesPage {
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.list = page.getByRole('list', { name: 'Rejected changes' });
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Rejected changes/ })
      .click();
    await this.page.getByRole('heading', { name: 'Rejected changes', level: 1 }).waitFor();
  }

  /** "label: reason" of each rejected change, newest first. */
  async entries(): Promise<string[]> {
    if ((await this.list.count()) === 0) return [];
    return this.list
      .locator(':scope > li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label') ?? ''));
  }
}
