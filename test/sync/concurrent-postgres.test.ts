import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDoc, WorkflowNode } from '../../src/model/workflow.ts';
import { canonicalJson } from '../../src/model/json.ts';
import {
  type Device,
  newWorkflow,
  openDevice,
  serverRows,
  signInAgain,
  startTestServer,
  type TestServer,
  type TestUser,
} from './harness.ts';

const DEVICES = 4;
const EDIT_FOR_MS = 8_000;

/** A small deterministic PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('four devices editing concurrently (local server on PostgreSQL)', () => {
  let server: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    server = await startTestServer('postgres');
    user = await server.signUp();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(
    'converge, and each device equals the server table row for row',
    { timeout: 180_000 },
    async () => {
      const devices: Device[] = [];
      for (let i = 0; i < DEVICES; i++) {
        const client = i === 0 ? user.client : await signInAgain(server, user);
        devices.push(await openDevice(client, user.id, { sync: { fallbackPollIntervalMs: 1000 } }));
      }
      try {
        const seeded = Array.from({ length: 12 }, (_, i) =>
          newWorkflow(user.tenantId, {
            name: `wf ${i}`,
            nodes: [0, 1, 2].map((n): WorkflowNode => ({
              id: `n${n}`,
              type: 'llm',
              position: { x: n * 100, y: 0 },
              data: { prompt: `p${n}`, temperature: 0 },
            })),
            edges: [{ id: 'e01', source: 'n0', target: 'n1' }],
          }),
        );
        await devices[0]!.database.workflows!.bulkInsert(seeded);
        for (const device of devices) await device.engine.syncNow();

        const seed = Date.now() % 100_000;
        let edits = 0;
        const stopAt = Date.now() + EDIT_FOR_MS;
        await Promise.all(
          devices.map(async (device, index) => {
            const random = prng(seed + index);
            const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
            while (Date.now() < stopAt) {
              const roll = random();
              if (roll < 0.05) {
                device.online$.next(!device.online$.getValue()); // flaky connection
              } else if (roll < 0.12) {
                await device.database.workflows!.insert(
                  newWorkflow(user.tenantId, { name: `new by ${index}` }),
                );
              } else {
                const docs = await device.database.workflows!.find().exec();
                if (docs.length > 0) {
                  const doc = pick(docs);
                  if (roll < 0.14 && docs.length > 8) {
                    await doc.incrementalRemove();
                  } else {
                    await doc.incrementalModify((data: WorkflowDoc) => {
                      const nodes = structuredClone(data.nodes);
                      const what = random();
                      if (what < 0.5 && nodes.length > 0) {
                        pick(nodes).data[pick(['prompt', 'temperature', `by${index}`])] =
                          `${index}:${edits}`;
                      } else if (what < 0.7) {
                        nodes.push({
                          id: `d${index}-${edits}`,
                          type: 'tool',
                          position: { x: 0, y: 0 },
                          data: {},
                        });
                      } else if (what < 0.8 && nodes.length > 1) {
                        nodes.splice(Math.floor(random() * nodes.length), 1);
                      } else {
                        return { ...data, nodes, name: `renamed by ${index} #${edits}` };
                      }
                      return { ...data, nodes };
                    });
                  }
                }
              }
              edits++;
              await new Promise((resolve) => setTimeout(resolve, 5 + random() * 30));
            }
          }),
        );
        for (const device of devices) device.online$.next(true);

        // Sync rounds until every device equals the server (bounded); the assertions below
        // then show any difference that remains.
        let rows: Record<string, unknown>[] = [];
        const deadline = Date.now() + 90_000;
        for (;;) {
          for (const device of devices) await device.engine.syncNow();
          rows = (await serverRows(server, 'workflows'))
            .filter((row) => row['_deleted'] !== true)
            .map(({ _deleted, ...row }) => row);
          const locals = await Promise.all(devices.map((device) => device.workflows()));
          if (locals.every((local) => canonicalJson(local) === canonicalJson(rows))) break;
          if (Date.now() > deadline) break;
        }
        expect(edits).toBeGreaterThan(100);
        for (const device of devices) expect(await device.workflows()).toEqual(rows);
        // Deleted rows are tombstones on the server and absent on every device.
        const tombstones = (await serverRows(server, 'workflows')).filter((r) => r['_deleted']);
        for (const device of devices) {
          const ids = new Set((await device.workflows()).map((w) => w.id));
          for (const tombstone of tombstones) expect(ids.has(String(tombstone['id']))).toBe(false);
        }
        // Same-field edits that lost are kept, not dropped.
        console.log(
          `concurrent sync: ${edits} edits by ${DEVICES} devices in ${EDIT_FOR_MS} ms (seed ${seed}); ` +
            `${rows.length} workflows, ${tombstones.length} deleted, ` +
            `${rows.reduce((n, r) => n + (r['conflicts'] as unknown[]).length, 0)} conflict entries`,
        );
      } finally {
        for (const device of devices) await device.close();
      }
    },
  );
});
