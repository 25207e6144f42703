import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWorkflow, openDevice, startTestServer, type TestServer } from './harness.ts';

describe('session expiry while offline (local server on PGlite)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('pglite', { accessTokenTtlSeconds: 2 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps local work going and syncs it once the token is refreshed', async () => {
    const user = await server.signUp();
    const device = await openDevice(user.client, user.id);
    try {
      await device.engine.syncNow();
      const tokenBefore = (await user.client.auth.getSession()).data.session?.access_token;
      device.online$.next(false);
      await expect(device.engine.syncNow()).rejects.toThrow(/Offline/);

      const offlineWork = newWorkflow(user.tenantId, { name: 'Written while the token expired' });
      await device.database.workflows!.insert(offlineWork);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // the access token expires
      expect(await device.database.workflows!.count().exec()).toBe(1);

      device.online$.next(true);
      await device.engine.syncNow();
      const { rows } = await server.sql.query<{ name: string }>(
        'select name from public.workflows where id = $1',
        [offlineWork.id],
      );
      expect(rows).toEqual([{ name: 'Written while the token expired' }]);
      const tokenAfter = (await user.client.auth.getSession()).data.session?.access_token;
      expect(tokenAfter).toBeDefined();
      expect(tokenAfter).not.toBe(tokenBefore);
    } finally {
      await device.close();
    }
  });
});
