// The streaming Atom reader against rss-parser, the reader it replaces on the hot path: on every
// real feed we have, and on the ways an Atom document can be written that our fixtures do not show
// (XHTML content, entities, comments, self-closing and repeated links, summary only, published vs
// updated), cut into chunks small enough that every construct straddles a chunk boundary.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAtom } from '../../src/ingest/atom.js';
import { FeedParseError, parseFeed, readWithRssParser } from '../../src/ingest/feed.js';

const fixture = (p: string): string => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const atom = (entries: string, head = '<title>Feed &amp; notes</title>'): string => `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">${head}<id>tag:t</id><updated>2026-07-01T00:00:00Z</updated>${entries}</feed>`;

describe('the Atom reader reads what rss-parser reads', () => {
  it.each(['dlvm/release-notes.atom.xml', 'gcp/aggregate-feed-full.xml', 'gcp/aggregate-feed-trimmed.xml'])('%s: the same title and entries, field by field', async (file) => {
    const xml = fixture(file);
    const ours = await parseFeed(xml);
    const reference = await readWithRssParser(xml);
    expect(ours.entries.length).toBeGreaterThan(2);
    expect(ours).toEqual(reference);
  });

  const shapes: [string, string][] = [
    ['html content in CDATA', '<entry><title>A</title><id>tag:t#a</id><updated>2026-07-01T00:00:00-07:00</updated><link rel="alternate" href="https://x.test/a"/><content type="html"><![CDATA[<h3>Feature</h3><p>PyTorch 2.9 images are available.</p>]]></content></entry>'],
    ['escaped html content with entities', '<entry><title>B &amp; C</title><id>tag:t#b</id><published>2026-07-02T10:00:00Z</published><updated>2026-07-03T00:00:00Z</updated><link href="https://x.test/b"/><content type="html">&lt;h3&gt;Fixed&lt;/h3&gt;&lt;p&gt;Fixed &amp;quot;a&amp;quot; &amp;amp; b&amp;nbsp;&#233;&#x20AC;.&lt;/p&gt;</content></entry>'],
    ['summary only, links in another order, a comment', '<entry><!-- generated --><link rel="self" href="https://x.test/self"/><link rel="alternate" href="https://x.test/alt"/><title>S</title><id>tag:t#s</id><updated>2026-07-05T00:00:00Z</updated><summary type="html">&lt;p&gt;Only a summary.&lt;/p&gt;</summary></entry>'],
    ['no date, no link, a nested source title', '<entry><id>tag:t#n</id><source><title>Other feed</title></source><title>N</title><content type="html">&lt;p&gt;x&lt;/p&gt;</content></entry>'],
    ['HTML named entities in ids, titles and links, decoded as sax did', '<entry><title>Don&rsquo;t &eacute;t&eacute;</title><id>tag:caf&eacute;#1</id><updated>2026-07-07T00:00:00Z</updated><link href="https://x.test/caf&eacute;?a=1&amp;b=2"/><content type="html">&lt;p&gt;x&amp;nbsp;y&lt;/p&gt;</content></entry>'],
    ['two titles and two contents: the first counts', '<entry><title>First</title><title>Second</title><id>tag:t#d</id><updated>2026-07-06T00:00:00Z</updated><content type="html">&lt;p&gt;one&lt;/p&gt;</content><content type="html">&lt;p&gt;two&lt;/p&gt;</content></entry>'],
  ];

  it.each(shapes)('%s', async (_name, entries) => {
    const xml = atom(entries + entries.replace(/tag:t#/g, 'tag:t#again-'));
    expect(await parseFeed(xml)).toEqual(await readWithRssParser(xml));
  });

  it('keeps XHTML content as written (rss-parser rebuilds it from its tree and moves text around inline tags)', async () => {
    const markup = '<div xmlns="http://www.w3.org/1999/xhtml"><h3>Feature</h3><p>TensorFlow 2.18 images are <b>available</b>.</p></div>';
    const xml = atom(`<entry><title type="text">X</title><id>tag:t#x</id><updated>2026-07-04T00:00:00Z</updated><content type="xhtml">${markup}</content></entry>`);
    const [ours] = (await parseFeed(xml)).entries;
    expect(ours?.html).toBe(markup);
    const [theirs] = (await readWithRssParser(xml)).entries;
    expect(theirs?.html).toContain('images are .<b>available</b>');
    expect(ours).toEqual({ ...theirs, html: markup });
  });

  it('gives the same entries however the document is cut into chunks', async () => {
    const xml = atom(`${shapes.map(([, e]) => e).join('\n')}<entry><id>tag:t#x</id><content type="xhtml"><div><p>a <b>b</b> &amp; c</p></div></content></entry>`);
    const whole = await readAtom(xml);
    expect(whole.kind).toBe('atom');
    for (const chunk of [1, 2, 3, 7, 64]) expect(await readAtom(xml, chunk)).toEqual(whole);
    // And one real feed cut at odd places (inside CDATA sections, entities and tags).
    const real = fixture('dlvm/release-notes.atom.xml');
    expect(await readAtom(real, 997)).toEqual(await readAtom(real));
  });

  it('keeps HTML written unescaped inside content as markup, and CDATA inside XHTML as text', async () => {
    const xml = atom('<entry><id>tag:t#u</id><content type="html"><h3>Fixed</h3><p>hi</p></content></entry><entry><id>tag:t#c</id><content type="xhtml"><div><p><![CDATA[a < b]]></p></div></content></entry>');
    const [unescaped, cdata] = (await parseFeed(xml)).entries;
    expect(unescaped?.html).toBe('<h3>Fixed</h3><p>hi</p>');
    expect(cdata?.html).toBe('<div><p>a &lt; b</p></div>');
  });

  it('reads nothing after the root element, as rss-parser did', async () => {
    const xml = `${atom('<entry><id>tag:t#1</id></entry>')}<feed><entry><id>tag:t#2</id></entry></feed>`;
    expect((await parseFeed(xml)).entries.map((e) => e.id)).toEqual(['tag:t#1']);
    expect(await parseFeed(xml)).toEqual(await readWithRssParser(xml));
  });

  it('leaves RSS to rss-parser', async () => {
    const rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>R</title><item><title>I</title><guid>g1</guid><link>https://x.test/i</link><pubDate>Wed, 01 Jul 2026 00:00:00 GMT</pubDate><description>&lt;p&gt;PyTorch 2.9 images are available.&lt;/p&gt;</description></item></channel></rss>';
    expect(await readAtom(rss)).toEqual({ kind: 'not-atom', root: 'rss' });
    expect((await parseFeed(rss)).entries).toEqual([{ id: 'g1', title: 'I', publishedAt: '2026-07-01T00:00:00.000Z', url: 'https://x.test/i', html: '<p>PyTorch 2.9 images are available.</p>' }]);
  });

  it.each([
    ['truncated inside an entry', atom('<entry><title>x</title><id>tag:t#1</id>').replace('</feed>', ''), /<entry> is not closed/],
    ['a close tag that does not match', atom('<entry><title>x</entry>'), /<title> is not closed/],
    ['cut in the middle of a close tag', '<feed><entry><title>x</title></feed', /not closed/],
    ['cut off right after its root tag', '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', /<feed> is not closed/],
    ['with an entry closed over an open link', atom('<entry><id>tag:t#1</id><link href="x"></entry>'), /<link> is not closed/],
    ['with content closed over an open paragraph', atom('<entry><id>tag:t#1</id><content type="html"><p></content></entry>'), /<p> is not closed/],
    ['a date that does not read', atom('<entry><title>x</title><id>tag:t#1</id><updated>2026-13-45</updated></entry>'), /tag:t#1 has a date that does not read/],
  ] as const)('refuses a document %s, as a strict XML parser would', async (_name, xml, reason) => {
    const err = await parseFeed(xml).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedParseError);
    expect((err as Error).message).toMatch(reason);
    // rss-parser refuses it too.
    expect(await readWithRssParser(xml).catch((e: unknown) => e)).toBeInstanceOf(FeedParseError);
  });

  it('refuses nesting a thousand levels deep at once, and a prolog that never reaches the root', async () => {
    const deep = atom(`<entry><id>tag:t#d</id><content type="html">${'<a>'.repeat(300_000)}</content></entry>`);
    const started = Date.now();
    expect(await readAtom(deep)).toEqual({ kind: 'malformed', reason: 'elements nest deeper than 1000 levels' });
    // Quadratic in htmlparser2's stack, this took 42 s before the cap; now the reader stops at the cap.
    expect(Date.now() - started).toBeLessThan(5_000);
    const prolog = `<?xml version="1.0"?><!--${'x'.repeat(10 * 1024 * 1024)}-->${atom('')}`;
    await expect(parseFeed(prolog)).rejects.toThrow(/no root element in the first 256 KB/);
  });
});
