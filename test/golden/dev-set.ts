// The development set: real release-note wording the rules were not written on.
// - Google Cloud's all-products feed, 30 days (test/fixtures/gcp/aggregate-feed-full.xml): one unit
//   per note, id "<entry title>|<product>|<n>" (n-th note of that product in that entry). Notes that
//   are also in the held-out slices (section-examples-by-type.html) are left out: that set stays
//   untouched.
// - AWS Deep Learning Containers changelogs and per-image release notes (test/fixtures/aws/**.md),
//   rendered from Markdown with markdown-it: one unit per changelog section ("## PyTorch 2.13 —
//   2026-07-20") and per release-notes file.
// Each unit is either "dev" (looked at while tuning) or "untouched" (only its totals are ever
// printed), by a hash of its id decided before any labelling, so nobody picks the easy ones.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { changelogSections, releaseNotesEntry } from '../../src/demo/changelog.js';
import type { FeedEntry } from '../../src/ingest/feed.js';
import { parseFeed } from '../../src/ingest/feed.js';
import { cleanText, splitNotes, type Note } from '../../src/ingest/notes.js';
import { fixtureUrl } from './fixtures.js';

export type Split = 'dev' | 'untouched';

export interface DevUnit {
  /** Stable id: "<entry title>|<product>|<n>" (Google) or "<file>#<section>" (AWS). */
  id: string;
  set: 'gcp' | 'aws';
  split: Split;
  /** What to run through the reader: the entry (AWS) or an entry holding only this note (Google). */
  entry: FeedEntry;
  /** Product filter that picks this unit's note out of its entry (Google), if any. */
  product: string | null;
  /** Position of the unit's note among the product's notes in the entry (Google), 1-based. */
  index: number | null;
}

/** About 40% of units are never looked at while tuning. */
export function splitOf(id: string): Split {
  const byte = createHash('sha256').update(id).digest()[0] ?? 0;
  return byte < 102 ? 'untouched' : 'dev';
}

const norm = (s: string): string => cleanText(s).toLowerCase();

function heldOutTexts(): Set<string> {
  const html = readFileSync(fixtureUrl('gcp/section-examples-by-type.html'), 'utf8');
  const slices = html.split(/<!-- ### type=.*?-->/).slice(1);
  const out = new Set<string>();
  for (const slice of slices) for (const note of splitNotes(slice)) out.add(norm(note.text));
  return out;
}

export interface GcpNote {
  id: string;
  entry: FeedEntry;
  product: string | null;
  index: number;
  note: Note;
  heldOut: boolean;
}

export async function gcpNotes(): Promise<GcpNote[]> {
  const feed = await parseFeed(readFileSync(fixtureUrl('gcp/aggregate-feed-full.xml'), 'utf8'));
  const heldOut = heldOutTexts();
  const out: GcpNote[] = [];
  for (const entry of feed.entries) {
    const counts = new Map<string, number>();
    for (const note of splitNotes(entry.html)) {
      const product = note.product ?? '';
      const index = (counts.get(product) ?? 0) + 1;
      counts.set(product, index);
      out.push({ id: `${entry.title}|${product}|${index}`, entry, product: note.product, index, note, heldOut: heldOut.has(norm(note.text)) });
    }
  }
  return out;
}


export interface AwsEntry {
  id: string;
  entry: FeedEntry;
}

/** Changelog sections and release-notes files as feed entries (HTML rendered by markdown-it). */
export function awsEntries(): AwsEntry[] {
  const out: AwsEntry[] = [];
  const dir = (name: string): string[] => readdirSync(fixtureUrl(`aws/${name}/`)).filter((f) => f.endsWith('.md')).sort();
  for (const file of dir('changelog')) {
    for (const { entry } of changelogSections(readFileSync(fixtureUrl(`aws/changelog/${file}`), 'utf8'), { idPrefix: `changelog/${file}` })) out.push({ id: entry.id, entry });
  }
  for (const file of dir('releasenotes')) {
    const id = `releasenotes/${file}`;
    out.push({ id, entry: releaseNotesEntry(readFileSync(fixtureUrl(`aws/releasenotes/${file}`), 'utf8'), id) });
  }
  return out;
}

export async function devUnits(): Promise<DevUnit[]> {
  const units: DevUnit[] = [];
  for (const n of await gcpNotes()) {
    if (n.heldOut) continue;
    units.push({ id: n.id, set: 'gcp', split: splitOf(n.id), entry: n.entry, product: n.product, index: n.index });
  }
  for (const a of awsEntries()) units.push({ id: a.id, set: 'aws', split: splitOf(a.id), entry: a.entry, product: null, index: null });
  return units;
}
