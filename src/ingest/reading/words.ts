// A statement's words, for cheap "could this pattern match at all?" checks. Lowercased, every run
// of non-letters and non-digits drops out: "Re-released CVE-2024-1 images" → re, released, cve,
// 2024, 1, images. A hint is a word prefix ("deprecat") or a phrase of words whose last word may be
// a prefix ("no longer", "end of"). Mentions (framework names) and predicates (kind cues) register
// their hints here when their modules load, each under a number; a statement's words are then
// looked up once, for all of them, and the answer is one byte per number.
//
// The hints live in one trie over the 36 letters and digits plus a word break, as a flat table of
// transitions: walking a statement is one table read per character from each word's start, with no
// word list and no substring allocated (this runs on every statement of every changed document).

const WORD = /[a-z0-9]+/g;

export function normalizeWords(text: string): string[] {
  // String.prototype.match with a global pattern resets it and leaves nothing behind.
  return text.toLowerCase().match(WORD) ?? [];
}

/** Which registered hints a text has: `hints[id] === 1` when the text has one of hint `id`'s words. */
export type Hints = Uint8Array;

const SYMBOLS = 37; // a–z, 0–9, and the break between two words of a phrase
const BREAK = 36;
/** The trie symbol of a lowercased character, or -1 when it is not part of a word. */
const SYMBOL = new Int8Array(128).fill(-1);
for (let c = 97; c <= 122; c++) SYMBOL[c] = c - 97;
for (let c = 48; c <= 57; c++) SYMBOL[c] = c - 22;
const symbolOf = (c: number): number => (c < 128 ? (SYMBOL[c] ?? -1) : -1);

export class HintTrie {
  /** next[node * SYMBOLS + symbol]: the node reached, or 0 (the root is never reached again). */
  private next = new Int32Array(SYMBOLS * 64);
  private nodes = 1;
  /** Hints that end at a node: they match whatever follows (the text's word may go on). */
  private readonly prefixEnds = new Map<number, number[]>();
  /**
   * One-letter hints ("r"): only the whole word "r" (a hint's first word is matched on at least
   * its first two letters, so "r" does not hint at every word starting with r).
   */
  private readonly wordEnds = new Map<number, number[]>();
  /** Per node: 1 if a hint ends there, 2 if a one-letter hint does (most nodes: 0, no map lookup). */
  private endsHere = new Uint8Array(64);
  /** Ids are 0 … count − 1: the length of what `find` returns. */
  count = 0;

  add(hint: string, id: number): void {
    const words = normalizeWords(hint);
    if (words.length === 0) throw new Error(`empty hint "${hint}"`);
    this.count = Math.max(this.count, id + 1);
    let node = 0;
    words.forEach((word, i) => {
      if (i > 0) node = this.step(node, BREAK);
      for (let k = 0; k < word.length; k++) node = this.step(node, symbolOf(word.charCodeAt(k)));
    });
    const oneLetter = words.length === 1 && (words[0] ?? '').length === 1;
    const ends = oneLetter ? this.wordEnds : this.prefixEnds;
    if (node >= this.endsHere.length) {
      const grown = new Uint8Array(this.next.length / SYMBOLS);
      grown.set(this.endsHere);
      this.endsHere = grown;
    }
    this.endsHere[node] = (this.endsHere[node] ?? 0) | (oneLetter ? 2 : 1);
    const list = ends.get(node);
    if (list) list.push(id);
    else ends.set(node, [id]);
  }

  private step(node: number, symbol: number): number {
    const at = node * SYMBOLS + symbol;
    const existing = this.next[at] ?? 0;
    if (existing !== 0) return existing;
    if ((this.nodes + 1) * SYMBOLS > this.next.length) {
      const grown = new Int32Array(this.next.length * 2);
      grown.set(this.next);
      this.next = grown;
    }
    this.next[at] = this.nodes;
    return this.nodes++;
  }

  /** Every hint found in the text: from each word's start, down the trie as far as the text goes. */
  find(text: string): Hints {
    const out = new Uint8Array(this.count);
    const lower = text.toLowerCase();
    const n = lower.length;
    const next = this.next;
    const endsHere = this.endsHere;
    // (Never read past the end: charCodeAt there is NaN, and a NaN in this loop makes it slow.)
    const symbolAt = (k: number): number => (k < n ? symbolOf(lower.charCodeAt(k)) : -1);
    let i = 0;
    while (i < n) {
      while (i < n && symbolAt(i) < 0) i++;
      if (i >= n) break;
      const wordStart = i;
      let node = 0;
      let j = i;
      let firstWordEnd = -1;
      // Down the trie from this word's start, across the words after it while a phrase goes on.
      walk: for (;;) {
        for (let s = symbolAt(j); s >= 0; s = symbolAt(++j)) {
          node = next[node * SYMBOLS + s] ?? 0;
          if (node === 0) break walk;
          const ends = endsHere[node] ?? 0;
          if (ends & 1) for (const id of this.prefixEnds.get(node) as number[]) out[id] = 1;
        }
        // The text's word ends here.
        if (firstWordEnd < 0) {
          firstWordEnd = j;
          if (j - wordStart === 1 && (endsHere[node] ?? 0) & 2) for (const id of this.wordEnds.get(node) as number[]) out[id] = 1;
        }
        while (j < n && symbolAt(j) < 0) j++;
        if (j >= n) break;
        node = next[node * SYMBOLS + BREAK] ?? 0;
        if (node === 0) break;
      }
      // The next word: after this one (where the walk saw it end, or further when the walk stopped inside it).
      i = firstWordEnd >= 0 ? firstWordEnd : j;
      while (i < n && symbolAt(i) >= 0) i++;
    }
    return out;
  }
}

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
