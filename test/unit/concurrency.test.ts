// Issue #11: a worker parses several documents at once. No parser object, regex lastIndex, cache
// or singleton may carry state from one document into another: N different documents read at the
// same moment must each give exactly what they give alone.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractEntries } from '../../src/ingest/extract.js';
import { parseFeed } from '../../src/ingest/feed.js';

const read = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** Real feeds, and real feeds cut down to different entries, so that every document differs. */
function documents(): { name: string; xml: string }[] {
  const dlvm = read('dlvm/release-notes.atom.xml');
  const entries = dlvm.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
  const head = dlvm.slice(0, dlvm.indexOf('<entry>'));
  const cut = (from: number, to: number): string => `${head}${entries.slice(from, to).join('\n')}\n</feed>\n`;
  return [
    { name: 'dlvm', xml: dlvm },
    { name: 'aggregate-trimmed', xml: read('gcp/aggregate-feed-trimmed.xml') },
    { name: 'aggregate-full', xml: read('gcp/aggregate-feed-full.xml') },
    { name: 'dlvm-newest-10', xml: cut(0, 10) },
    { name: 'dlvm-oldest-40', xml: cut(entries.length - 40, entries.length) },
    { name: 'dlvm-middle', xml: cut(30, 60) },
    { name: 'dlvm-one', xml: cut(5, 6) },
    { name: 'dlvm-2019', xml: cut(70, 95) },
  ];
}

async function read_(xml: string, source: string): Promise<string[]> {
  const feed = await parseFeed(xml);
  const notes = await extractEntries(feed.entries, { source });
  return [`title ${feed.title ?? ''}`, ...notes.flatMap((n) => n.events.map((e) => `${e.entryId} ${e.id} ${e.kind} ${e.framework ?? '-'} ${e.version ?? '-'} ${e.title}`))];
}

describe('concurrent parsing', () => {
  it('N different feeds parsed at the same moment each give their solo result', async () => {
    const docs = documents();
    const solo: string[][] = [];
    for (const d of docs) solo.push(await read_(d.xml, d.name));
    expect(new Set(solo.map((s) => s.join('\n'))).size).toBe(docs.length); // the documents really differ
    // Three rounds, all documents at once (twice each), in a different order every round.
    for (let round = 0; round < 3; round++) {
      const order = [...docs.keys(), ...docs.keys()].sort((a, b) => ((a * 7 + round * 3) % 11) - ((b * 7 + round * 3) % 11));
      const together = await Promise.all(order.map((i) => read_(docs[i]?.xml ?? '', docs[i]?.name ?? '')));
      order.forEach((docIndex, k) => expect(together[k], `${docs[docIndex]?.name} in round ${round}`).toEqual(solo[docIndex]));
    }
  });
});
