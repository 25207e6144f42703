import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowDoc, WorkflowNode } from '../../src/model/workflow.ts';
import {
  type Device,
  eventually,
  newWorkflow,
  openDevice,
  serverRows,
  signInAgain,
  startTestServer,
  type TestServer,
  type TestUser,
} from './harness.ts';

async function serverWorkflows(server: TestServer, tenantId: string): Promise<WorkflowDoc[]> {
  const rows = await serverRows(server, 'workflows');
  return rows
    .filter((row) => row['_deleted'] !== true && row['tenant_id'] === tenantId)
    .map(({ _deleted, ...row }) => row as unknown as WorkflowDoc);
}

describe('two devices of one user (local server on PGlite)', () => {
  let server: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  beforeEach(async () => {
    user = await server.signUp();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('converge after offline edits on both sides', async () => {
    const laptop = await openDevice(user.client, user.id);
    const phone = await openDevice(await signInAgain(server, user), user.id);
    try {
      const shared = newWorkflow(user.tenantId, { name: 'Shared' });
      await laptop.database.workflows!.insert(shared);
      await laptop.engine.syncNow();
      await phone.engine.syncNow();
      expect((await phone.workflows()).map((w) => w.name)).toEqual(['Shared']);

      laptop.online$.next(false);
      phone.online$.next(false);
      await laptop.database.workflows!.insert(newWorkflow(user.tenantId, { name: 'From laptop' }));
      await phone.database.workflows!.insert(newWorkflow(user.tenantId, { name: 'From phone' }));
      await (await laptop.database.workflows!.findOne(shared.id).exec())!.incrementalPatch({
        description: 'laptop description',
      });
      await (await phone.database.workflows!.findOne(shared.id).exec())!.incrementalPatch({
        tags: ['phone'],
      });
      laptop.online$.next(true);
      phone.online$.next(true);

      await eventually('both devices hold the same workflows as the server', async () => {
        await laptop.engine.syncNow();
        await phone.engine.syncNow();
        const [a, b] = [await laptop.workflows(), await phone.workflows()];
        return a.length === 3 && JSON.stringify(a) === JSON.stringify(b);
      });
      const merged = (await phone.workflows()).find((w) => w.id === shared.id)!;
      expect(merged.description).toBe('laptop description');
      expect(merged.tags).toEqual(['phone']);
      expect(await laptop.workflows()).toEqual(await serverWorkflows(server, user.tenantId));
    } finally {
      await laptop.close();
      await phone.close();
    }
  });

  it('keep both node edits of one workflow, and record the loser of a same-field edit', async () => {
    const laptop = await openDevice(user.client, user.id);
    const phone = await openDevice(await signInAgain(server, user), user.id);
    try {
      const node = (id: string, data: Record<string, string>): WorkflowNode => ({
        id,
        type: 'llm',
        position: { x: 0, y: 0 },
        data,
      });
      const workflow = newWorkflow(user.tenantId, {
        name: 'Graph',
        nodes: [node('a', { prompt: 'A0', model: 'm' }), node('b', { url: 'B0' })],
        edges: [{ id: 'ab', source: 'a', target: 'b' }],
      });
      await laptop.database.workflows!.insert(workflow);
      await laptop.engine.syncNow();
      await phone.engine.syncNow();
      expect(await phone.workflows()).toHaveLength(1);

      laptop.online$.next(false);
      phone.online$.next(false);
      const editNodes = async (device: Device, change: (nodes: WorkflowNode[]) => void) => {
        const doc = (await device.database.workflows!.findOne(workflow.id).exec())!;
        await doc.incrementalModify((data) => {
          const nodes = structuredClone(data.nodes);
          change(nodes);
          return { ...data, nodes };
        });
      };
      await editNodes(laptop, (nodes) => {
        nodes[0]!.data['prompt'] = 'A-laptop';
        nodes[1]!.data['url'] = 'B-laptop';
      });
      await editNodes(phone, (nodes) => {
        nodes[0]!.data['model'] = 'm-phone';
        nodes[1]!.data['url'] = 'B-phone';
      });
      laptop.online$.next(true);
      await laptop.engine.syncNow();
      phone.online$.next(true);
      await phone.engine.syncNow();
      await laptop.engine.syncNow();

      const [onLaptop] = await laptop.workflows();
      expect(await phone.workflows()).toEqual([onLaptop]);
      expect(onLaptop!.nodes.map((n) => n.data)).toEqual([
        { prompt: 'A-laptop', model: 'm-phone' },
        { url: 'B-laptop' },
      ]);
      // The laptop pushed first, so its value stands; the phone's value is kept visibly.
      expect(onLaptop!.conflicts).toEqual([
        { path: 'nodes/b/data/url', value: 'B-phone', winner: 'B-laptop', at: expect.any(String) },
      ]);
      expect(await laptop.workflows()).toEqual(
        (await serverWorkflows(server, user.tenantId)).filter((w) => w.id === workflow.id),
      );
    } finally {
      await laptop.close();
      await phone.close();
    }
  });

  it('propagate deletes', async () => {
    const laptop = await openDevice(user.client, user.id);
    const phone = await openDevice(await signInAgain(server, user), user.id);
    try {
      const doomed = newWorkflow(user.tenantId, { name: 'Doomed' });
      await laptop.database.workflows!.insert(doomed);
      await laptop.engine.syncNow();
      await phone.engine.syncNow();
      expect((await phone.workflows()).map((w) => w.id)).toContain(doomed.id);

      await (await phone.database.workflows!.findOne(doomed.id).exec())!.remove();
      await phone.engine.syncNow();
      await eventually('the laptop drops the deleted workflow', async () => {
        await laptop.engine.syncNow();
        return !(await laptop.workflows()).some((w) => w.id === doomed.id);
      });
      const { rows } = await server.sql.query<{ _deleted: boolean }>(
        'select _deleted from public.workflows where id = $1',
        [doomed.id],
      );
      expect(rows).toEqual([{ _deleted: true }]);
    } finally {
      await laptop.close();
      await phone.close();
    }
  });
});
