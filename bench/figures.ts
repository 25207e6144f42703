/** What every benchmark reports: figures, each optionally set against a baseline of the same run. */
export interface BenchFigure {
  /** What was measured, e.g. "initial pull of 10,000 workflows". */
  name: string;
  value: number;
  unit: string;
  /** The figure measured in the same run that this one is compared with. */
  baseline?: { name: string; value: number };
  /** The goal the issue sets, e.g. "ratio <= 1.5"; printed, never asserted. */
  goal?: string;
  note?: string;
}

export interface Bench {
  /** Short id used to pick benchmarks on the command line: `npm run bench -- <id>`. */
  id: string;
  title: string;
  run(): Promise<BenchFigure[]>;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
