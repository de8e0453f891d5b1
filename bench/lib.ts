// Shared by the benchmarks: the result record, timing helpers and test documents.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** What a figure must meet: its value or its ratio to the baseline, at most or at least a limit. */
export interface Goal {
  of: 'value' | 'ratio';
  op: '<=' | '>=';
  limit: number;
}

/** One run's figure: the value, its baseline measured in the same run, and the goal. */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  goal: Goal;
  /** How it was measured, in a sentence (printed, and kept in results.json). */
  note?: string;
}

/** One line of bench/results.json: the median of every run of a figure, with the spread. */
export interface Result extends Omit<Measurement, 'goal'> {
  goal: string;
  pass: boolean;
  /** Each run's value and ratio, in run order. */
  runs: { value: number; ratio: number }[];
  /** Lowest–highest of the judged quantity (value or ratio) over the runs. */
  spread: string;
}

export const goalText = (g: Goal): string => `${g.of} ${g.op} ${g.limit}`;
export const meets = (g: Goal, m: { value: number; ratio: number }): boolean => {
  const x = g.of === 'value' ? m.value : m.ratio;
  return g.op === '<=' ? x <= g.limit : x >= g.limit;
};

/** The runs of one figure as one result: medians of value, baseline and ratio, judged on the median. */
export function summarise(runs: Measurement[]): Result {
  const first = runs[0];
  if (!first) throw new Error('summarise: no runs');
  const med = (xs: number[]): number => round(percentile(xs, 50));
  const value = med(runs.map((r) => r.value));
  const ratio = med(runs.map((r) => r.ratio));
  const judged = runs.map((r) => (first.goal.of === 'value' ? r.value : r.ratio));
  // The note (its details, a growth table) of the run whose figure is the median.
  const medianRun = [...runs].sort((a, b) => (first.goal.of === 'value' ? a.value - b.value : a.ratio - b.ratio))[Math.floor((runs.length - 1) / 2)] ?? first;
  return {
    ...first,
    ...(medianRun.note ? { note: `${medianRun.note} (run ${runs.indexOf(medianRun) + 1} of ${runs.length}, the median)` } : {}),
    value,
    baseline: med(runs.map((r) => r.baseline)),
    ratio,
    goal: goalText(first.goal),
    pass: meets(first.goal, { value, ratio }),
    runs: runs.map((r) => ({ value: r.value, ratio: r.ratio })),
    spread: `${round(Math.min(...judged))}–${round(Math.max(...judged))}`,
  };
}

/**
 * Is the machine quiet enough to bench? The share of all cores busy over `sampleMs`, from
 * /proc/stat (user + nice + system + irq + softirq + steal over everything).
 */
export async function machineLoad(sampleMs = 3_000): Promise<{ busyPercent: number; cores: number }> {
  const read = (): { busy: number; total: number } => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  };
  const a = read();
  await sleep(sampleMs);
  const b = read();
  const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1;
  return { busyPercent: round((100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total)), cores };
}

export const feedXml = readFileSync(new URL(import.meta.url.includes('/dist/') ? '../../test/fixtures/dlvm/release-notes.atom.xml' : '../test/fixtures/dlvm/release-notes.atom.xml', import.meta.url), 'utf8');

export async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

/** Runs `fn` and adds how long it took, in ms, to `into`. */
export async function timeInto(into: number[], fn: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await fn();
  into.push(performance.now() - t);
}

/**
 * Medians of `runs` interleaved timings of a baseline and a subject: interleaved so that a machine
 * that gets busier or quieter during the bench moves both alike, and in alternating order (baseline
 * first on even runs, subject first on odd ones) so that neither is always the one that pays for the
 * garbage the other left behind.
 */
export async function pairedMedians(runs: number, baseline: () => Promise<unknown>, subject: () => Promise<unknown>): Promise<{ baseline: number; subject: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await timeInto(a, baseline);
      await timeInto(b, subject);
    } else {
      await timeInto(b, subject);
      await timeInto(a, baseline);
    }
  }
  return { baseline: percentile(a, 50), subject: percentile(b, 50) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The DLVM feed with its entries repeated `copies` times (unique ids), about 80 KB per copy. */
export function feedOf(copies: number): string {
  const entries = feedXml.slice(feedXml.indexOf('<entry>'), feedXml.lastIndexOf('</entry>') + 8);
  return feedXml.replace(entries, Array.from({ length: copies }, (_, i) => entries.replaceAll('#', `#r${i}-`)).join('\n'));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
