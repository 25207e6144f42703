import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../sync/index.ts';
import {
  newWorkflow,
  openDevice,
  serverRows,
  signInAgain,
  startTestServer,
  type TestServer,
} from './harness.ts';

describe('a device offline during 1,000 remote changes (local server on PGlite)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(
    'catches up, reporting progress, and still pushes its own offline edit',
    { timeout: 120_000 },
    async () => {
      const user = await server.signUp();
      const busy = await openDevice(user.client, user.id);
      const away = await openDevice(await signInAgain(server, user), user.id, {
        sync: { pullBatchSize: 200 },
      });
      try {
        const seeded = Array.from({ length: 300 }, (_, i) =>
          newWorkflow(user.tenantId, { name: `seed ${i}` }),
        );
        await busy.database.workflows!.bulkInsert(seeded);
        await busy.engine.syncNow();
        await away.engine.syncNow();
        expect(await away.database.workflows!.count().exec()).toBe(300);

        away.online$.next(false);
        const kept = seeded[299]!;
        await (await away.database.workflows!.findOne(kept.id).exec())!.incrementalPatch({
          description: 'edited while away',
        });

        // 1,000 changes elsewhere: 500 inserts, 400 updates, 100 deletes, in several pushes.
        for (let round = 0; round < 5; round++) {
          await busy.database.workflows!.bulkInsert(
            Array.from({ length: 100 }, (_, i) =>
              newWorkflow(user.tenantId, { name: `new ${round}-${i}` }),
            ),
          );
          await busy.engine.syncNow();
        }
        // 400 updates: seeds 100..299 renamed, then tagged (the away device edited seed 299).
        for (const rename of [true, false]) {
          const ids = seeded.slice(100, 300).map((w) => w.id);
          const docs = [...(await busy.database.workflows!.findByIds(ids).exec()).values()];
          await busy.database.workflows!.bulkUpsert(
            docs.map((doc) => {
              const data = doc.toMutableJSON();
              return rename
                ? { ...data, name: `${data.name} (renamed)` }
                : { ...data, tags: ['touched'] };
            }),
          );
          await busy.engine.syncNow();
        }
        await busy.database.workflows!.bulkRemove(seeded.slice(0, 100).map((w) => w.id));
        await busy.engine.syncNow();

        const statuses: SyncStatus[] = [];
        const subscription = away.engine.status$.subscribe((status) => statuses.push(status));
        away.online$.next(true);
        await away.engine.syncNow();
        await busy.engine.syncNow();
        await away.engine.syncNow();
        subscription.unsubscribe();

        const server_ = (await serverRows(server, 'workflows')).filter(
          (row) => row['tenant_id'] === user.tenantId && row['_deleted'] !== true,
        );
        expect(server_).toHaveLength(300 + 500 - 100);
        const local = await away.workflows();
        expect(local).toEqual(server_.map(({ _deleted, ...row }) => row));
        expect(local.find((w) => w.id === kept.id)).toMatchObject({
          name: 'seed 299 (renamed)',
          description: 'edited while away',
          tags: ['touched'],
        });
        expect(await busy.workflows()).toEqual(local);

        // 800 rows changed (500 new, 200 updated twice, 100 deleted), pulled in batches of 200,
        // with "done of known" progress: known comes from sync_pending_count after a full batch.
        const pulling = statuses.flatMap((s) => (s.state === 'pulling' ? [s] : []));
        expect(pulling.some((s) => s.done > 0 && s.done < s.known)).toBe(true);
        expect(pulling.some((s) => s.done >= 800 && s.known === s.done)).toBe(true);
        expect(statuses[statuses.length - 1]).toMatchObject({ state: 'idle' });
      } finally {
        await busy.close();
        await away.close();
      }
    },
  );
});
