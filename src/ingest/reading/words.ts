// A statement's words, for cheap "could this pattern match at all?" checks. Lowercased, every run
// of non-letters and non-digits one space: "Re-released CVE-2024-1 images" → "re released cve 2024
// 1 images". A hint is a word prefix ("deprecat") or a phrase of words ("no longer"); the index
// finds the hints of a text with a few map lookups per word instead of scanning it once per hint.

const WORD = /[a-z0-9]+/g;

export function normalizeWords(text: string): string[] {
  // String.prototype.match with a global pattern resets it and leaves nothing behind.
  return text.toLowerCase().match(WORD) ?? [];
}

export class HintIndex<T> {
  /** Hints by their first (up to) three characters. */
  private readonly byKey = new Map<string, { words: string[]; value: T }[]>();

  constructor(entries: Iterable<[hint: string, value: T]>) {
    for (const [hint, value] of entries) {
      const words = normalizeWords(hint);
      const head = words[0];
      if (!head) throw new Error(`empty hint "${hint}"`);
      const key = head.slice(0, 3);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), { words, value }]);
    }
  }

  /** The values of every hint found in these words (a hint's last word may be a prefix of the text's word). */
  find(words: string[]): Set<T> {
    const out = new Set<T>();
    for (let i = 0; i < words.length; i++) {
      const w = words[i] ?? '';
      this.match(words, i, this.byKey.get(w.length > 3 ? w.slice(0, 3) : w), out);
      if (w.length >= 3) this.match(words, i, this.byKey.get(w.slice(0, 2)), out);
    }
    return out;
  }

  private match(words: string[], i: number, candidates: { words: string[]; value: T }[] | undefined, out: Set<T>): void {
    if (!candidates) return;
    for (const h of candidates) {
      const last = h.words.length - 1;
      let ok = true;
      for (let k = 0; k < last && ok; k++) ok = words[i + k] === h.words[k];
      if (ok && (words[i + last] ?? '').startsWith(h.words[last] ?? '')) out.add(h.value);
    }
  }
}
