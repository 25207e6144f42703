/**
 * The one answer to "is dist/ older than the app's sources?", for the end-to-end tests
 * (test/support/built-app.ts) and `npm start` (supabase/local/start.ts), which both rebuild
 * the app when it is.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What goes into the build: a change to any of these makes dist/ stale. */
export const APP_SOURCES = [
  'index.html',
  'vite.config.ts',
  'src',
  'sync',
  'public',
  'package.json',
  'package-lock.json',
] as const;

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when `builtFile` (a file the build writes last, e.g. dist/sw.js) is missing or older. */
export async function isAppBuildStale(repoRoot: string, builtFile: string): Promise<boolean> {
  const built = await stat(builtFile).catch(() => null);
  if (!built) return true;
  const sources = await Promise.all(APP_SOURCES.map((s) => newestMtime(join(repoRoot, s))));
  return Math.max(...sources) > built.mtimeMs;
}
