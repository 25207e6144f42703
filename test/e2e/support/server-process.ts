/**
 * The local server as its own process (`supabase/local/start.ts`, what `npm start` runs), on
 * the PostgreSQL server, so a test can stop it (gracefully or with SIGKILL) and start it
 * again on the same port while its browsers keep running, and read the database throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresDatabase, type PostgresDatabase } from '../../helpers/postgres-database.ts';
import { repoRoot, snapshotOfBuiltApp } from '../../support/built-app.ts';

export interface ServerProcess {
  url: string;
  /** Superuser access to the server's database; works while the server is stopped. */
  sql: pg.Pool;
  /** Stops the process: SIGTERM lets it finish requests in flight, SIGKILL does not. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startServerProcess(): Promise<ServerProcess> {
  const staticDir = await snapshotOfBuiltApp();
  const database: PostgresDatabase = await createPostgresDatabase('flowkeep_e2e');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: database.url,
    // Sessions must outlive a restart, as they do with a configured production secret.
    JWT_SECRET: randomBytes(32).toString('hex'),
    FLOWKEEP_STATIC_DIR: staticDir,
  };
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'supabase/local/start.ts')],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Flowkeep is running at')) resolve();
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', (code) =>
        reject(new Error(`The server exited (code ${code}) before it was ready:\n${output}`)),
      );
    });
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };

  await start();
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    url,
    sql,
    stop,
    start,
    async dispose() {
      await stop('SIGKILL');
      await sql.end();
      await database.drop();
      await rm(staticDir, { recursive: true, force: true });
    },
  };
}
