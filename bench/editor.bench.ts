/**
 * Workflow editor in Chromium: time to open a 1,000-node / 1,200-edge workflow and frame times
 * while panning it, against a 100-node / 120-edge workflow measured in the same run. The page is
 * a production build of bench/editor-harness (the real editor over an in-memory source), so no
 * sign-in or server is involved.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildHarness, serveHarness } from './build-harness.ts';
import { median, percentile, type Bench, type BenchFigure } from './figures.ts';
import { launchBrowser } from '../test/support/browser.ts';

const HARNESS = fileURLToPath(new URL('./editor-harness/', import.meta.url));
const OPEN_RUNS = 3;
const PAN_MS = 3000;

interface Size {
  label: string;
  nodes: number;
  edges: number;
}
const BASELINE: Size = { label: '100 nodes / 120 edges', nodes: 100, edges: 120 };
const LARGE: Size = { label: '1,000 nodes / 1,200 edges', nodes: 1000, edges: 1200 };

interface BenchWindow {
  __editorBench: {
    ready: Promise<number>;
    renderedNodes(): number;
    startRecording(): void;
    stopRecording(): { intervals: number[]; work: number[] };
  };
}

async function open(page: Page, url: string, size: Size): Promise<number> {
  await page.goto(`${url}?nodes=${size.nodes}&edges=${size.edges}`);
  return page.evaluate(() => (window as unknown as BenchWindow).__editorBench.ready);
}

async function zoom(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').getAttribute('style');
  return Number(/scale\(([0-9.e-]+)\)/.exec(transform ?? '')?.[1] ?? '1');
}

/** A point of the canvas background (no node, edge or panel under it), nearest the centre. */
async function emptyPanePoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    const cx = pane.left + pane.width / 2;
    const cy = pane.top + pane.height / 2;
    // Rings around the centre, nearest first; stop at the first background pixel.
    for (let r = 0; r < Math.min(pane.width, pane.height) / 2 - 40; r += 2) {
      const steps = Math.max(1, Math.round((2 * Math.PI * r) / 2));
      for (let i = 0; i < steps; i++) {
        const x = cx + r * Math.cos((2 * Math.PI * i) / steps);
        const y = cy + r * Math.sin((2 * Math.PI * i) / steps);
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane'))
          return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('No empty spot of the canvas to start a pan from.');
  return point;
}

type GestureRecording = { intervals: number[]; work: number[]; rendered: number };

/**
 * Holds the mouse down at `start` and sweeps it back and forth for PAN_MS, `steps` moves of
 * `stepPx` each way, recording frame intervals and main-thread work meanwhile.
 */
async function recordSweep(
  page: Page,
  start: { x: number; y: number },
  sweep: { steps: number; stepPx: number; slope: number },
): Promise<GestureRecording> {
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.evaluate(() => (window as unknown as BenchWindow).__editorBench.startRecording());
  const started = Date.now();
  let direction = 1;
  let x = start.x;
  while (Date.now() - started < PAN_MS) {
    for (let i = 0; i < sweep.steps; i++) {
      x += direction * sweep.stepPx;
      await page.mouse.move(x, start.y + (x - start.x) * sweep.slope);
    }
    direction = -direction;
  }
  const recording = await page.evaluate(() =>
    (window as unknown as BenchWindow).__editorBench.stopRecording(),
  );
  await page.mouse.up();
  const rendered = await page.evaluate(() =>
    (window as unknown as BenchWindow).__editorBench.renderedNodes(),
  );
  return { ...recording, rendered };
}

/** Pans by dragging the canvas background back and forth for PAN_MS, as a user does. */
async function pan(page: Page): Promise<GestureRecording> {
  return recordSweep(page, await emptyPanePoint(page), { steps: 40, stepPx: 6, slope: 1 / 4 });
}

/** Drags one node around for PAN_MS: only that card should re-render per frame. */
async function drag(page: Page): Promise<GestureRecording> {
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const cards = page.locator('.react-flow__node');
  let start: { x: number; y: number } | null = null;
  for (let i = 0; i < (await cards.count()) && !start; i++) {
    const box = await cards.nth(i).boundingBox();
    if (
      box &&
      box.x > pane.x + 100 &&
      box.y > pane.y + 100 &&
      box.x + box.width < pane.x + pane.width - 100
    ) {
      start = { x: box.x + box.width / 2, y: box.y + 14 };
    }
  }
  if (!start) throw new Error('No node fully in view to drag.');
  return recordSweep(page, start, { steps: 20, stepPx: 5, slope: 1 / 3 });
}

/** Zooms with the wheel around the centre until the zoom is about 1 (a working zoom level). */
async function zoomToOne(page: Page): Promise<void> {
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 30; i++) {
    const current = await zoom(page);
    if (current > 0.9) break;
    await page.mouse.wheel(0, -Math.min(300, Math.log2(1 / current) * 500));
    await page.waitForTimeout(50);
  }
}

