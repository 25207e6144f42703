/**
 * The vault's crypto in real Chromium, interoperating with Node: a key pair and secrets made
 * in Node open in the browser with the passphrase, and what the browser encrypts opens in
 * Node. The stored formats are what both sides read, so this pins them down.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecretValue, encryptSecretValue } from '../../../src/vault/secret-cipher.ts';
import {
  generateTenantKeyBytes,
  importTenantKey,
  unwrapTenantKey,
  wrapTenantKey,
} from '../../../src/vault/tenant-key-wrap.ts';
import { createUserKey, type StoredUserKey } from '../../../src/vault/user-key-pair.ts';
import { launchBrowser } from '../../support/browser.ts';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const TENANT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const SECRET = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

// What the page exposes as `window.vault`: the same modules the app ships.
const ENTRY = `
export * from './user-key-pair.ts';
export * from './tenant-key-wrap.ts';
export * from './secret-cipher.ts';
export * from './errors.ts';
`;

describe('vault crypto in Chromium', { timeout: 120_000 }, () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const bundle = await build({
      stdin: {
        contents: ENTRY,
        resolveDir: fileURLToPath(new URL('../../../src/vault/', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      globalName: 'vault',
      write: false,
      target: 'es2022',
    });
    const script = bundle.outputFiles[0]!.text;
    server = createServer((request, response) => {
      if (request.url === '/vault.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else {
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><script src="/vault.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('opens in the browser what Node sealed, and the reverse; refuses tampering and a wrong passphrase', async () => {
    // Node: Alice's key pair, a tenant key shared with her, and a secret.
    const alice = await createUserKey(ALICE, 'alice browser passphrase');
    const bob = await createUserKey(BOB, 'bob browser passphrase');
    const raw = generateTenantKeyBytes();
    const context = { tenantId: TENANT, keyVersion: 1 };
    const wrappedForAlice = await wrapTenantKey(raw, context, {
      userId: ALICE,
      publicKey: alice.stored.publicKey,
    });
    const tenantKey = await importTenantKey(raw);
    const binding = { tenantId: TENANT, secretId: SECRET, keyVersion: 1 };
    const sealed = await encryptSecretValue(tenantKey, binding, 'sk-sealed-in-node');

    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    const result = await page.evaluate(
      async ({ stored, wrappedForAlice, context, binding, sealed, bobPublicKey }) => {
        type VaultModule = typeof import('../../../src/vault/user-key-pair.ts') &
          typeof import('../../../src/vault/tenant-key-wrap.ts') &
          typeof import('../../../src/vault/secret-cipher.ts');
        const v = (window as unknown as { vault: VaultModule }).vault;
        const errorName = (promise: Promise<unknown>) =>
          promise.then(
            () => 'no error',
            (error: Error) => `${error.name}: ${error.message}`,
          );
        const wrong = await errorName(
          v.unlockUserKey(stored as StoredUserKey, 'not the passphrase'),
        );
        const me = await v.unlockUserKey(stored as StoredUserKey, 'alice browser passphrase');
        const key = await v.unwrapTenantKey(wrappedForAlice, context, me);
        const opened = await v.decryptSecretValue(key, binding, sealed);
        const tampered = await errorName(
          v.decryptSecretValue(
            key,
            { ...binding, secretId: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' },
            sealed,
          ),
        );
        const fromBrowser = await v.encryptSecretValue(key, binding, 'sk-sealed-in-chromium');
        // Share the tenant key with Bob from the browser, as an admin's client does.
        const rawAgain = await v.unwrapTenantKeyBytes(wrappedForAlice, context, me);
        const wrappedForBob = await v.wrapTenantKey(rawAgain, context, {
          userId: 'BOB',
          publicKey: bobPublicKey,
        });
        return {
          secureContext: window.isSecureContext,
          wrong,
          opened,
          tampered,
          privateKeyExtractable: me.privateKey.extractable,
          tenantKeyExtractable: key.extractable,
          fromBrowser,
          wrappedForBob,
        };
      },
      {
        stored: alice.stored,
        wrappedForAlice,
        context,
        binding,
        sealed,
        bobPublicKey: bob.stored.publicKey,
      },
    );

    expect(result.secureContext).toBe(true);
    expect(result.wrong).toBe('WrongPassphraseError: Wrong vault passphrase: nothing was changed');
    expect(result.opened).toBe('sk-sealed-in-node');
    expect(result.tampered).toMatch(
      /^SecretTamperedError: This secret was tampered with or moved from another row/,
    );
    expect(result.privateKeyExtractable).toBe(false);
    expect(result.tenantKeyExtractable).toBe(false);
    // Node opens what Chromium sealed, and Bob's copy wrapped in the browser.
    expect(await decryptSecretValue(tenantKey, binding, result.fromBrowser)).toBe(
      'sk-sealed-in-chromium',
    );
    const bobKey = await unwrapTenantKey(result.wrappedForBob, context, {
      ...bob.unlocked,
      userId: 'BOB',
    });
    expect(await decryptSecretValue(bobKey, binding, result.fromBrowser)).toBe(
      'sk-sealed-in-chromium',
    );
  });
});
