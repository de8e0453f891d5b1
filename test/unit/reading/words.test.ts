// The hint trie finds, in one walk of a text, every registered hint it has. It is held here to the
// definition it implements, written the plain way: the text's words (lowercased letters and
// digits), a hint's words in a row, its last word a prefix of the text's word, and a one-letter
// hint only the whole one-letter word.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/ingest/feed.js';
import { splitNotes } from '../../../src/ingest/notes.js';
import { HintTrie, normalizeWords } from '../../../src/ingest/reading/words.js';
import { random } from '../../helpers/random.js';

const HINTS = ['deprecat', 'no longer', 'end of', 'e g', 'r', 'tf', 'cve-', 'not be', 'will no', 'may ', 'is now', 'image added', 'end-of-life', 're-enabled', 'rc', 'a b c'];

function definition(text: string): Set<string> {
  const words = normalizeWords(text);
  const found = new Set<string>();
  for (const hint of HINTS) {
    const h = normalizeWords(hint);
    const last = h.length - 1;
    for (let i = 0; i + last < words.length; i++) {
      const whole = h.every((w, k) => (k < last || w.length === 1 && h.length === 1 ? words[i + k] === w : (words[i + k] ?? '').startsWith(w)));
      if (whole) found.add(hint);
    }
  }
  return found;
}

function trie(): { find: (text: string) => Set<string> } {
  const t = new HintTrie();
  HINTS.forEach((h, id) => t.add(h, id));
  return { find: (text) => new Set([...t.find(text)].flatMap((on, id) => (on ? [HINTS[id] ?? ''] : []))) };
}

describe('hints', () => {
  const { find } = trie();

  it('are phrases of words, the last one a prefix, one-letter hints whole words', () => {
    expect(find('These images are deprecated and will no longer be updated.')).toEqual(new Set(['deprecat', 'no longer', 'will no']));
    expect(find('Images (e.g. tf2-cpu) reached end-of-life')).toEqual(new Set(['e g', 'tf', 'end of', 'end-of-life']));
    expect(find('R 4.4 images; rapids; ray')).toEqual(new Set(['r']));
    expect(find('Fixes CVE-2025-1 in TF2.15 rc1')).toEqual(new Set(['cve-', 'tf', 'rc']));
    expect(find('nothing longer, enders, ends of')).toEqual(new Set());
    expect(find('a b cd')).toEqual(new Set(['a b c']));
    expect(find('')).toEqual(new Set());
    // Letters that lowercase to ASCII: the Kelvin sign is "k", and "İ" is "i" and a combining dot.
    expect(find('\u0130 R \u0130R')).toEqual(new Set(['r']));
  });

  it('equal their definition on every statement of the real feeds', async () => {
    let statements = 0;
    for (const file of ['dlvm/release-notes.atom.xml', 'gcp/aggregate-feed-full.xml']) {
      const feed = await parseFeed(readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8'));
      for (const entry of feed.entries) {
        for (const note of splitNotes(entry.html)) {
          for (const s of note.statements) {
            statements++;
            expect(find(s.text), s.text).toEqual(definition(s.text));
          }
        }
      }
    }
    expect(statements).toBeGreaterThan(3000);
  });

  it('equal their definition on generated text', () => {
    const alphabet = ['no', 'NO', 'longer', 'Longer', 'end', 'of', 'e', 'g', 'r', 'R', 'ra', 'tf', 'TF2', 'deprecated', 'deprec', 'will', 'not', 'be', 'a', 'b', 'c', 'cd', ' ', '  ', '-', '.', ',', '\u0130', '\u212a', '\u212ar', '日', '9', 'é'];
    const next = random(7);
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      const len = Math.floor(next() * 12);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)] + (next() < 0.6 ? ' ' : '');
      expect(find(s), JSON.stringify(s)).toEqual(definition(s));
    }
  });
});
