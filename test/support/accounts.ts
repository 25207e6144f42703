/** Accounts for tests: unique e-mail addresses and a sign-up through the real UI. */
import type { Page } from 'playwright-core';
import { SignInPage } from '../e2e/pages/SignInPage.ts';
import { WorkflowListPage } from '../e2e/pages/WorkflowListPage.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export function uniqueEmail(name: string): string {
  return `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.test`;
}

/** Signs up through the UI and waits until the workflow list of the personal organization shows. */
export async function signUp(
  page: Page,
  email: string,
  password = TEST_PASSWORD,
): Promise<WorkflowListPage> {
  const signInPage = new SignInPage(page);
  await signInPage.open();
  await signInPage.signUp(email, password);
  const list = new WorkflowListPage(page);
  await list.waitUntilShown();
  return list;
}

export async function signIn(
  page: Page,
  email: string,
  password = TEST_PASSWORD,
): Promise<WorkflowListPage> {
  const signInPage = new SignInPage(page);
  await signInPage.open();
  await signInPage.signIn(email, password);
  const list = new WorkflowListPage(page);
  await list.waitUntilShown();
  return list;
}
