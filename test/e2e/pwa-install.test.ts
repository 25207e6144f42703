/**
 * Installability in real Chromium: the manifest has what an installable app needs, its icons
 * are real PNGs of the declared sizes, Chromium itself reports no installability error, and
 * the service worker controls the page after the first visit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, launchPersistentDevice, newDevice } from '../support/browser.ts';
import { startAppServer, type AppServer } from '../support/app-server.ts';
import { SignInPage } from './pages/SignInPage.ts';

let server: AppServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAppServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (bytes.subarray(0, 8).toString('hex') !== signature) throw new Error('not a PNG');
  if (bytes.subarray(12, 16).toString('ascii') !== 'IHDR')
    throw new Error('PNG without IHDR first');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

// A real browser against a real server: generous on a loaded 2-core machine.
describe('the installable PWA', { timeout: 180_000 }, () => {
  it('serves a manifest with name, start_url, standalone display, theme colour and valid icons', async () => {
    const context = await newDevice(browser, server.url);
    const page = await context.newPage();
    await new SignInPage(page).open();
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifestUrl = new URL(href!, server.url);
    const response = await fetch(manifestUrl);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };
    expect(manifest).toMatchObject({
      name: 'Flowkeep',
      short_name: 'Flowkeep',
      start_url: '/',
      display: 'standalone',
      theme_color: '#4f46e5',
    });
    const wanted = [
      { sizes: '192x192', purpose: 'any' },
      { sizes: '512x512', purpose: 'any' },
      { sizes: '512x512', purpose: 'maskable' },
    ];
    for (const want of wanted) {
      const icon = manifest.icons.find(
        (i) => i.sizes === want.sizes && (i.purpose ?? 'any') === want.purpose,
      );
      expect(icon, `icon ${want.sizes} ${want.purpose}`).toBeDefined();
      const iconResponse = await fetch(new URL(icon!.src, manifestUrl));
      expect(iconResponse.headers.get('content-type')).toBe('image/png');
      const size = pngSize(Buffer.from(await iconResponse.arrayBuffer()));
      expect(`${size.width}x${size.height}`).toBe(want.sizes);
    }
    await context.close();
  });

  it('is installable by Chromium’s own criteria and controlled by its service worker', async () => {
    const device = await launchPersistentDevice(server.url);
    const context = device.context;
    const page = context.pages()[0] ?? (await context.newPage());
    await new SignInPage(page).open();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 45_000,
    });
    const scriptUrl = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(scriptUrl).toBe(`${server.url}/sw.js`);

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);

    // The precache holds the app shell: index.html comes from the cache, not the network.
    const cachedShell = await page.evaluate(async () => {
      const names = await caches.keys();
      for (const name of names) {
        const cache = await caches.open(name);
        const keys = await cache.keys();
        if (keys.some((request) => new URL(request.url).pathname === '/index.html')) return true;
      }
      return false;
    });
    expect(cachedShell).toBe(true);
    await device.close();
  });
});
