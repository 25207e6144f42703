/** Accounts for tests: unique e-mail addresses and a sign-up through the real UI. */
import type { Page } from 'playwright-core';
import { SignInPage } from '../e2e/pages/SignInPage.ts';
import { WorkflowListPage } from '../e2e/pages/WorkflowListPage.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export function uniqueEmail(name: string): string {
  return `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.test`;
}

/** Opens the sign-in page, does `act` there, and waits for the personal workflow list. */
async function throughSignInPage(
  page: Page,
  act: (signInPage: SignInPage) => Promise<void>,
): Promise<WorkflowListPage> {
  const signInPage = new SignInPage(page);
  await signInPage.open();
  await act(signInPage);
  const list = new WorkflowListPage(page);
  await list.waitUntilShown();
  return list;
}

/** Signs up through the UI and waits until the workflow list of the personal organization shows. */
export function signUp(
  page: Page,
  email: string,
  password = TEST_PASSWORD,
): Promise<WorkflowListPage> {
  return throughSignInPage(page, (signInPage) => signInPage.signUp(email, password));
}

export function signIn(
  page: Page,
  email: string,
  password = TEST_PASSWORD,
): Promise<WorkflowListPage> {
  return throughSignInPage(page, (signInPage) => signInPage.signIn(email, password));
}
