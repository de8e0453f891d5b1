// Atom documents → entries, in one streaming pass of htmlparser2 in XML mode (no tree is built).
//
// Every source we ship is an Atom feed, and rss-parser (xml2js over sax) takes longer to read one
// than we take to read every note in it: it builds an object tree of the whole document, then
// rss-parser walks it. This reader keeps only what an entry needs (id, title, link, date, content)
// and is checked against rss-parser on every real feed we have (test/unit/atom.test.ts): the same
// entries, field by field. A document whose root is not <feed> (RSS 2.0, RSS 1.0/RDF) is left to
// rss-parser (`not-atom`).
//
// htmlparser2 is lenient; a feed we act on must be whole. Refused as malformed: an element closed
// by the end of the document or by the close of an outer element (a truncated or mismatched
// document, which would otherwise read as a feed with fewer entries) and nesting deeper than
// MAX_DEPTH (htmlparser2's stack costs the square of the depth). Accepted, as
// sax in its lenient mode (under rss-parser) accepted them: a stray close tag, unquoted attributes,
// a bare "&" or "<" in text, HTML's named entities ("&eacute;", "&nbsp;"), which are decoded, and
// anything after the root element closes, which is not read (as rss-parser ignored it).
//
// State lives in the call: two documents read at the same moment share nothing (issue #11).
import { setImmediate } from 'node:timers/promises';
import { decodeHTML } from 'entities';
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

/** Characters handed to the parser at a time; between chunks the event loop gets a turn if SLICE_MS have passed. */
const CHUNK = 64 * 1024;
const SLICE_MS = 8;
/** Real feeds nest a few levels (feed > entry > content > markup); a thousand is an attack or a broken document. */
const MAX_DEPTH = 1_000;

type Field = 'id' | 'title' | 'published' | 'updated' | 'content' | 'summary';
const FIELDS = new Set<string>(['id', 'title', 'published', 'updated', 'content', 'summary']);
/** Fields whose child elements are markup to keep (XHTML, or HTML written unescaped). */
const MARKUP_FIELDS = new Set<string>(['content', 'summary']);

interface EntryBeingRead {
  id: string | null;
  title: string | null;
  content: string | null;
  summary: string | null;
  published: string | null;
  updated: string | null;
  alternate: string | null;
  firstLink: string | null;
  linked: boolean;
  seen: Set<Field>;
}

/**
 * Text of a field as it arrives: entity references are decoded once the field (or a run of text
 * before a CDATA section) is complete, since a chunk boundary can cut one in two; CDATA is taken
 * as written.
 */
class FieldText {
  private done = '';
  private raw = '';
  add(data: string, cdata: boolean): void {
    if (cdata) {
      this.flush();
      this.done += data;
    } else this.raw += data;
  }
  value(): string {
    this.flush();
    return this.done;
  }
  private flush(): void {
    if (this.raw !== '') this.done += decodeHTML(this.raw);
    this.raw = '';
  }
}

