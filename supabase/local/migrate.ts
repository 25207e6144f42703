/**
 * Applies the Supabase bootstrap (only what a plain Postgres lacks) and then every file of
 * supabase/migrations in name order, each once, recording it in
 * supabase_migrations.schema_migrations as the Supabase CLI does. Safe to run at every start.
 */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { SqlClient } from './sql-client.ts';

const supabaseDir = fileURLToPath(new URL('..', import.meta.url));
export const migrationsDir = join(supabaseDir, 'migrations');
const bootstrapFile = fileURLToPath(new URL('./bootstrap.sql', import.meta.url));

export interface MigrationFile {
  version: string;
  name: string;
  path: string;
}

export async function listMigrations(dir = migrationsDir): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return files.map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must be <version>_<name>.sql: ${file}`);
    return { version: match[1]!, name: match[2]!, path: join(dir, file) };
  });
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

export async function migrate(db: SqlClient, dir = migrationsDir): Promise<MigrateResult> {
  await db.exec(await readFile(bootstrapFile, 'utf8'));
  const done = new Set(
    (
      await db.query<{ version: string }>(
        'select version from supabase_migrations.schema_migrations',
      )
    ).rows.map((row) => row.version),
  );
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const migration of await listMigrations(dir)) {
    if (done.has(migration.version)) {
      result.skipped.push(migration.version);
      continue;
    }
    const sql = await readFile(migration.path, 'utf8');
    await db.exec('begin');
    try {
      await db.exec(sql);
      await db.query(
        'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
        [migration.version, migration.name, [sql]],
      );
      await db.exec('commit');
    } catch (error) {
      await db.exec('rollback');
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Migration ${migration.version}_${migration.name} failed: ${reason}`, {
        cause: error,
      });
    }
    result.applied.push(migration.version);
  }
  return result;
}
