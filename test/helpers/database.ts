/**
 * Fresh, fully migrated databases for tests: embedded PGlite, or a new database on the
 * PostgreSQL server (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
 * created with a random name and dropped on close.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPostgresDatabase } from './postgres-database.ts';
import { migrate } from '../../supabase/local/migrate.ts';
import {
  sqlClientFromPg,
  sqlClientFromPglite,
  type SqlClient,
} from '../../supabase/local/sql-client.ts';

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = ['pglite', 'postgres'];

export interface TestDatabase {
  backend: Backend;
  /** Superuser access: bypasses RLS. Use `as` to act as a user. */
  sql: SqlClient;
  /** Connection string of this database (postgres backend only). */
  url: string | null;
  /** Inserts into auth.users, as sign-up does; the trigger creates profile and tenant. */
  createUser(email: string): Promise<string>;
  /**
   * Runs `fn` in one transaction as PostgREST would for this user (`null` = anon):
   * `set local role` and `request.jwt.claims`. The transaction commits when `fn` resolves.
   */
  as<T>(userId: string | null, fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Like `as`, but always rolls back: for probing what a user could do. */
  probeAs<T>(userId: string | null, fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function claimsFor(userId: string | null, email?: string): Record<string, unknown> {
  if (userId === null) return { role: 'anon' };
  return { sub: userId, role: 'authenticated', aud: 'authenticated', email: email ?? null };
}

async function actAs<T>(
  sql: SqlClient,
  userId: string | null,
  fn: (sql: SqlClient) => Promise<T>,
  commit = true,
): Promise<T> {
  await sql.exec('begin');
  try {
    await sql.exec(`set local role ${userId === null ? 'anon' : 'authenticated'}`);
    await sql.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify(claimsFor(userId)),
    ]);
    const result = await fn(sql);
    await sql.exec(commit ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    await sql.exec('rollback');
    throw error;
  }
}

async function insertUser(sql: SqlClient, email: string): Promise<string> {
  const id = randomUUID();
  await sql.query('insert into auth.users (id, email) values ($1, $2)', [id, email]);
  return id;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const db = await PGlite.create();
    const sql = sqlClientFromPglite(db);
    await migrate(sql);
    // PGlite has one connection: serialise `as` transactions so parallel callers can't interleave.
    let queue: Promise<unknown> = Promise.resolve();
    return {
      backend,
      sql,
      url: null,
      createUser: (email) => insertUser(sql, email),
      as(userId, fn) {
        const run = queue.then(() => actAs(sql, userId, fn));
        queue = run.catch(() => undefined);
        return run;
      },
      probeAs(userId, fn) {
        const run = queue.then(() => actAs(sql, userId, fn, false));
        queue = run.catch(() => undefined);
        return run;
      },
      close: () => db.close(),
    };
  }

  const database = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  const sql = sqlClientFromPg(pool);
  await migrate(sql);
  return {
    backend,
    sql,
    url: database.url,
    createUser: (email) => insertUser(sql, email),
    async as(userId, fn) {
      const client = await pool.connect();
      try {
        return await actAs(sqlClientFromPg(client), userId, fn);
      } finally {
        client.release();
      }
    },
    async probeAs(userId, fn) {
      const client = await pool.connect();
      try {
        return await actAs(sqlClientFromPg(client), userId, fn, false);
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
