/** Vitest globalSetup: build the app once before the end-to-end tests run against dist/. */
import { ensureAppBuilt } from '../support/built-app.ts';

export default async function setup(): Promise<void> {
  await ensureAppBuilt();
}
