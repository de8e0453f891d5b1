// A statement's words, for cheap "could this pattern match at all?" checks. Lowercased, every run
// of non-letters and non-digits drops out: "Re-released CVE-2024-1 images" → re, released, cve,
// 2024, 1, images. A hint is a word prefix ("deprecat") or a phrase of words whose last word may be
// a prefix ("no longer", "end of"). Mentions (framework names) and predicates (kind cues) register
// their hints here when their modules load, each under a number; a statement's words are then
// looked up once, for all of them, and the answer is one byte per number.
//
// The hints live in one trie over the 36 letters and digits plus a word break. Walking a statement
// is a few small-array reads per character from each word's start, with no word list and no
// substring allocated (this runs on every statement of every changed document). The trie is built
// from maps and then laid out compactly (the root's 37 children in a row, every other node's few
// children as a short sorted list): a full 37-wide table per node was a quarter of a megabyte,
// and its cache misses made the walk twice as slow inside the reader as on its own.

const WORD = /[a-z0-9]+/g;

export function normalizeWords(text: string): string[] {
  // String.prototype.match with a global pattern resets it and leaves nothing behind.
  return text.toLowerCase().match(WORD) ?? [];
}

/** Which registered hints a text has: `hints[id] === 1` when the text has one of hint `id`'s words. */
export type Hints = Uint8Array;

const SYMBOLS = 37; // a–z, 0–9, and the break between two words of a phrase
const BREAK = 36;
/**
 * The trie symbol of a character as toLowerCase() would make it, or -1 when it is not part of a
 * word: A–Z and a–z, 0–9, and the Kelvin sign (it lowercases to "k"; the only other character that
 * lowercases to a letter or digit, "İ", is lowercased by the caller).
 */
const SYMBOL = new Int8Array(128).fill(-1);
for (let c = 97; c <= 122; c++) SYMBOL[c] = c - 97;
for (let c = 65; c <= 90; c++) SYMBOL[c] = c - 65;
for (let c = 48; c <= 57; c++) SYMBOL[c] = c - 22;
const KELVIN = 0x212a;
const symbolOf = (c: number): number => (c < 128 ? (SYMBOL[c] ?? -1) : c === KELVIN ? 10 : -1);

interface BuildNode {
  children: Map<number, number>;
  /** Hints that end here and match whatever follows (the text's word may go on). */
  prefixIds: number[];
  /**
   * One-letter hints ("r") end here and match only the whole word "r" (a hint's first word is
   * matched on at least its first two letters, so "r" does not hint at every word starting with r).
   */
  wordIds: number[];
}

/** The trie laid out for walking; node 0 is the root. */
interface Layout {
  /** The root's child by symbol, or 0. */
  root: Int32Array;
  /** Node n's children: edges firstEdge[n] … firstEdge[n + 1] − 1, sorted by symbol. */
  firstEdge: Int32Array;
  edgeSymbol: Uint8Array;
  edgeTarget: Int32Array;
  /** Per node: 1 if a prefix hint ends there, 2 if a one-letter hint does. */
  endsHere: Uint8Array;
  /** Node n's prefix hints: prefixIds[firstPrefix[n]] … prefixIds[firstPrefix[n + 1] − 1] (flat, like the edges). */
  firstPrefix: Int32Array;
  prefixIds: Int32Array;
  wordIds: number[][];
}

export class HintTrie {
  private readonly nodes: BuildNode[] = [{ children: new Map(), prefixIds: [], wordIds: [] }];
  private layout: Layout | null = null;
  /** Ids are 0 … count − 1: the length of what `find` returns. */
  count = 0;

  add(hint: string, id: number): void {
    const words = normalizeWords(hint);
    if (words.length === 0) throw new Error(`empty hint "${hint}"`);
    this.count = Math.max(this.count, id + 1);
    this.layout = null;
    let node = 0;
    words.forEach((word, i) => {
      if (i > 0) node = this.step(node, BREAK);
      for (let k = 0; k < word.length; k++) node = this.step(node, symbolOf(word.charCodeAt(k)));
    });
    const end = this.nodes[node] as BuildNode;
    if (words.length === 1 && (words[0] ?? '').length === 1) end.wordIds.push(id);
    else end.prefixIds.push(id);
  }

