/** The screen an invitation link opens (/invite#token=…). */
import type { Page } from 'playwright-core';
import { SignInPage } from './SignInPage.ts';

export class InvitePage {
  constructor(readonly page: Page) {}

  async open(link: string): Promise<void> {
    await this.page.goto(link);
  }

  /** Signed out: create the account from the invitation screen itself. */
  async signUpHere(email: string, password: string): Promise<void> {
    await new SignInPage(this.page).signUp(email, password);
    await this.page.getByRole('heading', { name: 'Join an organization' }).waitFor();
  }

  async accept(): Promise<void> {
    await this.page.getByRole('button', { name: 'Accept invitation' }).click();
    await this.page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
  }
}
