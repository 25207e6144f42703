/**
 * The promise sync_pull exists for: under concurrent writers whose transactions commit out
 * of order, a reader that follows checkpoints never misses a row. Needs the PostgreSQL
 * server (PGlite has one connection, so nothing there is concurrent).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, claimsFor, type TestDatabase } from '../helpers/database.ts';
import { addMember, personalTenantOf } from '../helpers/tenant-fixture.ts';

const WRITERS = 8;
const READERS = 3;
const TRANSACTIONS_PER_WRITER = 40;

interface Pulled {
  id: string;
  _txid: string;
  name: string;
}

async function connectAs(url: string, userId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Session-level role and claims: every statement on this connection is this user's.
  await client.query('set role authenticated');
  await client.query(`select set_config('request.jwt.claims', $1, false)`, [
    JSON.stringify(claimsFor(userId)),
  ]);
  return client;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync_pull under concurrent writers (PostgreSQL server)', () => {
  let db: TestDatabase;
  let writerId: string;
  let readerId: string;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    writerId = await db.createUser('writer@concurrency.test');
    readerId = await db.createUser('reader@concurrency.test');
    tenantId = await personalTenantOf(db, writerId);
    await addMember(db, tenantId, writerId, readerId, 'reader@concurrency.test', 'viewer');
  });
  afterAll(async () => {
    await db?.close();
  });

  it(`${WRITERS} writers committing out of order, ${READERS} readers pulling: nothing missed`, async () => {
    const url = db.url!;
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, () => connectAs(url, writerId)),
    );
    const readers = await Promise.all(
      Array.from({ length: READERS }, () => connectAs(url, readerId)),
    );
    try {
      const known: string[] = [];
      let writing = true;
      let commits = 0;
      let deadlocks = 0;
      const started = performance.now();

      const write = async (client: pg.Client, writer: number) => {
        for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
          await client.query('begin');
          const created: string[] = [];
          try {
            // Hold each transaction open for a random while: transactions that started later
            // commit earlier, which is what breaks a sync that pulls by timestamp.
            const rows = 1 + Math.floor(Math.random() * 3);
            for (let r = 0; r < rows; r++) {
              const name = `w${writer} t${t} r${r}`;
              if (known.length > 0 && Math.random() < 0.4) {
                const id = known[Math.floor(Math.random() * known.length)]!;
                await client.query(`update workflows set name = $2 where id = $1`, [id, name]);
              } else {
                const id = randomUUID();
                await client.query(
                  `insert into workflows (id, tenant_id, name) values ($1, $2, $3)`,
                  [id, tenantId, name],
                );
                created.push(id);
              }
              await pause(Math.random() * 15);
            }
            await pause(Math.random() * 25);
            await client.query('commit');
            known.push(...created);
            commits++;
          } catch (error) {
            await client.query('rollback');
            // Writers updating the same rows in different orders may deadlock; Postgres
            // aborts one of them, as it would for any client, and the test goes on.
            if ((error as { code?: string }).code !== '40P01') throw error;
            deadlocks++;
          }
        }
      };

      const pulls = Array<number>(READERS).fill(0);
      const read = async (client: pg.Client, reader: number) => {
        const view = new Map<string, Pulled>();
        let checkpoint: unknown = null;
        for (;;) {
          const finished = !writing;
          const result = await client.query<{ page: { documents: Pulled[]; checkpoint: unknown } }>(
            `select sync_pull('workflows', $1, 50) as page`,
            [checkpoint === null ? null : JSON.stringify(checkpoint)],
          );
          pulls[reader]!++;
          const page = result.rows[0]!.page;
          for (const doc of page.documents) view.set(doc.id, doc);
          checkpoint = page.checkpoint;
          // Done only after a pull that started once every writer had committed came back empty.
          if (finished && page.documents.length === 0) return view;
          if (page.documents.length === 0) await pause(5 + Math.random() * 10);
        }
      };

      const reading = readers.map((client, i) => read(client, i));
      await Promise.all(writers.map((client, i) => write(client, i)));
      writing = false;
      const views = await Promise.all(reading);
      const seconds = (performance.now() - started) / 1000;

      const table = await db.sql.query<{ id: string; txid: string; name: string }>(
        `select id, _txid::text as txid, name from workflows where tenant_id = $1`,
        [tenantId],
      );
      const expected = new Map(
        table.rows.map((row) => [row.id, { txid: row.txid, name: row.name }]),
      );
      for (const view of views) {
        const got = new Map(
          [...view.values()].map((doc) => [doc.id, { txid: doc._txid, name: doc.name }]),
        );
        expect(got).toEqual(expected);
      }
      console.log(
        `[concurrency] ${WRITERS} writers, ${commits} transactions, ${table.rows.length} rows, ` +
          `(${deadlocks} aborted by deadlock), ${READERS} readers with ${pulls.join('/')} pulls, ${seconds.toFixed(1)} s: every reader equals the table`,
      );
    } finally {
      await Promise.all([...writers, ...readers].map((client) => client.end()));
    }
  }, 180_000);
});
