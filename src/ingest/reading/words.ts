// A statement's words, for cheap "could this pattern match at all?" checks. Lowercased, every run
// of non-letters and non-digits dropped: "Re-released CVE-2024-1 images" → re, released, cve,
// 2024, 1, images. A hint is a word prefix ("deprecat") or a phrase of words ("no longer"); the
// index finds every hint of a text with a few map lookups per word instead of scanning the text
// once per pattern. Mentions (framework names) and predicates (kind cues) register their hints
// here when their modules load, so a statement's words are looked up once for both.

const WORD = /[a-z0-9]+/g;

export function normalizeWords(text: string): string[] {
  // String.prototype.match with a global pattern resets it and leaves nothing behind.
  return text.toLowerCase().match(WORD) ?? [];
}

interface Entry<T> {
  words: string[];
  value: T;
}

/** The first (up to) three characters of a word as a number: no substring allocated per lookup. */
const keyOf = (w: string, n: number): number => {
  let k = 0;
  for (let i = 0; i < n && i < w.length; i++) k = k * 128 + (w.charCodeAt(i) & 127);
  return k * 4 + Math.min(n, w.length);
};

export class HintIndex<T> {
  /** Hints by their first (up to) three characters. */
  private readonly byKey = new Map<number, Entry<T>[]>();

  constructor(entries: Iterable<[hint: string, value: T]> = []) {
    for (const [hint, value] of entries) this.add(hint, value);
  }

  add(hint: string, value: T): void {
    const words = normalizeWords(hint);
    const head = words[0];
    if (!head) throw new Error(`empty hint "${hint}"`);
    const key = keyOf(head, 3);
    const list = this.byKey.get(key);
    if (list) list.push({ words, value });
    else this.byKey.set(key, [{ words, value }]);
  }

  /** The values of every hint found in these words (a hint's last word may be a prefix of the text's word). */
  find(words: string[]): Set<T> {
    const out = new Set<T>();
    for (let i = 0; i < words.length; i++) {
      const w = words[i] ?? '';
      this.match(words, i, this.byKey.get(keyOf(w, 3)), out);
      if (w.length >= 3) this.match(words, i, this.byKey.get(keyOf(w, 2)), out);
    }
    return out;
  }

  private match(words: string[], i: number, candidates: Entry<T>[] | undefined, out: Set<T>): void {
    if (!candidates) return;
    for (const h of candidates) {
      const last = h.words.length - 1;
      let ok = true;
      for (let k = 0; k < last && ok; k++) ok = words[i + k] === h.words[k];
      if (ok && (words[i + last] ?? '').startsWith(h.words[last] ?? '')) out.add(h.value);
    }
  }
}

/**
 * The one index every reading module adds its hints to, at module load (before anything is read;
 * read-only afterwards). A value is the object the hint stands for (a cue, a framework name).
 */
const shared = new HintIndex<object>();

export function registerHints(value: object, hints: string[]): void {
  for (const h of hints) shared.add(h, value);
}

/** Everything a statement's words hint at, found in one pass. */
export function hintsOf(words: string[]): Set<object> {
  return shared.find(words);
}
