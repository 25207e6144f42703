import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js';
import type { TestServer } from './local-server-harness.ts';
import { backends, startTestServer } from './local-server-harness.ts';

type Row = { id: string; tenant_id: string; name: string };
interface Heard {
  at: number;
  payload: RealtimePostgresChangesPayload<Row>;
}

async function subscribe(client: SupabaseClient, filter?: string) {
  const heard: Heard[] = [];
  const channel = client
    .channel(`workflows-${randomUUID()}`)
    .on<Row>(
      'postgres_changes',
      { event: '*', schema: 'public', table: 'workflows', ...(filter ? { filter } : {}) },
      (payload) => heard.push({ at: performance.now(), payload }),
    );
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(error ?? new Error(status));
    });
  });
  return { heard, channel };
}

async function tenantOf(client: SupabaseClient): Promise<string> {
  const { data, error } = await client.from('tenants').select('id').single();
  if (error) throw new Error(error.message);
  return (data as { id: string }).id;
}

async function pushWorkflow(
  client: SupabaseClient,
  tenantId: string,
  name: string,
  id = randomUUID(),
) {
  const { data, error } = await client.rpc('sync_push', {
    p_collection: 'workflows',
    p_rows: [{ newDocumentState: { id, tenant_id: tenantId, name }, assumedMasterState: null }],
  });
  if (error) throw new Error(error.message);
  expect(data).toEqual({ conflicts: [], rejected: [] });
  return id;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(backends)('Realtime postgres_changes through supabase-js on %s', (backend) => {
  let t: TestServer;
  let alice: { client: SupabaseClient; tenantId: string };
  let bob: { client: SupabaseClient; tenantId: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    const a = await t.signUp();
    const b = await t.signUp();
    alice = { client: a.client, tenantId: await tenantOf(a.client) };
    bob = { client: b.client, tenantId: await tenantOf(b.client) };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tells a subscriber of its own tenant’s change within a second, and never another tenant', async () => {
    const aliceFeed = await subscribe(alice.client);
    const bobFeed = await subscribe(bob.client);

    const started = performance.now();
    const id = await pushWorkflow(alice.client, alice.tenantId, 'Realtime demo');
    await waitFor(() => aliceFeed.heard.length > 0, 5000);
    expect(aliceFeed.heard).toHaveLength(1);
    const { payload, at } = aliceFeed.heard[0]!;
    expect(at - started).toBeLessThan(1000);
    expect(payload).toMatchObject({
      schema: 'public',
      table: 'workflows',
      eventType: 'INSERT',
      new: { id, tenant_id: alice.tenantId, name: 'Realtime demo' },
    });

    const bobId = await pushWorkflow(bob.client, bob.tenantId, 'Bob only');
    await waitFor(() => bobFeed.heard.length > 0, 5000);
    expect(bobFeed.heard.map((h) => (h.payload.new as Row).id)).toEqual([bobId]);
    // Give any wrong delivery time to arrive before asserting it never came.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(aliceFeed.heard).toHaveLength(1);
    expect(bobFeed.heard).toHaveLength(1);

    await alice.client.removeChannel(aliceFeed.channel);
    await bob.client.removeChannel(bobFeed.channel);
  });

  it('reports updates and soft deletes, and honours a column filter', async () => {
    const id = await pushWorkflow(alice.client, alice.tenantId, 'Before');
    const other = randomUUID();
    const filtered = await subscribe(alice.client, `id=eq.${id}`);
    const { data: pulled } = await alice.client
      .from('workflows')
      .select('_txid')
      .eq('id', id)
      .single();
    const { error } = await alice.client.rpc('sync_push', {
      p_collection: 'workflows',
      p_rows: [
        {
          newDocumentState: { id, tenant_id: alice.tenantId, name: 'After', _deleted: true },
          assumedMasterState: { id, _txid: (pulled as { _txid: string })._txid },
        },
      ],
    });
    expect(error).toBeNull();
    await pushWorkflow(alice.client, alice.tenantId, 'Not this one', other);
    await waitFor(() => filtered.heard.length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(filtered.heard.map((h) => h.payload.eventType)).toEqual(['UPDATE']);
    expect(filtered.heard[0]!.payload.new).toMatchObject({ id, name: 'After', _deleted: true });
    await alice.client.removeChannel(filtered.channel);
  });

  it('hears nothing as anon, and each user hears only the rows RLS lets them see', async () => {
    const anonFeed = await subscribe(t.client());
    const carolSignUp = await t.signUp();
    const carol = { client: carolSignUp.client, tenantId: await tenantOf(carolSignUp.client) };
    const carolFeed = await subscribe(carol.client);
    await pushWorkflow(alice.client, alice.tenantId, 'Private to alice');
    await pushWorkflow(carol.client, carol.tenantId, 'Carol’s');
    await waitFor(() => carolFeed.heard.length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(carolFeed.heard.map((h) => (h.payload.new as Row).name)).toEqual(['Carol’s']);
    expect(anonFeed.heard).toEqual([]);
  });
});

describe.each(backends)('Realtime channel authorization on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // Short-lived access tokens, to watch a channel outlive its token.
    t = await startTestServer(backend, { accessTokenTtlSeconds: 2 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('follows access_token updates after a refresh, and closes a channel whose token expired', async () => {
    const stale = await t.signUp();
    const fresh = await t.signUp();
    const staleTenant = await tenantOf(stale.client);
    const freshTenant = await tenantOf(fresh.client);
    const staleStatuses: string[] = [];
    const staleHeard: unknown[] = [];
    const staleChannel = stale.client
      .channel('stale')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'workflows' }, (p) =>
        staleHeard.push(p),
      );
    await new Promise<void>((resolve) =>
      staleChannel.subscribe((status) => {
        staleStatuses.push(status);
        if (status === 'SUBSCRIBED') resolve();
      }),
    );
    const freshFeed = await subscribe(fresh.client);
    // A second later (a new iat), refresh: supabase-js sends the new token on the channel.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fresh.client.auth.refreshSession()).error).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Both original tokens have now expired; insert as the superuser, as another device would.
    for (const [tenantId, name] of [
      [staleTenant, 'for the stale channel'],
      [freshTenant, 'for the refreshed channel'],
    ] as const) {
      await t.server.sql.query(
        'insert into public.workflows (id, tenant_id, name) values (gen_random_uuid(), $1, $2)',
        [tenantId, name],
      );
    }
    await waitFor(() => freshFeed.heard.length > 0 && staleStatuses.length > 1, 5000);
    expect(freshFeed.heard.map((h) => (h.payload.new as Row).name)).toEqual([
      'for the refreshed channel',
    ]);
    expect(staleHeard).toEqual([]);
    expect(staleStatuses).toEqual(['SUBSCRIBED', 'CLOSED']);
  });

  it('refuses to join with a forged token', async () => {
    const { client } = await t.signUp();
    const session = (await client.auth.getSession()).data.session!;
    const [head, payload] = session.access_token.split('.');
    await client.realtime.setAuth(
      `${head}.${payload}.${Buffer.from('forged').toString('base64url')}`,
    );
    const outcome = await new Promise<{ status: string; error?: Error }>((resolve) =>
      client
        .channel('forged')
        .on('postgres_changes', { event: '*', schema: 'public', table: 'workflows' }, () => {})
        .subscribe((status, error) => {
          if (status !== 'SUBSCRIBED') resolve({ status, error });
          else resolve({ status });
        }),
    );
    expect(outcome.status).toBe('CHANNEL_ERROR');
    expect(outcome.error?.message).toContain('JWSInvalidSignature');
  });
});
