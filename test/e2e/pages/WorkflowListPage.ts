/** The workflows of the current organization. */
import type { Locator, Page } from 'playwright-core';
import { AppShell } from './AppShell.ts';

export class WorkflowListPage {
  readonly shell: AppShell;
  readonly heading: Locator;
  readonly nameInput: Locator;
  readonly createButton: Locator;
  readonly list: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.heading = page.getByRole('heading', { name: 'Workflows', level: 1 });
    this.nameInput = page.getByRole('textbox', { name: 'Workflow name' });
    this.createButton = page.getByRole('button', { name: 'Create workflow' });
    this.list = page.getByRole('list', { name: 'Workflows' });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.waitUntilShown();
  }

  /** The list (or its empty state) is on screen: the local database answered. */
  async waitUntilShown(timeout = 45_000): Promise<void> {
    await this.heading.waitFor({ timeout });
    await this.page.locator('.workflow-list, .empty').first().waitFor({ timeout });
  }

  async create(name: string): Promise<void> {
    await this.nameInput.fill(name);
    await this.createButton.click();
    await this.waitForWorkflow(name);
  }

  row(name: string): Locator {
    return this.list.getByRole('listitem', { name, exact: true });
  }

  async names(): Promise<string[]> {
    if ((await this.list.count()) === 0) return [];
    return (await this.list.locator('.workflow-name').allTextContents())
      .map((s) => s.trim())
      .sort();
  }

  async waitForWorkflow(name: string, timeout = 30_000): Promise<void> {
    await this.row(name).waitFor({ timeout });
  }

  async waitForNoWorkflow(name: string, timeout = 30_000): Promise<void> {
    await this.row(name).waitFor({ state: 'detached', timeout });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename ${from}`, exact: true }).click();
    await this.page.getByRole('textbox', { name: `New name for ${from}` }).fill(to);
    await this.page.getByRole('button', { name: 'Save name' }).click();
    await this.waitForWorkflow(to);
  }

  async delete(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await this.page.getByRole('button', { name: `Confirm delete ${name}` }).click();
    await this.waitForNoWorkflow(name);
  }

  async openWorkflow(name: string): Promise<void> {
    await this.row(name).getByRole('link', { name }).click();
  }

  /** The sentence explaining why creating is not allowed, or null when it is. */
  async createRefusal(): Promise<string | null> {
    const notice = this.page.locator('#create-refusal');
    return (await notice.count()) > 0 ? ((await notice.textContent()) ?? '') : null;
  }
}