interface Measured {
  openMs: number;
  fitted: { intervals: number[]; work: number[]; rendered: number; zoom: number };
  atOne: { intervals: number[]; work: number[]; rendered: number; zoom: number };
  dragging: { intervals: number[]; work: number[]; rendered: number; zoom: number };
}

async function measure(browser: Browser, url: string, size: Size): Promise<Measured> {
  const opens: number[] = [];
  let page: Page | null = null;
  for (let run = 0; run < OPEN_RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const candidate = await context.newPage();
    opens.push(await open(candidate, url, size));
    if (run < OPEN_RUNS - 1) await context.close();
    else page = candidate;
  }
  const fittedZoom = await zoom(page!);
  const fitted = { ...(await pan(page!)), zoom: fittedZoom };
  await zoomToOne(page!);
  const oneZoom = await zoom(page!);
  const atOne = { ...(await pan(page!)), zoom: oneZoom };
  const dragging = { ...(await drag(page!)), zoom: await zoom(page!) };
  await page!.context().close();
  return { openMs: median(opens), fitted, atOne, dragging };
}

export const bench: Bench = {
  id: 'editor',
  title: 'Workflow editor in Chromium: open and pan',
  async run(): Promise<BenchFigure[]> {
    const outDir = await buildHarness(HARNESS, 'editor');
    const { server, url } = await serveHarness(outDir);
    const browser = await launchBrowser();
    try {
      const base = await measure(browser, url, BASELINE);
      const large = await measure(browser, url, LARGE);
      const figures: BenchFigure[] = [];
      figures.push({
        name: `open ${BASELINE.label} (navigation → canvas drawn)`,
        value: base.openMs,
        unit: 'ms',
      });
      figures.push({
        name: `open ${LARGE.label} (navigation → canvas drawn)`,
        value: large.openMs,
        unit: 'ms',
        baseline: { name: `open ${BASELINE.label}`, value: base.openMs },
        note: `median of ${OPEN_RUNS} loads`,
      });
      for (const [view, pick] of [
        ['pan, whole workflow in view', (m: Measured) => m.fitted],
        ['pan, zoom ≈ 1', (m: Measured) => m.atOne],
        ['drag one node, zoom ≈ 1', (m: Measured) => m.dragging],
      ] as const) {
        const b = pick(base);
        const l = pick(large);
        figures.push({
          name: `${view}, ${BASELINE.label}: median frame interval`,
          value: median(b.intervals),
          unit: 'ms',
          note: `${b.intervals.length} frames, p95 ${percentile(b.intervals, 95).toFixed(1)} ms, ${b.rendered} nodes rendered, zoom ${b.zoom.toFixed(2)}`,
        });
        figures.push({
          name: `${view}, ${LARGE.label}: median frame interval`,
          value: median(l.intervals),
          unit: 'ms',
          baseline: { name: `${BASELINE.label}`, value: median(b.intervals) },
          goal: 'median <= 16 ms (one frame at 60 Hz is 16.7 ms)',
          note: `${l.intervals.length} frames, p95 ${percentile(l.intervals, 95).toFixed(1)} ms, ${l.rendered} nodes rendered, zoom ${l.zoom.toFixed(2)}`,
        });
        figures.push({
          name: `${view}, ${LARGE.label}: median main-thread work per frame`,
          value: median(l.work),
          unit: 'ms',
          baseline: { name: `${BASELINE.label}`, value: median(b.work) },
          goal: 'median <= 16 ms',
          note: `p95 ${percentile(l.work, 95).toFixed(1)} ms`,
        });
      }
      return figures;
    } finally {
      await browser.close();
      server.close();
      await rm(outDir, { recursive: true, force: true });
    }
  },
};
