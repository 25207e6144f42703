/**
 * Real Chromium through playwright-core. Each "device" is its own browser context: its own
 * IndexedDB, localStorage and service worker, as two machines would have.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh device: empty storage, English UI, a viewport wide enough for the whole top bar. */
export async function newDevice(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'allow',
  });
  context.setDefaultTimeout(30_000);
  return context;
}

/**
 * A device with an on-disk profile (not incognito), as an installed app has: Chromium only
 * reports an app installable outside incognito. Close it with the returned `close()`.
 */
export async function launchPersistentDevice(
  baseURL: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const profile = await mkdtemp(join(tmpdir(), 'flowkeep-profile-'));
  const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
