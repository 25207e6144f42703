/**
 * The real local server (supabase/local/server.ts) serving dist/ and the Supabase-compatible
 * API on one random port, with its own PGlite database (in memory, or a temp folder when the
 * test restarts the server and needs its data back).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer } from '../../supabase/local/server.ts';
import { snapshotOfBuiltApp } from './built-app.ts';

export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface AppServer {
  url: string;
  /** The folder of built files this server serves. */
  staticDir: string;
  port: number;
  sql: SqlRunner;
  /** Stops the server; the data stays when it lives in a folder (`persistent: true`). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder (same origin for the browser). */
  restart(): Promise<void>;
  /** Stops it and removes its data folder (and its copy of the build). */
  dispose(): Promise<void>;
}

export async function startAppServer(
  options: {
    persistent?: boolean;
    /** Default: a private copy of dist/ (built first if its sources changed). */
    staticDir?: string;
  } = {},
): Promise<AppServer> {
  const snapshot = options.staticDir ? null : await snapshotOfBuiltApp();
  const staticDir = options.staticDir ?? snapshot!;
  const dataDir = options.persistent ? await mkdtemp(join(tmpdir(), 'flowkeep-e2e-')) : null;
  let running: Awaited<ReturnType<typeof startLocalServer>> | null = await startLocalServer({
    database: { kind: 'pglite', dataDir },
    port: 0,
    staticDir,
  });
  const url = running.url.replace(/\/$/, '');
  const port = Number(new URL(url).port);
  const server: AppServer = {
    url,
    staticDir,
    port,
    sql: {
      query: async (text, params) => {
        if (!running) throw new Error('The server is stopped: restart() it before querying.');
        return running.sql.query(text, params);
      },
    } as SqlRunner,
    async stop() {
      const current = running;
      running = null;
      await current?.stop();
    },
    async restart() {
      if (running) return;
      if (!dataDir)
        throw new Error(
          'restart() needs startAppServer({ persistent: true }): memory data is gone.',
        );
      running = await startLocalServer({
        database: { kind: 'pglite', dataDir },
        port,
        staticDir,
      });
    },
    async dispose() {
      await server.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      if (snapshot) await rm(snapshot, { recursive: true, force: true });
    },
  };
  return server;
}
