// The parser's golden standard: test/fixtures/dlvm/golden-events.yaml holds hand-labelled events for
// every entry of the DLVM feed fixture. This module reads it, runs the real parser over the same
// feed, and scores the two: per entry (for the golden test) and per kind (precision / recall).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { z } from 'zod';
import { NOTE_EVENT_KINDS, type ReleaseEvent } from '../../src/domain/events.js';
import { extractEntry, readNoteEvents } from '../../src/ingest/extract.js';
import { devUnits, gcpNotes, type Split } from './dev-set.js';
import { fixtureUrl } from './fixtures.js';
import { parseFeed } from '../../src/ingest/feed.js';

const fixtures = new URL('../../../test/fixtures/dlvm/', import.meta.url);
const here = new URL('../fixtures/dlvm/', import.meta.url);
/** Works from test/ (vitest) and from dist/test/ (compiled bench script). */
function fixturePath(name: string): URL {
  return import.meta.url.includes('/dist/') ? new URL(name, fixtures) : new URL(name, here);
}

const GoldenSchema = z.array(z.object({ entry: z.string(), events: z.array(z.string()) }));

/**
 * "security-update r - M88 CVE-2021-44228,CVE-2021-45046": the label format of the golden file.
 * The development set's labels carry no CVE ids (`withCves: false`).
 */
export function labelOf(e: Pick<ReleaseEvent, 'kind' | 'framework' | 'version' | 'scope' | 'release' | 'cves'>, options: { withCves?: boolean } = {}): string {
  return [e.kind, e.framework ?? '-', e.version ?? '-', e.scope === 'and-earlier' ? 'and-earlier' : null, e.release, (options.withCves ?? true) && e.cves.length ? e.cves.join(',') : null]
    .filter((x): x is string => !!x)
    .join(' ');
}

export interface EntryComparison {
  entry: string;
  expected: string[];
  actual: string[];
  missing: string[];
  unexpected: string[];
}

export async function compareWithGolden(): Promise<EntryComparison[]> {
  const golden = GoldenSchema.parse(yaml.load(readFileSync(fixturePath('golden-events.yaml'), 'utf8')));
  const feed = await parseFeed(readFileSync(fixturePath('release-notes.atom.xml'), 'utf8'));
  const byTitle = new Map(feed.entries.map((e) => [e.title, e]));
  if (golden.length !== feed.entries.length) throw new Error(`golden file has ${golden.length} entries, feed has ${feed.entries.length}`);
  return golden.map(({ entry: title, events: expected }) => {
    const entry = byTitle.get(title);
    if (!entry) throw new Error(`golden entry "${title}" is not in the feed`);
    const actual = extractEntry(entry, { source: 'dlvm' }).flatMap((n) => n.events.map((e) => labelOf(e)));
    return {
      entry: title,
      expected,
      actual,
      missing: expected.filter((x) => !actual.includes(x)),
      unexpected: actual.filter((x) => !expected.includes(x)),
    };
  });
}

export interface KindScore {
  kind: string;
  expected: number;
  found: number;
  correct: number;
  precision: number;
  recall: number;
}

/** Precision and recall per kind; an event is correct when its whole label matches. */
export function scoreByKind(comparisons: EntryComparison[]): KindScore[] {
  const kindOfLabel = (l: string): string => l.split(' ')[0] ?? '';
  const rows: KindScore[] = NOTE_EVENT_KINDS.map((kind) => {
    let expected = 0;
    let found = 0;
    let correct = 0;
    for (const c of comparisons) {
      expected += c.expected.filter((l) => kindOfLabel(l) === kind).length;
      found += c.actual.filter((l) => kindOfLabel(l) === kind).length;
      correct += c.actual.filter((l) => kindOfLabel(l) === kind && c.expected.includes(l)).length;
    }
    return { kind, expected, found, correct, precision: found ? correct / found : 1, recall: expected ? correct / expected : 1 };
  });
  const total = rows.reduce((a, r) => ({ expected: a.expected + r.expected, found: a.found + r.found, correct: a.correct + r.correct }), { expected: 0, found: 0, correct: 0 });
  rows.push({ kind: 'all', ...total, precision: total.found ? total.correct / total.found : 1, recall: total.expected ? total.correct / total.expected : 1 });
  return rows;
}

