// Entry HTML → notes. Google's release-note entries are one per day; inside, each attribute-less
// <h3>Type</h3> starts a note (Feature, Changed, Fixed, Security…). In the all-products feed,
// <h2 class="release-note-product-title"> first says which product the following notes belong to.
// <h3 id=…> and <h4> are sub-headings inside a note, not new notes.
import { parseDocument } from 'htmlparser2';
import { isCDATA, isTag, isText, type AnyNode, type Element } from 'domhandler';
import { getElementsByTagName, textContent } from 'domutils';
import type { NoteType } from '../domain/events.js';

export interface Statement {
  /** The statement's own text (a paragraph, a list item, a table row). */
  text: string;
  /** Lead-in it belongs to: "The following framework versions have reached…:" for its list items. */
  context: string | null;
  /** Contents of <code> inside the statement (image names, families). */
  codes: string[];
}

export interface Note {
  product: string | null;
  type: NoteType;
  heading: string;
  /** The note's label line as written, e.g. "M129 release", "General Availability". */
  label: string | null;
  /** "M129" when the label is a DLVM release label. */
  release: string | null;
  statements: Statement[];
  /** Whole note as plain text, label included. */
  text: string;
}

const TYPE_BY_HEADING: Record<string, NoteType> = {
  feature: 'feature',
  features: 'feature',
  changed: 'changed',
  change: 'changed',
  changes: 'changed',
  fixed: 'fixed',
  fix: 'fixed',
  security: 'security',
  announcement: 'announcement',
  deprecated: 'deprecated',
  deprecation: 'deprecated',
  breaking: 'breaking',
  issue: 'issue',
  issues: 'issue',
  'known issue': 'issue',
  libraries: 'libraries',
};

// Headings that are not one of Google's note types but say which kind of note they head
// ("Known Issues", "Package Deprecation", "Model Fixes", "Security Advisory").
const TYPE_BY_WORD: [RegExp, NoteType][] = [
  [/\bknown (?:issues?|limitations?)\b|\blimitations?\b/i, 'issue'],
  [/\bdeprecat/i, 'deprecated'],
  [/\bbreaking\b/i, 'breaking'],
  [/\bsecurity\b/i, 'security'],
  [/\bfix(?:es|ed)?\b/i, 'fixed'],
];

export function noteTypeOf(heading: string): NoteType {
  const h = heading.trim().toLowerCase();
  return TYPE_BY_HEADING[h] ?? TYPE_BY_WORD.find(([re]) => re.test(h))?.[1] ?? 'other';
}

/** The characters `\s` matches (JavaScript's white space and line terminators, no-break space included). */
const isSpace = (c: number): boolean => (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
/** . , ; : ) — no space before them. */
const isClosing = (c: number): boolean => c === 46 || c === 44 || c === 59 || c === 58 || c === 41;

/**
 * Text as a statement: every run of white space one space, none at the ends, none before . , ; : )
 * or after ( (the text rendering leaves them around links and code). It is, character for
 * character, `text.replace(/\s+/g, ' ').trim()` followed by removing " " before [.,;:)] and after
 * "(" (note ids are made of it, so it must never change; test/unit/notes-text.test.ts holds it to
 * that definition). Written as one pass over the words because it runs on every element of every
 * note, and the regular-expression passes were a quarter of splitting notes.
 */
export function cleanText(text: string): string {
  if (isClean(text)) return text; // most element texts: no new string
  const n = text.length;
  let out = '';
  let lastChar = -1;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    let j = i + 1;
    while (j < n && !isSpace(text.charCodeAt(j))) j++;
    if (i === 0 && j === n) return text; // one word, nothing to clean
    if (lastChar !== -1 && !isClosing(text.charCodeAt(i)) && lastChar !== 40) out += ' ';
    out += text.slice(i, j);
    lastChar = text.charCodeAt(j - 1);
    i = j;
  }
  return out;
}

/** Already what cleanText makes of it: single spaces between words, none at the ends, none before . , ; : ) or after (. */
function isClean(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(n - 1))) return false;
  for (let i = 1; i < n - 1; i++) {
    const c = text.charCodeAt(i);
    if (!isSpace(c)) continue;
    if (c !== 32) return false;
    const next = text.charCodeAt(i + 1);
    if (isSpace(next) || isClosing(next) || text.charCodeAt(i - 1) === 40) return false;
  }
  return true;
}

const RELEASE_LABEL = /^(M\d+(?:\.\d+)?)\b/i;

interface RawNote {
  product: string | null;
  heading: string;
  nodes: AnyNode[];
}

/**
 * How product titles are compared: case, spacing, punctuation and a plural "s" do not matter
 * ("Deep Learning VM Image" = "Deep Learning VM Images" = "deep learning vm images"), in any
 * script ("日本語" ≠ "한국어"); "C", "C++" and "C#" stay apart.
 */
export function productKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // accents: "Ünïcode" = "Unicode"
    .toLowerCase()
    // Letters of any script and digits count, and the "+" and "#" of C++ and C#; the rest separates.
    .replace(/[^\p{L}\p{N}+#]+/gu, ' ')
    .trim()
    .split(' ')
    .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w))
    .join(' ');
}

