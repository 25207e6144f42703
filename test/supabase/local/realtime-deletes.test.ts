/**
 * Issue 16, item 5: a hard delete is announced only to subscribers whose read policy on that
 * table let them read the row. A viewer must not learn the ids of deleted secrets, invitations
 * or vault keys (nor the key metadata in their primary key); the owner, who could read them,
 * hears of each.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { TestServer } from './local-server-harness.ts';
import { backends, startTestServer } from './local-server-harness.ts';

const tables = ['secrets', 'tenant_invitations', 'tenant_vault_keys', 'workflows'];

async function listenToDeletes(client: SupabaseClient) {
  const heard: { table: string; old: Record<string, unknown> }[] = [];
  const channel = client.channel(`deletes-${randomUUID()}`);
  for (const table of tables) {
    channel.on('postgres_changes', { event: 'DELETE', schema: 'public', table }, (payload) =>
      heard.push({ table, old: payload.old as Record<string, unknown> }),
    );
  }
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(error ?? new Error(status));
    });
  });
  return heard;
}

describe.each(backends)('Realtime hard deletes on %s', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('tells only those whose read policy covered the row', async () => {
    const owner = await t.signUp();
    const viewer = await t.signUp();
    const { data } = await owner.client.from('tenants').select('id').single();
    const tenantId = (data as { id: string }).id;
    const { data: token } = await owner.client.rpc('invite_member', {
      p_tenant_id: tenantId,
      p_email: viewer.email,
      p_role: 'viewer',
    });
    expect((await viewer.client.rpc('accept_invitation', { p_token: token })).error).toBeNull();

    const secretId = randomUUID();
    const workflowId = randomUUID();
    await t.server.sql.query(
      `insert into public.secrets (id, tenant_id, name, ciphertext, iv, key_version)
       values ($1, $2, 'api key', 'AAAA', 'AAAAAAAAAAAAAAAA', 1)`,
      [secretId, tenantId],
    );
    await t.server.sql.query(
      `insert into public.workflows (id, tenant_id, name) values ($1, $2, 'flow')`,
      [workflowId, tenantId],
    );
    await t.server.sql.query(
      `insert into public.tenant_vault_keys (tenant_id, user_id, key_version, wrapped_key,
         recipient_public_key) values ($1, $2, 7, '{}', 'key')`,
      [tenantId, owner.userId],
    );
    const { data: pending } = await owner.client.rpc('invite_member', {
      p_tenant_id: tenantId,
      p_email: 'later@example.com',
      p_role: 'member',
    });
    expect(pending).toEqual(expect.any(String));

    const ownerHeard = await listenToDeletes(owner.client);
    const viewerHeard = await listenToDeletes(viewer.client);
    await t.server.sql.query('delete from public.secrets where id = $1', [secretId]);
    await t.server.sql.query('delete from public.tenant_invitations where tenant_id = $1', [
      tenantId,
    ]);
    await t.server.sql.query('delete from public.tenant_vault_keys where tenant_id = $1', [
      tenantId,
    ]);
    // A table the viewer may read: its delete reaches them (so silence above means something).
    await t.server.sql.query('delete from public.workflows where id = $1', [workflowId]);

    const deadline = Date.now() + 5000;
    while (ownerHeard.length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    while (viewerHeard.length < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Anything else for the viewer would have arrived with the owner's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two invitations: the viewer's (accepted) and the pending one.
    expect(ownerHeard.map((h) => h.table).sort()).toEqual([
      'secrets',
      'tenant_invitations',
      'tenant_invitations',
      'tenant_vault_keys',
      'workflows',
    ]);
    expect(ownerHeard.find((h) => h.table === 'secrets')!.old).toEqual({ id: secretId });
    expect(viewerHeard).toEqual([{ table: 'workflows', old: { id: workflowId } }]);
  });
});
