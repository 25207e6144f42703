import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RejectedChangeDoc } from '../../src/model/rejected-change.ts';
import {
  eventually,
  newWorkflow,
  openDevice,
  startTestServer,
  type TestServer,
} from './harness.ts';

describe('sync under tenant permissions (local server on PGlite)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function addMember(tenantId: string, userId: string, role: string): Promise<void> {
    await server.sql.query(
      'insert into public.tenant_members (tenant_id, user_id, role) values ($1, $2, $3)',
      [tenantId, userId, role],
    );
  }

  it("rejects a viewer's push, reverts it locally and records the reason", async () => {
    const owner = await server.signUp();
    const viewer = await server.signUp();
    await addMember(owner.tenantId, viewer.id, 'viewer');
    const ownerDevice = await openDevice(owner.client, owner.id);
    const viewerDevice = await openDevice(viewer.client, viewer.id);
    try {
      const plan = newWorkflow(owner.tenantId, { name: 'Quarterly plan' });
      await ownerDevice.database.workflows!.insert(plan);
      await ownerDevice.engine.syncNow();
      await viewerDevice.engine.syncNow();
      const tenants = await viewerDevice.database.tenants.find().exec();
      expect(tenants.map((t) => [t.id, t.role]).sort()).toEqual(
        [
          [owner.tenantId, 'viewer'],
          [viewer.tenantId, 'owner'],
        ].sort(),
      );

      const seen: RejectedChangeDoc[] = [];
      viewerDevice.engine.rejected$.subscribe((change) => seen.push(change));
      const local = (await viewerDevice.database.workflows!.findOne(plan.id).exec())!;
      await local.incrementalPatch({ name: 'Hijacked' });
      const sneaky = newWorkflow(owner.tenantId, { name: 'Sneaky insert' });
      await viewerDevice.database.workflows!.insert(sneaky);

      await eventually('both refused writes are undone', async () => {
        await viewerDevice.engine.syncNow();
        const names = (await viewerDevice.workflows()).map((w) => w.name);
        return names.length === 1 && names[0] === 'Quarterly plan';
      });
      const recorded = await viewerDevice.database.rejected_changes.find().exec();
      expect(recorded.map((r) => [r.document_id, r.code, r.document['name']]).sort()).toEqual(
        [
          [plan.id, '42501', 'Hijacked'],
          [sneaky.id, '42501', 'Sneaky insert'],
        ].sort(),
      );
      for (const entry of recorded) {
        expect(entry.collection_name).toBe('workflows');
        expect(entry.tenant_id).toBe(owner.tenantId);
        expect(entry.message.length).toBeGreaterThan(0);
        expect(entry.reason).toMatch(/role in this organization/);
      }
      expect(seen.map((r) => r.document_id).sort()).toEqual([plan.id, sneaky.id].sort());
      // The server never saw either write, and the owner's copy is untouched.
      const { rows } = await server.sql.query<{ id: string; name: string }>(
        'select id, name from public.workflows where tenant_id = $1',
        [owner.tenantId],
      );
      expect(rows).toEqual([{ id: plan.id, name: 'Quarterly plan' }]);
      // Once reverted, nothing more is pushed: a further cycle records no new refusal.
      await viewerDevice.engine.syncNow();
      expect(await viewerDevice.database.rejected_changes.count().exec()).toBe(2);
    } finally {
      await ownerDevice.close();
      await viewerDevice.close();
    }
  });

  it("removes a removed member's local data of that tenant, and brings it back on re-invite", async () => {
    const owner = await server.signUp();
    const member = await server.signUp();
    await addMember(owner.tenantId, member.id, 'member');
    const ownerDevice = await openDevice(owner.client, owner.id);
    const memberDevice = await openDevice(member.client, member.id);
    try {
      const theirs = newWorkflow(owner.tenantId, { name: 'Team workflow' });
      const mine = newWorkflow(member.tenantId, { name: 'Personal workflow' });
      await ownerDevice.database.workflows!.insert(theirs);
      await ownerDevice.engine.syncNow();
      await memberDevice.database.workflows!.insert(mine);
      await memberDevice.engine.syncNow();
      expect((await memberDevice.workflows()).map((w) => w.name).sort()).toEqual([
        'Personal workflow',
        'Team workflow',
      ]);

      await owner.client
        .rpc('remove_member', { p_tenant_id: owner.tenantId, p_user_id: member.id })
        .throwOnError();
      await memberDevice.engine.syncNow();
      expect((await memberDevice.workflows()).map((w) => w.name)).toEqual(['Personal workflow']);
      expect((await memberDevice.database.tenants.find().exec()).map((t) => t.id)).toEqual([
        member.tenantId,
      ]);
      // Purging is local: no delete reached the server.
      const { rows } = await server.sql.query<{ _deleted: boolean }>(
        'select _deleted from public.workflows where id = $1',
        [theirs.id],
      );
      expect(rows).toEqual([{ _deleted: false }]);

      // The tenant's rows sit behind this device's checkpoint: re-joining must pull them again.
      await addMember(owner.tenantId, member.id, 'member');
      await memberDevice.engine.syncNow();
      await memberDevice.engine.syncNow();
      expect((await memberDevice.workflows()).map((w) => w.name).sort()).toEqual([
        'Personal workflow',
        'Team workflow',
      ]);
    } finally {
      await ownerDevice.close();
      await memberDevice.close();
    }
  });
});