const escapeText = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `chunk` is how many characters the parser is given at a time (tests make it small). */
export async function readAtom(text: string, chunk = CHUNK): Promise<AtomReading> {
  const entries: AtomEntry[] = [];
  let root: string | null = null;
  let rootClosed = false;
  let feedTitle: string | null = null;
  let malformed: string | null = null;
  let notAtom = false;
  let depth = 0;
  let inCdata = false;
  // The element opened last, while nothing else has happened since. A self-closing tag ("<link/>")
  // is reported as opened and then closed "implied"; only the "/" before its ">" tells it apart
  // from an element cut off by the end of the document or by an outer close tag.
  let justOpened: string | null = null;

  let entry: EntryBeingRead | null = null;
  // The field being collected (of the entry, or the feed's title), where its markup starts in the
  // document, and whether it has child elements (then content is taken as written).
  let field: Field | null = null;
  let fieldText = new FieldText();
  let fieldFrom = -1;
  let fieldHasElements = false;
  let inFeedTitle = false;
  let feedTitleSeen = false;

  const fail = (reason: string): void => {
    if (malformed !== null) return;
    malformed = reason;
    parser.pause(); // nothing more of this document is read
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        justOpened = name;
        if (depth > MAX_DEPTH) return fail(`elements nest deeper than ${MAX_DEPTH} levels`);
        if (depth === 1) {
          root = name;
          if (name !== 'feed') {
            notAtom = true;
            parser.pause();
          }
          return;
        }
        if (field !== null) {
          fieldHasElements = true;
          return;
        }
        if (depth === 2) {
          if (name === 'entry') entry = { id: null, title: null, content: null, summary: null, published: null, updated: null, alternate: null, firstLink: null, linked: false, seen: new Set() };
          else if (name === 'title' && !feedTitleSeen) {
            inFeedTitle = true;
            fieldText = new FieldText();
          }
          return;
        }
        if (depth !== 3 || !entry) return;
        if (name === 'link') {
          // rss-parser's rule: the first rel="alternate" link, else the first link.
          const href = attribs.href === undefined ? null : decodeHTML(attribs.href);
          if (attribs.rel === 'alternate' && entry.alternate === null) entry.alternate = href;
          if (!entry.linked) entry.firstLink = href;
          entry.linked = true;
          return;
        }
        // The first of each field counts, as rss-parser takes `entry.<field>[0]`.
        if (FIELDS.has(name) && !entry.seen.has(name as Field)) {
          field = name as Field;
          fieldText = new FieldText();
          fieldFrom = parser.endIndex + 1;
          fieldHasElements = false;
        }
      },
      ontext(data) {
        justOpened = null;
        if (field !== null || inFeedTitle) fieldText.add(data, inCdata);
      },
      onclosetag(name, isImplied) {
        const selfClosed = justOpened === name && text.charCodeAt(parser.endIndex - 1) === 47; // "/>"
        justOpened = null;
        if (isImplied && !selfClosed) fail(`<${name}> is not closed`);
        if (depth === 3 && entry && field === name) {
          let value = fieldText.value();
          if (fieldHasElements && MARKUP_FIELDS.has(field)) {
            // Markup inside the field (XHTML, or HTML written unescaped): as written, with CDATA
            // sections as text (an HTML parser would read them as comments and lose them).
            value = text.slice(fieldFrom, parser.startIndex).replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, t: string) => escapeText(t));
          }
          entry.seen.add(field);
          entry[field] = value;
          field = null;
        } else if (depth === 2 && inFeedTitle && name === 'title') {
          feedTitle = fieldText.value();
          feedTitleSeen = true;
          inFeedTitle = false;
        } else if (depth === 2 && entry && name === 'entry') {
          const e: EntryBeingRead = entry;
          entries.push({ id: e.id, title: e.title, link: e.alternate ?? e.firstLink, date: e.published || e.updated || null, content: e.content, summary: e.summary });
          entry = null;
        }
        depth--;
        if (depth === 0) {
          rootClosed = true;
          parser.pause(); // the document ends with its root
        }
      },
      oncdatastart() {
        justOpened = null;
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
      oncomment() {
        justOpened = null;
      },
    },
    // Entities are decoded by FieldText (HTML's named entities too, as sax did); XML mode would
    // know only the five of XML.
    { xmlMode: true, decodeEntities: false },
  );

  let sliceStart = performance.now();
  for (let i = 0; i < text.length && !notAtom && !rootClosed && malformed === null; i += chunk) {
    parser.write(text.slice(i, i + chunk));
    if (performance.now() - sliceStart > SLICE_MS) {
      await setImmediate();
      sliceStart = performance.now();
    }
  }
  if (notAtom) return { kind: 'not-atom', root };
  if (malformed === null) parser.end();
  if (root === null) return { kind: 'not-atom', root: null };
  if (malformed !== null) return { kind: 'malformed', reason: malformed };
  return { kind: 'atom', title: feedTitle, entries };
}
