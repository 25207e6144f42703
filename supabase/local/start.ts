/**
 * `npm start`: the whole product on one machine. Builds the PWA when dist/ is missing or older
 * than its sources, then serves it with the local Supabase-compatible server on PORT (default
 * 54321), with embedded PGlite in FLOWKEEP_DATA_DIR (default .flowkeep/) or the PostgreSQL
 * server at DATABASE_URL (FLOWKEEP_STATIC_DIR serves another built copy of the app instead of
 * dist/). Ctrl+C (SIGINT) or SIGTERM stops it gracefully: requests in flight
 * finish and PGlite is flushed to disk.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalDatabaseConfig } from './server.ts';
import { startLocalServer } from './server.ts';
import { isAppBuildStale } from '../../scripts/app-build.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const distDir = join(root, 'dist');

async function buildAppIfNeeded(): Promise<string | null> {
  if (!existsSync(join(root, 'index.html'))) {
    console.log('No index.html yet: starting the API without the app.');
    return null;
  }
  const built = join(distDir, 'index.html');
  if (!(await isAppBuildStale(root, built))) return distDir;
  console.log(
    existsSync(built) ? 'The app changed since the last build: rebuilding…' : 'Building the app…',
  );
  const vite = join(root, 'node_modules', '.bin', 'vite');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(vite, ['build'], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `vite build failed (exit code ${code}): fix the errors above and run npm start again.`,
    );
  }
  return distDir;
}

function databaseFromEnvironment(): { config: LocalDatabaseConfig; description: string } {
  const url = process.env.DATABASE_URL;
  if (url) {
    return {
      config: { kind: 'postgres', url },
      description: `PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')}`,
    };
  }
  const dataDir = process.env.FLOWKEEP_DATA_DIR ?? '.flowkeep';
  return {
    config: { kind: 'pglite', dataDir },
    description: `PGlite in ${isAbsolute(dataDir) ? join(dataDir, 'pgdata') : relative(process.cwd(), join(dataDir, 'pgdata'))}`,
  };
}

async function main(): Promise<void> {
  // FLOWKEEP_STATIC_DIR serves an already built copy of the app as it is (tests do).
  const staticDir = process.env.FLOWKEEP_STATIC_DIR ?? (await buildAppIfNeeded());
  const { config, description } = databaseFromEnvironment();
  const port = Number(process.env.PORT ?? 54321);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not "${process.env.PORT}".`);
  }
  const server = await startLocalServer({
    database: config,
    port,
    host: process.env.HOST ?? '127.0.0.1',
    staticDir,
    publicUrl: process.env.PUBLIC_URL ?? null,
    log: process.env.FLOWKEEP_LOG === '1',
  });
  console.log(`\nFlowkeep is running at ${server.url}  (database: ${description})`);
  if (!staticDir) console.log('(API only: no app was built.)');
  console.log('Press Ctrl+C to stop.\n');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: finishing requests in flight and closing the database…`);
    server.stop().then(
      () => {
        console.log('Stopped. Nothing was lost.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE/.test(message)) {
    console.error(
      `Port ${process.env.PORT ?? 54321} is in use: stop the other server or set PORT.`,
    );
  } else {
    console.error(message);
  }
  process.exit(1);
});
