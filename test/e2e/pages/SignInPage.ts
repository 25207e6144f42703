/** The signed-out screen: sign in, or create an account. */
import type { Page } from 'playwright-core';

export class SignInPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/signin');
    await this.page.getByRole('form').waitFor();
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.fill(email, password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async signUp(email: string, password: string): Promise<void> {
    if (
      !(await this.page.getByRole('button', { name: 'Create account', exact: true }).isVisible())
    ) {
      await this.page.getByRole('button', { name: 'Create an account' }).click();
    }
    await this.fill(email, password);
    await this.page.getByRole('button', { name: 'Create account', exact: true }).click();
  }

  /** The error the form shows, once it shows one. */
  async error(): Promise<string> {
    return (await this.page.getByRole('alert').textContent()) ?? '';
  }

  private async fill(email: string, password: string): Promise<void> {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
  }
}
