/**
 * /w/:id, the screen hosting the workflow editor. Editor-specific verbs belong to the editor's
 * own tests; this model opens the screen and finds its parts.
 */
import type { Locator, Page } from 'playwright-core';

export class EditorScreenPage {
  readonly host: Locator;

  constructor(readonly page: Page) {
    this.host = page.locator('.editor-host');
  }

  async open(workflowId: string): Promise<void> {
    await this.page.goto(`/w/${workflowId}`);
    await this.host.waitFor();
  }

  /** The workflow's name as the editor screen's title shows it. */
  async title(): Promise<string> {
    return ((await this.page.locator('.editor-bar h1').textContent()) ?? '').trim();
  }

  async isReadOnly(): Promise<boolean> {
    return (await this.page.locator('.editor-bar .notice').count()) > 0;
  }

  async backToList(): Promise<void> {
    await this.page.getByRole('link', { name: '← Workflows' }).click();
  }
}
