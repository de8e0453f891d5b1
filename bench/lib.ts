// Shared by the benchmarks: the result record, timing helpers and test documents.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One line of bench/results.json: a figure, its baseline measured in the same run, and the goal. */
export interface Result {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  goal: string;
  pass: boolean;
  /** How it was measured, in a sentence (printed, and kept in results.json). */
  note?: string;
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

/**
 * Medians of `runs` runs of a baseline and a subject, interleaved (baseline, subject, baseline, …)
 * so that a machine that gets busier or quieter during the bench moves both alike.
 */
export async function pairedMedians(runs: number, baseline: () => Promise<unknown>, subject: () => Promise<unknown>): Promise<{ baseline: number; subject: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await baseline();
    a.push(performance.now() - t);
    t = performance.now();
    await subject();
    b.push(performance.now() - t);
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
