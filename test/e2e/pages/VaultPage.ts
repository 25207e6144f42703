/** The Secrets screen (src/vault/VaultScreen.tsx) as a user drives it in the browser. */
import type { Locator, Page } from 'playwright-core';
import { AppShell } from './AppShell.ts';

export class VaultPage {
  readonly shell: AppShell;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  /** Opens the Secrets screen afresh (which re-opens the tenant vault at once). */
  async open(): Promise<void> {
    await this.shell.goTo('Workflows');
    await this.page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await this.shell.goTo('Secrets');
    await this.page.getByRole('heading', { name: 'Secrets', level: 1 }).waitFor();
  }

  async setUp(passphrase: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Set up your vault' });
    await form.getByLabel('Vault passphrase').fill(passphrase);
    await form.getByLabel('Repeat the passphrase').fill(passphrase);
    await form.getByRole('button', { name: 'Set up vault' }).click();
    await form.waitFor({ state: 'detached', timeout: 20_000 });
  }

  async unlock(passphrase: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Unlock your vault' });
    await form.getByLabel('Vault passphrase').fill(passphrase);
    await form.getByRole('button', { name: 'Unlock vault' }).click();
  }

  unlockError(): Locator {
    return this.page.getByRole('form', { name: 'Unlock your vault' }).getByRole('alert');
  }

  async add(name: string, value: string, provider = ''): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Add a secret' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Provider').fill(provider);
    await form.getByLabel('Value', { exact: true }).fill(value);
    await form.getByRole('button', { name: 'Add secret' }).click();
    await this.secret(name).waitFor({ timeout: 20_000 });
  }

  secret(name: string): Locator {
    return this.page.getByRole('listitem', { name });
  }

  async reveal(name: string): Promise<string> {
    await this.secret(name)
      .getByRole('button', { name: `Reveal ${name}` })
      .click();
    const value = this.page.getByLabel(`Value of ${name}`);
    await value.waitFor({ timeout: 20_000 });
    const text = (await value.textContent()) ?? '';
    await this.secret(name)
      .getByRole('button', { name: `Hide ${name}` })
      .click();
    return text;
  }

  async rotate(name: string, newValue: string): Promise<void> {
    await this.secret(name)
      .getByRole('button', { name: `Rotate ${name}` })
      .click();
    const form = this.page.getByRole('form', { name: `Rotate ${name}` });
    await form.getByLabel(`New value for ${name}`).fill(newValue);
    await form.getByRole('button', { name: 'Rotate value' }).click();
    await form.waitFor({ state: 'detached', timeout: 20_000 });
  }

  notice(): Locator {
    return this.page.getByRole('status').filter({ hasNotText: /Up to date|Sync/ });
  }

  waitingForAccess(): Locator {
    return this.page.getByText(/Waiting for access/);
  }
}
