// Atom/RSS document → entries. Atom (every source we ship) is read in one streaming pass
// (./atom.ts); RSS 2.0 and RSS 1.0/RDF go through rss-parser's parseString (never its URL fetcher).
//
// Every call builds its own parsers. An rss-parser instance holds one xml2js parser, and xml2js
// in async mode keeps the document it is working on in that parser: two documents parsed at the
// same moment by one instance get each other's entries or fail with "Unclosed root tag" (issue
// #11). Nothing in this module is shared between calls.
import Parser from 'rss-parser';
import sax from 'sax';
import { readAtom, type AtomEntry } from './atom.js';

export interface FeedEntry {
  /** Atom <id> (RSS guid), stable across amendments of the same day-entry. */
  id: string;
  title: string;
  publishedAt: string | null;
  url: string | null;
  html: string;
}

export interface ParsedFeed {
  title: string | null;
  entries: FeedEntry[];
}

export class FeedParseError extends Error {
  readonly code = 'parse-feed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
  }
}

type RssFeed = Awaited<ReturnType<Parser['parseString']>>;

function deadlineMs(xml: string): number {
  return 5_000 + (xml.length / 1_000_000) * 2_000;
}

// async: xml2js parses in chunks and yields between them, so a 2 MB feed does not hold the event
// loop for its whole parse. In async mode an error thrown while rss-parser builds its result (e.g.
// "Invalid time value" for an unreadable <updated>) is lost and the promise never settles. A
// deadline catches that, and a synchronous parser then gives the real reason (blocking once, on the
// failure path only).
async function parseWithDeadline(text: string): Promise<RssFeed> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deadlineMs(text));
  });
  try {
    const result = await Promise.race([new Parser({ xml2js: { async: true } }).parseString(text), stuck]);
    return result ?? (await new Parser().parseString(text));
  } finally {
    clearTimeout(timer);
  }
}

/** How far into a document its root element may start (past comments, instructions, a DOCTYPE). */
const PROLOG_LIMIT = 256 * 1024;

/**
 * Feeds never need a DTD. One that declares an internal subset (entities, "billion laughs",
 * external entities) is refused outright, whatever the XML parser underneath would do with it. The
 * check listens to sax's own doctype event (sax is the parser under xml2js), so a comment, a CDATA
 * section or a processing instruction before the DOCTYPE cannot hide it, and it stops at the root
 * element: a DOCTYPE can only come before it.
 */
export function refuseDtd(text: string): void {
  const parser = sax.parser(false, { lowercase: true });
  let refused: string | null = null;
  let rootSeen = false;
  parser.ondoctype = (doctype: string) => {
    if (/\[|<!ENTITY/i.test(doctype)) refused = doctype;
  };
  parser.onopentag = () => {
    rootSeen = true;
  };
  // Leniency: this pass only looks for the DOCTYPE; well-formedness is the real parser's job.
  parser.onerror = () => {
    (parser as { error: Error | null }).error = null;
    parser.resume();
  };
  const CHUNK = 4096;
  for (let i = 0; i < text.length && !rootSeen && refused === null; i += CHUNK) {
    // A feed's root comes within its first few hundred bytes; a document that spends this long on
    // comments, instructions or a DOCTYPE before it is not read further (sax would hold it all).
    if (i >= PROLOG_LIMIT) throw new FeedParseError(`no root element in the first ${PROLOG_LIMIT / 1024} KB (only comments, processing instructions or a DOCTYPE before it)`);
    parser.write(text.slice(i, i + CHUNK));
  }
  if (refused !== null) throw new FeedParseError('the document declares a DTD with an internal subset (entity declarations); refused: entity expansion and external entities are not allowed');
}

export async function parseFeed(xml: string): Promise<ParsedFeed> {
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new FeedParseError('empty document');
  if (/^\s*<!doctype html|^\s*<html/i.test(text)) throw new FeedParseError('an HTML page, not a feed (check the source URL)');
  refuseDtd(text);
  const atom = await readAtom(text);
  if (atom.kind === 'malformed') throw new FeedParseError(`not a readable Atom/RSS feed: ${atom.reason}`);
  if (atom.kind === 'atom') {
    const entries: FeedEntry[] = [];
    for (const e of atom.entries) {
      const entry = atomEntry(e);
      if (entry) entries.push(entry);
    }
    return { title: atom.title || null, entries };
  }
  return readWithRssParser(text);
}

/** A feed through rss-parser: RSS 2.0 and RSS 1.0/RDF, and the reference the Atom reader is tested against. */
export async function readWithRssParser(text: string): Promise<ParsedFeed> {
  let feed: RssFeed;
  try {
    feed = await parseWithDeadline(text);
  } catch (err) {
    throw new FeedParseError(`not a readable Atom/RSS feed: ${(err as Error).message.split('\n')[0] ?? ''}`, { cause: err });
  }
  const entries: FeedEntry[] = [];
  for (const item of feed.items) {
    const id = item.guid ?? (item as { id?: string }).id ?? item.link ?? item.title;
    if (!id) continue;
    entries.push({
      id,
      title: item.title ?? '',
      publishedAt: item.isoDate ?? null,
      url: item.link ?? null,
      html: item.content ?? item.summary ?? '',
    });
  }
  return { title: feed.title ?? null, entries };
}

/** An Atom entry as rss-parser would give it: no id, no entry; a date that does not read is an error. */
function atomEntry(e: AtomEntry): FeedEntry | null {
  const id = e.id || e.link || e.title;
  if (!id) return null;
  let publishedAt: string | null = null;
  if (e.date) {
    const at = new Date(e.date);
    if (Number.isNaN(at.getTime())) throw new FeedParseError(`not a readable Atom/RSS feed: entry ${id} has a date that does not read ("${e.date.slice(0, 40)}")`);
    publishedAt = at.toISOString();
  }
  return { id, title: e.title || '', publishedAt, url: e.link, html: e.content || e.summary || '' };
}
