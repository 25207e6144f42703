/**
 * Knowledge bases: ingest throughput (MB of text a second through normalization, chunking and
 * BM25 indexing) and query latency (p50/p95 of 300 one- to three-word queries, top 10) at about
 * 10,000 and 100,000 chunks of 500 characters, in Node and in Chromium. Baselines in the same
 * run, on the same chunks and index: MiniSearch's own addAll, and its own search with default
 * options (what our ranking, highlighting and options cost on top of the library).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildHarness, serveHarness } from './build-harness.ts';
import type { Bench, BenchFigure } from './figures.ts';
import { measure, type KbMeasurements } from './kb-workload.ts';
import { launchBrowser } from '../test/support/browser.ts';

const HARNESS = fileURLToPath(new URL('./kb-harness/', import.meta.url));
const SIZES = [10_000, 100_000];

function figures(engine: string, m: KbMeasurements): BenchFigure[] {
  const at = `${engine}, ${m.chunks.toLocaleString('en')} chunks`;
  const large = m.chunks > 50_000;
  return [
    {
      name: `${at}: ingest (normalize + chunk + index) of ${m.megabytes.toFixed(1)} MB`,
      value: m.ingestMBps,
      unit: 'MB/s',
      baseline: { name: 'MiniSearch addAll of the same chunks', value: m.bareIndexMBps },
      goal: '>= 5 MB/s',
    },
    {
      name: `${at}: query p50`,
      value: m.queryP50,
      unit: 'ms',
      baseline: { name: 'MiniSearch search, default options, p50', value: m.bareP50 },
    },
    {
      name: `${at}: query p95`,
      value: m.queryP95,
      unit: 'ms',
      baseline: { name: 'MiniSearch search, default options, p95', value: m.bareP95 },
      ...(large && engine === 'Chromium' ? { goal: '<= 30 ms' } : {}),
    },
    {
      name: `${at}: search-box query (last word as prefix) p95`,
      value: m.typeaheadP95,
      unit: 'ms',
      baseline: { name: 'MiniSearch search, default options, p95', value: m.bareP95 },
      note: `p50 ${m.typeaheadP50.toFixed(1)} ms`,
    },
  ];
}

interface KbWindow {
  __kbBench: { measure(chunks: number): Promise<KbMeasurements> };
}

async function inChromium(): Promise<BenchFigure[]> {
  const outDir = await buildHarness(HARNESS, 'kb');
  const { server, url } = await serveHarness(outDir);
  const browser = await launchBrowser();
  try {
    const out: BenchFigure[] = [];
    for (const chunks of SIZES) {
      // A fresh page per size, so the larger run does not inherit the smaller one's heap.
      const page = await browser.newPage();
      page.setDefaultTimeout(15 * 60_000);
      await page.goto(url);
      await page.waitForFunction(() => '__kbBench' in window);
      const m = await page.evaluate(
        (n) => (window as unknown as KbWindow).__kbBench.measure(n),
        chunks,
      );
      out.push(...figures('Chromium', m));
      await page.close();
    }
    return out;
  } finally {
    await browser.close();
    server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

export const bench: Bench = {
  id: 'kb',
  title: 'Knowledge bases: ingest and BM25 query, Node and Chromium',
  async run() {
    const out: BenchFigure[] = [];
    for (const chunks of SIZES) out.push(...figures('Node', await measure(chunks)));
    out.push(...(await inChromium()));
    return out;
  },
};
