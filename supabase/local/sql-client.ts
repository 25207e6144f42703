/**
 * The one interface through which Flowkeep's Node code (the local server, the migration
 * runner, tests, benchmarks) talks to Postgres, whether that is embedded PGlite or a
 * PostgreSQL server reached with node-postgres.
 */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export interface SqlResult<Row> {
  rows: Row[];
  affectedRows: number;
}

export interface SqlClient {
  /** One statement with `$1`-style parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /** A script of several statements, no parameters. */
  exec(sql: string): Promise<void>;
}

export function sqlClientFromPglite(db: PGlite): SqlClient {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await db.query<Row>(sql, params);
      return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/** Works for a `pg.Client`, a `pg.PoolClient` or a `pg.Pool`. */
export function sqlClientFromPg(db: pg.Client | pg.PoolClient | pg.Pool): SqlClient {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await db.query(sql, params);
      return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await db.query(sql);
    },
  };
}