  private step(node: number, symbol: number): number {
    const children = (this.nodes[node] as BuildNode).children;
    const existing = children.get(symbol);
    if (existing !== undefined) return existing;
    this.nodes.push({ children: new Map(), prefixIds: [], wordIds: [] });
    children.set(symbol, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  private laidOut(): Layout {
    if (this.layout) return this.layout;
    const n = this.nodes.length;
    const firstEdge = new Int32Array(n + 1);
    const edges = this.nodes.reduce((sum, b) => sum + b.children.size, 0);
    const edgeSymbol = new Uint8Array(edges);
    const edgeTarget = new Int32Array(edges);
    const root = new Int32Array(SYMBOLS);
    const endsHere = new Uint8Array(n);
    const firstPrefix = new Int32Array(n + 1);
    const prefixIds = new Int32Array(this.nodes.reduce((sum, b) => sum + b.prefixIds.length, 0));
    let e = 0;
    let p = 0;
    this.nodes.forEach((b, i) => {
      firstEdge[i] = e;
      for (const [symbol, target] of [...b.children].sort((x, y) => x[0] - y[0])) {
        edgeSymbol[e] = symbol;
        edgeTarget[e++] = target;
        if (i === 0) root[symbol] = target;
      }
      endsHere[i] = (b.prefixIds.length > 0 ? 1 : 0) | (b.wordIds.length > 0 ? 2 : 0);
      firstPrefix[i] = p;
      for (const id of b.prefixIds) prefixIds[p++] = id;
    });
    firstEdge[n] = e;
    firstPrefix[n] = p;
    this.layout = { root, firstEdge, edgeSymbol, edgeTarget, endsHere, firstPrefix, prefixIds, wordIds: this.nodes.map((b) => b.wordIds) };
    return this.layout;
  }

  /** Every hint found in the text: from each word's start, down the trie as far as the text goes. */
  find(text: string): Hints {
    const out = new Uint8Array(this.count);
    const layout = this.laidOut();
    const { endsHere, firstPrefix, prefixIds, wordIds } = layout;
    // "İ" lowercases to two characters ("i" and a combining dot): only then is a lowercased copy needed.
    const lower = text.includes('\u0130') ? text.toLowerCase() : text;
    const n = lower.length;
    // The text's symbols, once, in a buffer kept between calls (find runs to its end without
    // yielding, so calls never overlap): the walk below reads most characters more than once.
    // symbols[n] is −1, so a walk stops at the end without a bounds check. (No closures here:
    // this runs on every statement, and two per call were a tenth of what reading allocates.)
    if (symbolBuffer.length <= n) symbolBuffer = new Int8Array(Math.max(n + 1, symbolBuffer.length * 2));
    const symbols = symbolBuffer;
    for (let k = 0; k < n; k++) symbols[k] = symbolOf(lower.charCodeAt(k));
    symbols[n] = -1;
    let i = 0;
    while (i < n) {
      while (i < n && (symbols[i] ?? -1) < 0) i++;
      if (i >= n) break;
      const wordStart = i;
      let node = 0;
      let j = i;
      let firstWordEnd = -1;
      // Down the trie from this word's start, across the words after it while a phrase goes on.
      walk: for (;;) {
        for (let s = symbols[j] ?? -1; s >= 0; s = symbols[++j] ?? -1) {
          node = childOf(layout, node, s);
          if (node === 0) break walk;
          if ((endsHere[node] ?? 0) & 1) for (let k = firstPrefix[node] ?? 0, last = firstPrefix[node + 1] ?? 0; k < last; k++) out[prefixIds[k] ?? 0] = 1;
        }
        // The text's word ends here.
        if (firstWordEnd < 0) {
          firstWordEnd = j;
          if (j - wordStart === 1 && (endsHere[node] ?? 0) & 2) for (const id of wordIds[node] ?? []) out[id] = 1;
        }
        while (j < n && (symbols[j] ?? -1) < 0) j++;
        if (j >= n) break;
        node = childOf(layout, node, BREAK);
        if (node === 0) break;
      }
      // The next word: after this one (where the walk saw it end, or further when the walk stopped inside it).
      i = firstWordEnd >= 0 ? firstWordEnd : j;
      while (i < n && (symbols[i] ?? -1) >= 0) i++;
    }
    return out;
  }
}

/** Node `node`'s child on `symbol`, or 0 (the root's children are a table, the others a short sorted list). */
function childOf(layout: Layout, node: number, symbol: number): number {
  if (node === 0) return layout.root[symbol] ?? 0;
  const { firstEdge, edgeSymbol, edgeTarget } = layout;
  for (let k = firstEdge[node] ?? 0, last = firstEdge[node + 1] ?? 0; k < last; k++) {
    const at = edgeSymbol[k] ?? 0;
    if (at === symbol) return edgeTarget[k] ?? 0;
    if (at > symbol) return 0;
  }
  return 0;
}

let symbolBuffer = new Int8Array(4096);

/**
 * The one trie every reading module adds its hints to, at module load (before anything is read;
 * read-only afterwards).
 */
const shared = new HintTrie();

/** Registers what stands for one pattern (a cue, a framework name) and returns its number. */
export function registerHints(hints: string[]): number {
  if (hints.length === 0) throw new Error('a pattern needs at least one hint');
  const id = shared.count;
  for (const h of hints) shared.add(h, id);
  return id;
}

/** Everything a statement's words hint at, found in one pass. */
export function hintsOf(text: string): Hints {
  return shared.find(text);
}
