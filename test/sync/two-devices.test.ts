import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  newWorkflow,
  openDevice,
  signInAgain,
  startTestServer,
  type TestServer,
  type TestUser,
} from './harness.ts';

describe('two devices of one user (local server on PGlite)', () => {
  let server: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startTestServer('pglite');
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
    } finally {
      await laptop.close();
      await phone.close();
    }
  });
});
