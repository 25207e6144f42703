/** Members of the current organization: invite, change role, remove, leave. */
import type { Locator, Page } from 'playwright-core';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export class MembersPage {
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Members' });
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Members' })
      .click();
    await this.page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    await this.table.waitFor();
  }

  /** Creates an invitation and returns the link to hand to the invitee. */
  async invite(email: string, role: Role): Promise<string> {
    await this.page.getByRole('textbox', { name: 'Email to invite' }).fill(email);
    await this.page.getByRole('combobox', { name: 'Role for the invitation' }).selectOption(role);
    await this.page.getByRole('button', { name: 'Create invitation link' }).click();
    const link = this.page.getByRole('textbox', { name: 'Invitation link' });
    await link.waitFor();
    return link.inputValue();
  }

  async emails(): Promise<string[]> {
    const rows = this.table.locator('tbody tr');
    return (
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('aria-label') ?? ''))
    ).sort();
  }

  /**
   * The member list once it shows exactly `expected` (sorted), or what it last showed when
   * `timeoutMs` ran out. A reload started before the change (the screen also reloads on
   * focus) may answer last; the list is right once a reload that began after it lands.
   */
  async emailsOnceEqual(expected: string[], timeoutMs = 15_000): Promise<string[]> {
    const wanted = JSON.stringify([...expected].sort());
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await this.emails();
      if (JSON.stringify(shown) === wanted || Date.now() > deadline) return shown;
      await this.page.waitForTimeout(100);
    }
  }

  /** Reads the member list from the server again (e.g. after someone accepted a link). */
  async refresh(): Promise<void> {
    const reloaded = this.page.waitForResponse((r) => r.url().includes('/rest/v1/profiles'));
    await this.page.getByRole('button', { name: 'Refresh members' }).click();
    await reloaded;
  }

  /** Changes a member's role; resolves once the server answered and the list reloaded. */
  async setRole(email: string, role: Role): Promise<void> {
    const select = this.page.getByRole('combobox', { name: `Role of ${email}` });
    await select.waitFor();
    const reloaded = this.page.waitForResponse((r) => r.url().includes('/rest/v1/profiles'));
    await select.selectOption(role);
    await reloaded;
  }

  async remove(email: string): Promise<void> {
    await this.page.getByRole('button', { name: `Remove ${email}` }).click();
    await this.page.getByRole('row', { name: email }).waitFor({ state: 'detached' });
  }

  async leave(): Promise<void> {
    await this.page.getByRole('button', { name: 'Leave organization' }).click();
    await this.page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
  }

  async errorText(): Promise<string> {
    return (await this.page.getByRole('alert').textContent()) ?? '';
  }
}
