/**
 * `npm run bench [-- id ...]`: runs every benchmark in bench/*.bench.ts (or the ones named),
 * one after the other, prints their figures with ratios to the baselines measured in the
 * same run, and writes them to bench/results/latest.json. Nothing here passes or fails on time.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Bench, BenchFigure } from './figures.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

async function loadBenches(): Promise<Bench[]> {
  const files = (await readdir(benchDir)).filter((file) => file.endsWith('.bench.ts')).sort();
  const benches: Bench[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(benchDir, file)).href)) as { bench: Bench };
    benches.push(module.bench);
  }
  return benches;
}

function format(figure: BenchFigure): string {
  const value = `${round(figure.value)} ${figure.unit}`;
  const parts = [`  ${figure.name}: ${value}`];
  if (figure.baseline) {
    parts.push(
      `(baseline ${figure.baseline.name}: ${round(figure.baseline.value)} ${figure.unit}; ratio ${round(
        figure.value / figure.baseline.value,
      )})`,
    );
  }
  if (figure.goal) parts.push(`[goal: ${figure.goal}]`);
  if (figure.note) parts.push(`— ${figure.note}`);
  return parts.join(' ');
}

function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const benches = (await loadBenches()).filter((b) => wanted.length === 0 || wanted.includes(b.id));
  const results: Record<string, BenchFigure[]> = {};
  const failed: string[] = [];
  for (const bench of benches) {
    console.log(`\n${bench.title} [${bench.id}]`);
    const started = performance.now();
    try {
      const figures = await bench.run();
      results[bench.id] = figures;
      for (const figure of figures) console.log(format(figure));
    } catch (error) {
      // One broken benchmark must not hide the figures of the others.
      failed.push(bench.id);
      console.error(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    }
    console.log(`  (took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const outDir = join(benchDir, 'results');
  await mkdir(outDir, { recursive: true });
  const machine = { node: process.version, cpus: (await import('node:os')).cpus().length };
  await writeFile(
    join(outDir, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), machine, results, failed }, null, 2),
  );
  if (failed.length > 0) {
    console.error(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