/** The product titles (<h2 class="release-note-product-title">) of an all-products feed entry. */
export function productTitles(html: string): string[] {
  const doc = parseDocument(html, { decodeEntities: true });
  return doc.children.filter((n): n is Element => isTag(n) && n.tagName === 'h2' && (n.attribs.class ?? '').split(/\s+/).includes('release-note-product-title')).map(text);
}

export function splitNotes(html: string, options: { products?: string[] } = {}): Note[] {
  // htmlparser2 (the parser under cheerio): lenient with the fragments feeds carry, and used
  // directly because a cheerio wrapper costs time and the walk below only needs the nodes.
  const doc = parseDocument(html, { decodeEntities: true });
  const raw: RawNote[] = [];
  let product: string | null = null;
  let current: RawNote | null = null;
  const wanted = options.products?.map(productKey);

  for (const node of doc.children) {
    if (isTag(node)) {
      const el = node;
      if (el.tagName === 'h2' && (el.attribs.class ?? '').split(/\s+/).includes('release-note-product-title')) {
        product = text(el);
        current = null;
        continue;
      }
      if (el.tagName === 'h3' && Object.keys(el.attribs).length === 0) {
        current = { product, heading: text(el), nodes: [] };
        raw.push(current);
        continue;
      }
    } else if (isText(node) && node.data.trim() === '') {
      continue;
    }
    if (!current) {
      // Content before the first type heading: keep it as an untyped note so nothing is lost.
      current = { product, heading: '', nodes: [] };
      raw.push(current);
    }
    current.nodes.push(node);
  }

  return raw
    .filter((r) => !wanted || (r.product !== null && wanted.includes(productKey(r.product))))
    .map(buildNote);
}

function buildNote(raw: RawNote): Note {
  let label: string | null = null;
  let nodes = raw.nodes;
  const first = nodes[0];
  if (first && isTag(first) && first.tagName === 'p') {
    const strong = childTags(first, ['strong', 'b']);
    const pText = text(first);
    // "<p><strong>M129 release</strong></p>", or a bare "<p>M125 release</p>" line.
    const bareLabel = /^M\d+(?:\.\d+)?\s+(?:release|update)s?(?:\s+updates?)?$/i.test(pText);
    if ((strong.length === 1 && strong[0] && text(strong[0]) === pText && pText !== '') || bareLabel) {
      label = pText;
      nodes = nodes.slice(1);
    }
  }
  const release = label ? (RELEASE_LABEL.exec(label)?.[1]?.toUpperCase() ?? null) : null;
  const collected: Statement[] = [];
  collectStatements(nodes, null, collected);
  // (A loop, not flatMap: every note passes here, and flatMap with one array per statement was
  // the costliest line of splitting notes.)
  const statements: Statement[] = [];
  const textParts: string[] = label ? [label] : [];
  for (const s of collected) {
    if (s.text.length <= MAX_STATEMENT_CHARS) statements.push(s);
    else statements.push(...inPieces(s));
  }
  for (const s of statements) if (s.text) textParts.push(s.text);
  return {
    product: raw.product,
    type: noteTypeOf(raw.heading),
    heading: raw.heading,
    label,
    release,
    statements,
    text: textParts.join('\n'),
  };
}

/**
 * The longest statement read as one. Real notes stay far below it (the longest paragraph in all
 * of Google's all-products feed is about 6.8 KB); a longer one is read in pieces cut at a sentence
 * end, else at a clause or word break. The reader's patterns look around each mention, so a
 * statement naming a framework thousands of times (hostile feed text) cost time growing with the
 * square of its length; in pieces it grows linearly, and every piece is still read. A piece after
 * the first is read with the statement's opening as its lead-in (unless the statement has one),
 * so that "The following images are deprecated: a, b, …" still says what its later items are.
 */
export const MAX_STATEMENT_CHARS = 16 * 1024;
const OPENING_CHARS = 300;

/**
 * Where to cut `window`: after its last mark of `marks` followed by white space (after its last
 * white space when `marks` is empty), if that is in its second half. Scanned from the end: a
 * pattern that looked ahead for "no later mark" read the window once per mark.
 */
function lastBreak(window: string, marks: string): number | null {
  for (let i = window.length - 2; i > window.length / 2; i--) {
    const space = /\s/.test(window.charAt(i + 1));
    if (marks === '' ? /\s/.test(window.charAt(i)) : space && marks.includes(window.charAt(i))) return i + (marks === '' ? 1 : 2);
  }
  return null;
}

