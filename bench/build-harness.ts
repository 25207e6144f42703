/** A production build of a bench page (bench/<name>-harness/) into a temporary folder. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export async function buildHarness(root: string, name: string): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), `flowkeep-${name}-bench-`));
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false },
  });
  return outDir;
}
