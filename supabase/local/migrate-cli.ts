/**
 * `npm run db:migrate`: applies bootstrap and migrations to DATABASE_URL (a PostgreSQL
 * server), or to the local server's embedded PGlite in FLOWKEEP_DATA_DIR when DATABASE_URL
 * is not set.
 */
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate.ts';
import { sqlClientFromPg, sqlClientFromPglite } from './sql-client.ts';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      report(await migrate(sqlClientFromPg(client)), url.replace(/\/\/[^@]*@/, '//'));
    } finally {
      await client.end();
    }
    return;
  }
  const dataDir = process.env.FLOWKEEP_DATA_DIR ?? '.flowkeep';
  await mkdir(`${dataDir}/pgdata`, { recursive: true });
  const db = await PGlite.create(`${dataDir}/pgdata`);
  try {
    report(await migrate(sqlClientFromPglite(db)), `PGlite in ${dataDir}/pgdata`);
  } finally {
    await db.close();
  }
}

function report(result: { applied: string[]; skipped: string[] }, target: string): void {
  console.log(
    `Migrated ${target}: ${result.applied.length} applied` +
      (result.applied.length ? ` (${result.applied.join(', ')})` : '') +
      `, ${result.skipped.length} already applied.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
