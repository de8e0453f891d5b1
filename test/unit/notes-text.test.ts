// cleanText is a hand-written pass for speed; note ids are made of its output, so it is held here
// to the definition it replaced, on real note text and on generated text dense in the cases that
// matter (runs of every kind of white space, punctuation and parentheses next to spaces).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/ingest/notes.js';
import { random } from '../helpers/random.js';

function definition(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return / [.,;:)]|\( /.test(t) ? t.replace(/ ([.,;:)])/g, '$1').replace(/\( /g, '(') : t;
}

describe('cleanText', () => {
  it('equals its definition on generated text', () => {
    const alphabet = [' ', '  ', '\n', '\t', '\u00a0', '\u2009', '\u3000', '\ufeff', '\u0085', '.', ',', ';', ':', ')', '(', 'a', 'B', '1', '-', 'é', '日'];
    const next = random(12);
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      const len = Math.floor(next() * 14);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      expect(cleanText(s), JSON.stringify(s)).toBe(definition(s));
    }
  });

  it('equals its definition on every line of the real feeds', () => {
    let lines = 0;
    for (const file of ['dlvm/release-notes.atom.xml', 'gcp/aggregate-feed-full.xml']) {
      const xml = readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8');
      for (const line of xml.split(/<\/?(?:p|li|td|h3|code)>/)) {
        lines++;
        expect(cleanText(line)).toBe(definition(line));
      }
    }
    expect(lines).toBeGreaterThan(5000);
  });
});
