/**
 * The change channel through the real local server: it hears changes the user can see, and
 * keeps hearing them after the server closed it because the access token expired.
 */
import { randomUUID } from 'node:crypto';
import { firstValueFrom, filter, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLiveChannel } from '../../sync/live-channel.ts';
import { eventually, startTestServer, type TestServer } from './harness.ts';

const TOKEN_TTL_SECONDS = 2;

async function insertWorkflow(server: TestServer, tenantId: string): Promise<void> {
  // As the service would: the stamping trigger reads the (empty) claims of this session.
  await server.sql.query('insert into public.workflows (id, tenant_id, name) values ($1, $2, $3)', [
    randomUUID(),
    tenantId,
    'changed on the server',
  ]);
}

function nextChange(changes$: Observable<string>, table: string): Promise<string> {
  return firstValueFrom(changes$.pipe(filter((changed) => changed === table)));
}

describe('live change channel (local server on PGlite)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('pglite', { accessTokenTtlSeconds: TOKEN_TTL_SECONDS });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('joins again with a fresh token after the server closed it for an expired one', async () => {
    const user = await server.signUp();
    const channel = openLiveChannel(user.client, ['workflows'], { rejoinDelayMs: 100 });
    const states: boolean[] = [];
    const watching = channel.connected$.subscribe((connected) => states.push(connected));
    try {
      await eventually('the channel is subscribed', async () => states.at(-1) === true);
      const first = nextChange(channel.changes$, 'workflows');
      await insertWorkflow(server, user.tenantId);
      expect(await first).toBe('workflows');

      // The token expires; the next change makes the server close the channel.
      const subscribedAt = states.length;
      await new Promise((resolve) => setTimeout(resolve, (TOKEN_TTL_SECONDS + 1) * 1000));
      await insertWorkflow(server, user.tenantId);
      await eventually('the server closes the channel', async () =>
        states.slice(subscribedAt).includes(false),
      );
      await eventually('the channel is subscribed again', async () => states.at(-1) === true);

      const afterRejoin = nextChange(channel.changes$, 'workflows');
      await insertWorkflow(server, user.tenantId);
      expect(await afterRejoin).toBe('workflows');
      expect(states.filter((connected) => connected).length).toBeGreaterThanOrEqual(2);
    } finally {
      watching.unsubscribe();
      await channel.close();
    }
  }, 60_000);
});