/** A statement longer than MAX_STATEMENT_CHARS, in pieces (buildNote keeps shorter ones whole). */
function inPieces(s: Statement): Statement[] {
  const pieces: string[] = [];
  let rest = s.text;
  while (rest.length > MAX_STATEMENT_CHARS) {
    const window = rest.slice(0, MAX_STATEMENT_CHARS);
    const end = lastBreak(window, '.!?') ?? lastBreak(window, ';,') ?? lastBreak(window, '') ?? MAX_STATEMENT_CHARS;
    pieces.push(rest.slice(0, end).trim());
    rest = rest.slice(end);
  }
  if (rest.trim()) pieces.push(rest.trim());
  // The opening: up to its first colon ("The following … are deprecated:"), else its first words.
  const colon = s.text.indexOf(':');
  const opening = colon > 0 && colon < OPENING_CHARS ? s.text.slice(0, colon + 1) : s.text.slice(0, OPENING_CHARS).replace(/\s+\S*$/, '');
  return pieces.map((text, i) => ({ text, context: i === 0 ? s.context : (s.context ?? opening), codes: s.codes.filter((c) => text.includes(c)) }));
}

// The walk below uses domutils on the parsed nodes directly: wrapping every node in a Cheerio
// object made note splitting several times slower than parsing the feed itself.
const text = (node: AnyNode): string => cleanText(textContent(node));
const childTags = (el: Element, names: string[]): Element[] => el.children.filter((c): c is Element => isTag(c) && names.includes(c.tagName));

/**
 * A statement's text and the text of each <code> in it, in one walk of the element. With
 * `withoutLists`, the text leaves out nested lists (they become statements of their own); their
 * codes still count, as the element's images. Codes are in document order, an outer <code> before
 * one inside it.
 */
function textAndCodes(el: Element, withoutLists: boolean): { text: string; codes: string[] } {
  // Most elements are one run of text ("<p>…</p>", "<li>…</li>"): no walk.
  const only = el.children.length === 1 ? el.children[0] : undefined;
  if (only && isText(only)) return { text: cleanText(only.data), codes: [] };
  const parts: string[] = [];
  const codes: string[][] = [];
  const open: string[][] = [];
  const visit = (n: AnyNode, inList: boolean): void => {
    if (isText(n)) {
      if (!inList) parts.push(n.data);
      for (const c of open) c.push(n.data);
      return;
    }
    if (!isTag(n) && !isCDATA(n)) return;
    const isCode = isTag(n) && n.tagName === 'code';
    if (isCode) {
      const code: string[] = [];
      codes.push(code);
      open.push(code);
    }
    const list = inList || (withoutLists && isTag(n) && (n.tagName === 'ul' || n.tagName === 'ol'));
    for (const c of n.children) visit(c, list);
    if (isCode) open.pop();
  };
  for (const c of el.children) visit(c, false);
  return { text: cleanText(parts.join('')), codes: codes.map((c) => cleanText(c.join(''))).filter(Boolean) };
}

/** What a "…:" paragraph frames: the list or table right after it (a table in Google's <div class="devsite-table-wrapper"> too). */
function framesNext(next: Element): boolean {
  if (next.tagName === 'ul' || next.tagName === 'ol' || next.tagName === 'table') return true;
  const inside = next.tagName === 'div' ? next.children.filter(isTag) : [];
  return inside.length === 1 && inside[0]?.tagName === 'table';
}

function collectStatements(nodes: AnyNode[], context: string | null, out: Statement[]): void {
  // A sub-heading (<h3 id=…>, <h4>) frames everything after it; a "…:" paragraph frames only the
  // list or table right after it.
  let heading: string | null = null;
  let listLead: string | null = null;
  const frame = (): string | null => listLead ?? heading ?? context;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node) continue;
    if (isText(node)) {
      const t = cleanText(node.data);
      if (t) out.push({ text: t, context: frame(), codes: [] });
      continue;
    }
    if (!isTag(node)) continue;
    const el = node;
    switch (el.tagName) {
      case 'ul':
      case 'ol':
        for (const li of childTags(el, ['li'])) {
          const { text: t, codes } = textAndCodes(li, true);
          const nested = childTags(li, ['ul', 'ol']);
          if (t) out.push({ text: t, context: frame(), codes });
          if (nested.length > 0) collectStatements(nested, t.endsWith(':') ? t : frame(), out);
        }
        listLead = null;
        break;
      case 'table': {
        for (const tr of getElementsByTagName('tr', el.children)) {
          const cells = childTags(tr, ['td']).map(text);
          if (cells.some(Boolean)) out.push({ text: cells.join(' | '), context: frame(), codes: textAndCodes(tr, false).codes });
        }
        listLead = null;
        break;
      }
      case 'h3':
      case 'h4':
      case 'h5':
        heading = text(el);
        listLead = null;
        out.push({ text: heading, context, codes: [] });
        break;
      case 'div':
      case 'section':
      case 'aside':
        collectStatements(el.children, frame(), out);
        listLead = null;
        break;
      default: {
        const { text: t, codes } = textAndCodes(el, false);
        if (!t) break;
        listLead = null;
        out.push({ text: t, context: frame(), codes });
        let next: Element | undefined;
        for (let k = i + 1; k < nodes.length && !next; k++) {
          const n = nodes[k];
          if (n && isTag(n)) next = n;
        }
        if (t.endsWith(':') && next && framesNext(next)) listLead = t;
      }
    }
  }
}
