/**
 * The vault through the local Supabase-compatible server with real supabase-js clients:
 * sign-up, invitations, sharing, editing, removal and rotation, with every HTTP request
 * and response recorded. No secret value or vault passphrase may appear in any of them, nor
 * in the database afterwards.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultKeyMissingError } from '../../src/vault/errors.ts';
import { supabaseVaultRpcClient } from '../../src/vault/rpc-vault-server.ts';
import { createDevice, dumpDatabase, leakForms, type Device } from '../src/vault/devices.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { backends, startTestServer, type TestServer } from './local/local-server-harness.ts';

const PASSPHRASES = {
  alice: 'alice-http-passphrase-maple-31',
  bob: 'bob-http-passphrase-harbor-58',
  carol: 'carol-http-passphrase-quartz-94',
};
const VALUES = {
  openai: 'sk-HTTPPLAIN-openai-first-93b1',
  openaiEdited: 'sk-HTTPPLAIN-openai-edited-5c07',
  slack: 'xoxb-HTTPPLAIN-slack-e4a2',
};

interface Recorded {
  method: string;
  url: string;
  requestBody: string;
  responseBody: string;
}

function recordingFetch(log: Recorded[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestBody = request.body ? await request.clone().text() : '';
    const response = await fetch(request);
    const responseBody = await response.clone().text();
    log.push({ method: request.method, url: request.url, requestBody, responseBody });
    return response;
  };
}

describe.each(backends)('vault over HTTP on %s', (backend) => {
  let t: TestServer;
  const log: Recorded[] = [];
  const clients: SupabaseClient[] = [];
  const ids: Record<string, string> = {};
  const devices: Record<string, Device> = {};
  let tenant: string;

  async function signUp(name: string): Promise<SupabaseClient> {
    const client = createClient(t.server.url, t.server.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: recordingFetch(log) },
      // Node 20 has no global WebSocket; the vault never opens a channel anyway.
      realtime: { transport: WebSocket as never },
    });
    clients.push(client);
    const { data, error } = await client.auth.signUp({
      email: `${name}@example.com`,
      password: `account password of ${name}`,
    });
    if (error || !data.user) throw new Error(`sign-up failed: ${error?.message}`);
    ids[name] = data.user.id;
    devices[name] = createDevice(data.user.id, supabaseVaultRpcClient(client));
    return client;
  }

  async function rpc(client: SupabaseClient, fn: string, args: Record<string, unknown>) {
    const { data, error } = await client.rpc(fn, args);
    if (error) throw new Error(error.message);
    return data as unknown;
  }

  async function join(admin: SupabaseClient, member: SupabaseClient, email: string) {
    const token = await rpc(admin, 'invite_member', {
      p_tenant_id: tenant,
      p_email: email,
      p_role: 'member',
    });
    await rpc(member, 'accept_invitation', { p_token: token });
  }

  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('shares, edits, rotates on removal, and the removed device reads nothing new', async () => {
    const aliceClient = await signUp('alice');
    const bobClient = await signUp('bob');
    const carolClient = await signUp('carol');
    const { alice, bob, carol } = devices as Record<'alice' | 'bob' | 'carol', Device>;
    const { data: membership } = await aliceClient
      .from('tenant_members')
      .select('tenant_id')
      .eq('user_id', ids.alice!);
    tenant = (membership as { tenant_id: string }[])[0]!.tenant_id;
    await join(aliceClient, bobClient, 'bob@example.com');
    await join(aliceClient, carolClient, 'carol@example.com');

    await alice.vault.setUp(PASSPHRASES.alice);
    expect((await alice.vault.openTenant(tenant)).initialized).toBe(true);
    await bob.vault.setUp(PASSPHRASES.bob);
    await carol.vault.setUp(PASSPHRASES.carol);
    expect((await alice.vault.openTenant(tenant)).grantedTo.sort()).toEqual(
      [ids.bob, ids.carol].sort(),
    );
    expect((await bob.vault.openTenant(tenant)).access).toBe('ready');
    expect((await carol.vault.openTenant(tenant)).access).toBe('ready');

    const openai = await alice.vault.createSecret(tenant, { name: 'OpenAI', value: VALUES.openai });
    await alice.vault.updateSecret(openai.id, { value: VALUES.openaiEdited });
    const slack = await alice.vault.createSecret(tenant, { name: 'Slack', value: VALUES.slack });

    await bob.store.pullUntil(
      () =>
        bob.store.docs.get(openai.id)?.ciphertext === alice.store.docs.get(openai.id)?.ciphertext,
    );
    expect(await bob.vault.readSecret(openai.id, { purpose: 'use', workflowId: null })).toBe(
      VALUES.openaiEdited,
    );
    await carol.store.pullUntil(() => carol.store.docs.has(slack.id));
    expect(await carol.vault.readSecret(slack.id)).toBe(VALUES.slack);

    await rpc(aliceClient, 'remove_member', { p_tenant_id: tenant, p_user_id: ids.carol });
    expect((await alice.vault.openTenant(tenant)).rotatedTo).toBe(2);

    const current = (
      await t.server.sql.query<{
        id: string;
        tenant_id: string;
        ciphertext: string;
        iv: string;
        key_version: number;
      }>(
        'select id, tenant_id, ciphertext, iv, key_version from public.secrets where tenant_id = $1',
        [tenant],
      )
    ).rows;
    expect(current.map((row) => row.key_version)).toEqual([2, 2]);
    for (const row of current) {
      await expect(carol.vault.decryptDoc(row)).rejects.toBeInstanceOf(VaultKeyMissingError);
    }
    expect((await carol.vault.openTenant(tenant)).access).toBe('no_access');
    const { data: carolSees } = await carolClient
      .from('secrets')
      .select('id')
      .eq('tenant_id', tenant);
    expect(carolSees).toEqual([]);

    await bob.store.pullUntil(() => bob.store.docs.get(slack.id)?.key_version === 2);
    expect(await bob.vault.readSecret(slack.id)).toBe(VALUES.slack);
  });

  it('sent no secret value or vault passphrase in any request or response, and stored none', async () => {
    const rpcCalls = log.filter((entry) => entry.url.includes('/rest/v1/rpc/'));
    for (const fn of ['sync_push', 'vault_rotate', 'vault_grant_keys', 'vault_save_my_key']) {
      expect(rpcCalls.some((entry) => entry.url.endsWith(`/rpc/${fn}`))).toBe(true);
    }
    // The recording does see the ciphertext that went out.
    const pushed = rpcCalls.filter((entry) => entry.url.endsWith('/rpc/sync_push'));
    expect(pushed.some((entry) => entry.requestBody.includes('"ciphertext"'))).toBe(true);

    const forbidden = [...Object.values(VALUES), ...Object.values(PASSPHRASES)].flatMap(leakForms);
    for (const entry of log) {
      for (const form of forbidden) {
        expect(entry.requestBody, `${entry.method} ${entry.url}`).not.toContain(form);
        expect(entry.responseBody, `${entry.method} ${entry.url}`).not.toContain(form);
      }
    }
    const dump = await dumpDatabase({ sql: t.server.sql } as TestDatabase);
    for (const form of forbidden) expect(dump).not.toContain(form);
  });
});
