// Atom documents → entries, in one streaming pass of htmlparser2 in XML mode (no tree is built).
//
// Every source we ship is an Atom feed, and rss-parser (xml2js over sax) takes longer to read one
// than we take to read every note in it: it builds an object tree of the whole document, then
// rss-parser walks it. This reader keeps only what an entry needs (id, title, link, date, content)
// and is checked against rss-parser on every real feed we have (test/unit/atom.test.ts): the same
// entries, field by field. A document whose root is not <feed> (RSS 2.0, RSS 1.0/RDF) is left to
// rss-parser (`not-atom`).
//
// htmlparser2 is lenient; a feed is not. An element closed by the end of the document or by the
// close of an outer element (truncated or mismatched markup) makes the document malformed, as
// xml2js in strict mode would say. State lives in the call: two documents read at the same moment
// share nothing (issue #11).
import { setImmediate } from 'node:timers/promises';
import { Parser } from 'htmlparser2';

export interface AtomEntry {
  id: string | null;
  title: string | null;
  link: string | null;
  /** <published>, or else <updated>, as written. */
  date: string | null;
  content: string | null;
  summary: string | null;
}

export type AtomReading =
  | { kind: 'atom'; title: string | null; entries: AtomEntry[] }
  | { kind: 'not-atom'; root: string | null }
  | { kind: 'malformed'; reason: string };

/** Characters handed to the parser at a time; the event loop gets a turn at least every SLICE_MS. */
const CHUNK = 64 * 1024;
const SLICE_MS = 8;

type Field = 'id' | 'title' | 'published' | 'updated' | 'content' | 'summary';
const FIELDS = new Set<string>(['id', 'title', 'published', 'updated', 'content', 'summary']);

/** `chunk` is how many characters the parser is given at a time (tests make it small). */
export async function readAtom(text: string, chunk = CHUNK): Promise<AtomReading> {
  const entries: AtomEntry[] = [];
  let root: string | null = null;
  let feedTitle: string | null = null;
  let malformed: string | null = null;
  let notAtom = false;
  let depth = 0;
  // The element opened last, while nothing else has happened since: a self-closing tag ("<link/>")
  // is reported as opened and then closed "implied", which is not a sign of broken markup.
  let justOpened: string | null = null;

  // The entry being read, the field of it (or of the feed) whose text is being collected, and for
  // XHTML content the offset its markup starts at (it is taken from the document as written).
  let entry: (AtomEntry & { published: string | null; updated: string | null; alternate: string | null; linked: boolean; seen: Set<Field> }) | null = null;
  let field: Field | null = null;
  let fieldText = '';
  let xhtmlFrom = -1;
  let inFeedTitle = false;
  let feedTitleSeen = false;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        justOpened = name;
        if (depth === 1) {
          root = name;
          if (name !== 'feed') notAtom = true;
          return;
        }
        if (depth === 2) {
          if (name === 'entry') entry = { id: null, title: null, link: null, date: null, content: null, summary: null, published: null, updated: null, alternate: null, linked: false, seen: new Set() };
          else if (name === 'title' && !feedTitleSeen) {
            inFeedTitle = true;
            fieldText = '';
          }
          return;
        }
        if (depth !== 3 || !entry) return;
        if (name === 'link') {
          // rss-parser's rule: the first rel="alternate" link, else the first link.
          if (attribs.rel === 'alternate' && entry.alternate === null) entry.alternate = attribs.href ?? null;
          if (!entry.linked) entry.link = attribs.href ?? null;
          entry.linked = true;
          return;
        }
        // The first of each field counts, as rss-parser takes `entry.<field>[0]`.
        if (FIELDS.has(name) && !entry.seen.has(name as Field)) {
          field = name as Field;
          fieldText = '';
          xhtmlFrom = attribs.type === 'xhtml' ? parser.endIndex + 1 : -1;
        }
      },
      ontext(data) {
        justOpened = null;
        if (field !== null || inFeedTitle) fieldText += data;
      },
      onclosetag(name, isImplied) {
        const selfClosed = justOpened === name;
        justOpened = null;
        if (isImplied && !selfClosed && malformed === null) malformed = `<${name}> is not closed`;
        if (depth === 3 && entry && field === name) {
          const value = xhtmlFrom >= 0 ? text.slice(xhtmlFrom, parser.startIndex) : fieldText;
          entry.seen.add(field);
          entry[field] = value;
          field = null;
          xhtmlFrom = -1;
        } else if (depth === 2 && inFeedTitle && name === 'title') {
          feedTitle = fieldText;
          feedTitleSeen = true;
          inFeedTitle = false;
        } else if (depth === 2 && entry && name === 'entry') {
          const { published, updated } = entry;
          entries.push({ id: entry.id, title: entry.title, link: entry.alternate ?? entry.link, date: published || updated || null, content: entry.content, summary: entry.summary });
          entry = null;
        }
        depth--;
      },
      oncdatastart() {
        justOpened = null;
      },
      oncomment() {
        justOpened = null;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );

  let sliceStart = performance.now();
  for (let i = 0; i < text.length && !notAtom && malformed === null; i += chunk) {
    parser.write(text.slice(i, i + chunk));
    if (performance.now() - sliceStart > SLICE_MS) {
      await setImmediate();
      sliceStart = performance.now();
    }
  }
  if (notAtom) return { kind: 'not-atom', root };
  parser.end();
  if (root === null) return { kind: 'not-atom', root: null };
  if (malformed !== null) return { kind: 'malformed', reason: malformed };
  return { kind: 'atom', title: feedTitle, entries };
}
