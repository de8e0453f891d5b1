// An independent reviewer's sentences (test/fixtures/dev/review-sentences.txt): each is read as its
// label says, except those marked "miss", which are expected to be read wrong until a rule about
// their kind of language is fixed (then the mark must go: `it.fails` turns red when one passes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractEntry } from '../../src/ingest/extract.js';

const rows = readFileSync(new URL('../fixtures/dev/review-sentences.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const [mark = '', type = '', text = '', expected = ''] = l.split(' || ');
    return { miss: mark === 'miss', type, text, expected: expected.split(';').map((e) => e.trim()).filter((e) => e !== '' && e !== 'none').sort() };
  });

const read = (type: string, text: string): string[] =>
  extractEntry({ id: 'tag:x#d', title: 'December 01, 2026', publishedAt: '2026-12-01T08:00:00.000Z', url: null, html: `<h3>${type}</h3>${text.startsWith('<') ? text : `<p>${text}</p>`}` }, { source: 't' })
    .flatMap((n) => n.events)
    .map((e) => [e.kind, e.framework ?? '-', e.version ?? '-', e.scope === 'and-earlier' ? 'and-earlier' : '', e.release ?? ''].filter(Boolean).join(' '))
    .sort();

describe("an independent reviewer's sentences", () => {
  it('are all there', () => {
    expect(rows.length).toBe(168);
    expect(rows.filter((r) => !r.miss).length).toBeGreaterThanOrEqual(154);
  });
  for (const r of rows) {
    const name = `[${r.type}] ${r.text}`;
    if (r.miss) it.fails(`still read wrong: ${name}`, () => expect(read(r.type, r.text)).toEqual(r.expected));
    else it(name, () => expect(read(r.type, r.text)).toEqual(r.expected));
  }
});
