/**
 * Builds the app into dist/ once when it is missing or older than its sources, so end-to-end
 * tests always run the code in the checkout. Several test workers may ask at once: a lock
 * directory makes one of them build while the others wait.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isAppBuildStale } from '../../scripts/app-build.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = join(repoRoot, 'dist');
const lockDir = join(repoRoot, 'node_modules', '.flowkeep-build.lock');

export function isDistStale(): Promise<boolean> {
  return isAppBuildStale(repoRoot, join(distDir, 'sw.js'));
}

async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      const lock = await stat(lockDir).catch(() => null);
      // A lock older than five minutes belongs to a build that died.
      if (lock && Date.now() - lock.mtimeMs > 5 * 60_000) {
        await rm(lockDir, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function buildIfStale(): Promise<void> {
  if (!(await isDistStale())) return;
  await promisify(execFile)(
    process.execPath,
    [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build'],
    {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
      // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...withoutVitestEnv(process.env), NODE_ENV: 'production' },
    },
  );
}

export async function ensureAppBuilt(): Promise<void> {
  if (!(await isDistStale())) return;
  await withBuildLock(buildIfStale);
}

/**
 * A private copy of the current build for one server: a rebuild started by another test file
 * (sources changed meanwhile) empties dist/, which must not pull files from under a running
 * browser. Remove the folder when the server stops.
 */
export async function snapshotOfBuiltApp(): Promise<string> {
  return withBuildLock(async () => {
    await buildIfStale();
    const snapshot = await mkdtemp(join(tmpdir(), 'flowkeep-dist-'));
    await cp(distDir, snapshot, { recursive: true });
    return snapshot;
  });
}

function withoutVitestEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !key.startsWith('VITEST') && key !== 'TEST'),
  );
}