const HeldOutSchema = z.array(z.object({ slice: z.string(), kinds: z.array(z.string()) }));

/**
 * The held-out set: 29 verbatim slices of the all-products feed, labelled by kind only. Slices are
 * delimited by our own `<!-- ### type=… -->` comment lines in the fixture.
 */
export function compareHeldOut(): EntryComparison[] {
  const labels = HeldOutSchema.parse(yaml.load(readFileSync(gcpFixture('heldout-kinds.yaml'), 'utf8')));
  const html = readFileSync(gcpFixture('section-examples-by-type.html'), 'utf8');
  const slices = html.split(/<!-- ### type=.*?-->/).slice(1);
  if (slices.length !== labels.length) throw new Error(`held-out labels: ${labels.length}, slices: ${slices.length}`);
  return labels.map(({ slice, kinds }, i) => {
    const entry = { id: `heldout-${i}`, title: slice, publishedAt: null, url: null, html: slices[i] ?? '' };
    const actual: string[] = [...new Set(extractEntry(entry, { source: 'heldout' }).flatMap((n) => n.events.map((e) => e.kind)))];
    return { entry: slice, expected: kinds, actual, missing: kinds.filter((k) => !actual.includes(k)), unexpected: actual.filter((k) => !kinds.includes(k)) };
  });
}

function gcpFixture(name: string): URL {
  return new URL(`../gcp/${name}`, fixturePath('x'));
}

const DevLabelsSchema = z.array(z.object({ unit: z.string(), events: z.array(z.string()) }));
const DEV_LABEL_FILES = ['labels-gcp-1.yaml', 'labels-gcp-2.yaml', 'labels-gcp-3.yaml', 'labels-gcp-4.yaml', 'labels-aws.yaml'];

/** Hand labels of the development set by unit id (test/fixtures/dev/labels-*.yaml). */
export function devLabels(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of DEV_LABEL_FILES) {
    for (const { unit, events } of DevLabelsSchema.parse(yaml.load(readFileSync(fixtureUrl(`dev/${file}`), 'utf8')))) {
      if (out.has(unit)) throw new Error(`${file}: unit "${unit}" is labelled twice`);
      out.set(unit, [...new Set(events)]);
    }
  }
  return out;
}

/**
 * The development set, scored per unit (a Google note, an AWS section or file) on (kind, framework,
 * version, and-earlier, release). `split` picks the part tuned on ("dev") or the part never looked
 * at ("untouched"); callers print only totals for the untouched part.
 */
export async function compareDev(split: Split | 'all', set: 'gcp' | 'aws' | 'all' = 'all'): Promise<EntryComparison[]> {
  const labels = devLabels();
  const units = (await devUnits()).filter((u) => (split === 'all' || u.split === split) && (set === 'all' || u.set === set));
  const notes = new Map((await gcpNotes()).map((n) => [n.id, n]));
  return units.map((u) => {
    const expected = labels.get(u.id);
    if (!expected) throw new Error(`development unit "${u.id}" has no label`);
    const events = u.set === 'gcp'
      ? (() => {
          const n = notes.get(u.id);
          if (!n) throw new Error(`no note for ${u.id}`);
          return readNoteEvents(n.note, n.entry, 'dev');
        })()
      : extractEntry(u.entry, { source: 'dev' }).flatMap((x) => x.events);
    const actual = [...new Set(events.map((e) => labelOf(e, { withCves: false })))];
    return { entry: u.id, expected, actual, missing: expected.filter((x) => !actual.includes(x)), unexpected: actual.filter((x) => !expected.includes(x)) };
  });
}
