/**
 * The local server's connection to Postgres: embedded PGlite (one connection, so every
 * transaction and statement is serialized through one queue) or a PostgreSQL server through a
 * pool. Request handlers only ever see `transaction()`, which runs a callback inside one
 * BEGIN…COMMIT on one connection and rolls back if the callback throws.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.ts';
import { sqlClientFromPg, sqlClientFromPglite } from './sql-client.ts';

export type LocalDatabaseConfig =
  { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string };

export interface TransactionOptions {
  readOnly?: boolean;
  /**
   * Transaction-local settings (set_config(name, value, true)) applied before `work` runs,
   * e.g. role and request.jwt.claims. On PostgreSQL they travel with BEGIN in one round trip.
   */
  settings?: Record<string, string>;
}

/** `select set_config(...)` for trusted names and any values, as literals. */
function settingsStatement(settings: Record<string, string>): string | null {
  const entries = Object.entries(settings);
  if (entries.length === 0) return null;
  const calls = entries.map(
    ([name, value]) => `set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`,
  );
  return `select ${calls.join(', ')}`;
}

export interface LocalDatabase {
  kind: LocalDatabaseConfig['kind'];
  /** Superuser access outside any request transaction; each call is atomic on its own. */
  sql: SqlClient;
  transaction<T>(work: (tx: SqlClient) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** One connection to itself, no implicit transaction (e.g. migrate(), which runs its own). */
  session<T>(work: (client: SqlClient) => Promise<T>): Promise<T>;
  /** Calls `onPayload` for every NOTIFY on `channel`; resolves once listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

export async function openLocalDatabase(config: LocalDatabaseConfig): Promise<LocalDatabase> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config.url);
}

/** The folder inside FLOWKEEP_DATA_DIR where PGlite keeps its cluster (as migrate-cli.ts does). */
export function pgliteDataPath(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** A FIFO queue: PGlite has one connection, so one unit of work at a time. */
class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

async function openPglite(dataDir: string | null): Promise<LocalDatabase> {
  let db: PGlite;
  if (dataDir === null) {
    db = await PGlite.create();
  } else {
    await mkdir(dataDir, { recursive: true });
    db = await PGlite.create(pgliteDataPath(dataDir));
  }
  const queue = new SerialQueue();
  const raw = sqlClientFromPglite(db);
  const sql: SqlClient = {
    query: (text, params) => queue.run(() => raw.query(text, params)),
    exec: (text) => queue.run(() => raw.exec(text)),
  };
  return {
    kind: 'pglite',
    sql,
    transaction: (work, options = {}) =>
      queue.run(() =>
        db.transaction(async (tx) => {
          if (options.readOnly) await tx.exec('set transaction read only');
          const settings = settingsStatement(options.settings ?? {});
          if (settings) await tx.exec(settings);
          const client: SqlClient = {
            async query<Row>(text: string, params: unknown[] = []) {
              const result = await tx.query<Row>(text, params);
              return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
            },
            async exec(text: string) {
              await tx.exec(text);
            },
          };
          return work(client);
        }),
      ),
    session: (work) => queue.run(() => work(raw)),
    async listen(channel, onPayload) {
      await queue.run(() => db.listen(channel, onPayload));
    },
    async close() {
      await queue.run(() => db.close());
    },
  };
}

async function openPostgres(url: string): Promise<LocalDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let closing = false;
  // An idle client that loses its connection must not crash the server. (pool.end() resolves
  // before the sockets are gone, so errors after close are the server hanging up: not news.)
  pool.on('error', (error) => {
    if (!closing) console.error(`PostgreSQL pool: ${error.message}`);
  });
  // Fail at start, with the URL's problem, rather than at the first request.
  (await pool.connect()).release();
  const listeners = new Set<pg.Client>();
  return {
    kind: 'postgres',
    sql: sqlClientFromPg(pool),
    async transaction(work, options = {}) {
      const client = await pool.connect();
      let broken = false;
      // While checked out, the pool's own error listener is detached: a connection that dies
      // between two queries (terminated backend, network) would otherwise emit an unhandled
      // 'error' and end the process.
      const onError = (error: Error) => {
        broken = true;
        if (!closing) console.error(`PostgreSQL connection: ${error.message}`);
      };
      client.on('error', onError);
      try {
        const settings = settingsStatement(options.settings ?? {});
        // One round trip: a simple-protocol script of BEGIN and the settings.
        await client.query(
          [options.readOnly ? 'begin read only' : 'begin', settings].filter(Boolean).join('; '),
        );
        const result = await work(sqlClientFromPg(client));
        await client.query('commit');
        return result;
      } catch (error) {
        try {
          await client.query('rollback');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async session(work) {
      const client = await pool.connect();
      let broken = false;
      const onError = (error: Error) => {
        broken = true;
        if (!closing) console.error(`PostgreSQL connection: ${error.message}`);
      };
      client.on('error', onError);
      try {
        return await work(sqlClientFromPg(client));
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async listen(channel, onPayload) {
      // One dedicated connection; if it drops (server restart, network), listen again.
      const connect = async (): Promise<void> => {
        const client = new pg.Client({ connectionString: url });
        client.on('error', (error) => {
          if (!closing) console.error(`PostgreSQL listener: ${error.message}`);
        });
        client.on('end', () => {
          listeners.delete(client);
          if (!closing) setTimeout(() => void connect().catch(retryLater), 1000);
        });
        const retryLater = (error: unknown) => {
          console.error(`PostgreSQL listener: ${error instanceof Error ? error.message : error}`);
          if (!closing) setTimeout(() => void connect().catch(retryLater), 1000);
        };
        listeners.add(client);
        await client.connect();
        client.on('notification', (message) => {
          if (message.channel === channel) onPayload(message.payload ?? '');
        });
        await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      };
      await connect();
    },
    async close() {
      closing = true;
      await Promise.all([...listeners].map((client) => client.end()));
      await pool.end();
    },
  };
}
