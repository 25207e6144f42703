/**
 * sync_pull on a 100,000-row table on the PostgreSQL server: its latency from the start,
 * from the middle and at the end of the table, against a plain indexed SELECT of the same
 * page, and the plan Postgres actually ran inside the function (via auto_explain), which
 * shows the (tenant_id, _txid, id) index doing the work.
 */
import pg from 'pg';
import { createTestDatabase, claimsFor } from '../test/helpers/database.ts';
import { personalTenantOf } from '../test/helpers/tenant-fixture.ts';
import { median, type Bench, type BenchFigure } from './figures.ts';

const ROWS = 100_000;
const PAGE = 100;
const REPEATS = 30;

async function time(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

export const bench: Bench = {
  id: 'pull-plan',
  title: `sync_pull on ${ROWS.toLocaleString('en')} rows (PostgreSQL): latency and plan`,
  async run(): Promise<BenchFigure[]> {
    const db = await createTestDatabase('postgres');
    const client = new pg.Client({ connectionString: db.url! });
    try {
      const user = await db.createUser('bench@plan.test');
      const tenant = await personalTenantOf(db, user);
      // A second, busier tenant shares the table, as on a real project.
      const other = await personalTenantOf(db, await db.createUser('noise@plan.test'));
      await db.sql.query(
        `insert into workflows (id, tenant_id, name, nodes)
         select gen_random_uuid(), case when i % 4 = 0 then $1::uuid else $2::uuid end,
                'workflow ' || i, '[{"id":"n1","type":"trigger"}]'::jsonb
         from generate_series(1, $3) i`,
        [tenant, other, ROWS],
      );
      await db.sql.exec('analyze workflows');
      await client.connect();
      await client.query('set role authenticated');
      await client.query(`select set_config('request.jwt.claims', $1, false)`, [
        JSON.stringify(claimsFor(user)),
      ]);
      const mine = await db.sql.query<{ txid: string; id: string }>(
        `select _txid::text as txid, id from workflows where tenant_id = $1 order by _txid, id`,
        [tenant],
      );
      const middle = mine.rows[Math.floor(mine.rows.length / 2)]!;
      const last = mine.rows[mine.rows.length - 1]!;
      const pull = (checkpoint: unknown) =>
        client.query(`select sync_pull('workflows', $1, $2)`, [
          checkpoint === null ? null : JSON.stringify(checkpoint),
          PAGE,
        ]);
      const raw = () =>
        client.query(
          `select * from workflows where tenant_id = $1 and (_txid, id) > ($2::xid8, $3::uuid)
           order by _txid, id limit $4`,
          [tenant, middle.txid, middle.id, PAGE],
        );

      const fromStart = await time(REPEATS, () => pull(null));
      const fromMiddle = await time(REPEATS, () => pull(middle));
      const atEnd = await time(REPEATS, () => pull(last));
      const rawMiddle = await time(REPEATS, raw);

      // The plan of the statement inside the function, as Postgres ran it.
      const plans: string[] = [];
      client.on('notice', (notice) => {
        if (notice.message?.includes('Query Text')) plans.push(notice.message);
      });
      await client.query('reset role');
      await client.query(`load 'auto_explain'`);
      await client.query(
        `set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;
         set auto_explain.log_nested_statements = on; set client_min_messages = log`,
      );
      await client.query('set role authenticated');
      await pull(middle);
      await client.query('set client_min_messages = notice');
      const plan = plans.find((p) => p.includes('cross join lateral')) ?? '(no plan captured)';
      const usesIndex = /Index (Only )?Scan using workflows_tenant_txid_idx/.test(plan);
      console.log(`\n  Plan of sync_pull's page query (${ROWS.toLocaleString('en')} rows):\n`);
      console.log(
        plan
          .split('\n')
          .filter((line) => !line.startsWith('Query Text') && line.trim() !== '')
          .map((line) => `    ${line}`)
          .join('\n'),
      );

      const baseline = { name: 'plain indexed SELECT of the same page', value: rawMiddle };
      return [
        { name: `sync_pull from the start, ${PAGE} rows`, value: fromStart, unit: 'ms', baseline },
        {
          name: `sync_pull from the middle, ${PAGE} rows`,
          value: fromMiddle,
          unit: 'ms',
          baseline,
        },
        { name: 'sync_pull at the end (empty page)', value: atEnd, unit: 'ms', baseline },
        {
          name: 'plan uses workflows_tenant_txid_idx',
          value: usesIndex ? 1 : 0,
          unit: usesIndex ? '(yes)' : '(NO)',
        },
      ];
    } finally {
      await client.end().catch(() => undefined);
      await db.close();
    }
  },
};
