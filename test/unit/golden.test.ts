// Every entry of the DLVM feed fixture against its hand-labelled events (test/fixtures/dlvm/golden-events.yaml).
// `npm run eval:parser -- --diff` prints the same comparison with precision and recall per kind.
import { describe, expect, it } from 'vitest';
import { compareWithGolden, scoreByKind } from '../golden/score.js';

const comparisons = await compareWithGolden();

describe('golden: DLVM release notes 2018–2025', () => {
  it('covers all 114 entries', () => {
    expect(comparisons).toHaveLength(114);
    expect(comparisons.reduce((n, c) => n + c.expected.length, 0)).toBeGreaterThan(300);
  });

  it.each(comparisons.map((c) => [c.entry, c] as const))('%s', (_title, c) => {
    expect([...c.actual].sort()).toEqual([...c.expected].sort());
  });

  it('scores every kind from the same comparison', () => {
    const all = scoreByKind(comparisons).find((r) => r.kind === 'all');
    expect(all?.expected).toBe(comparisons.reduce((n, c) => n + c.expected.length, 0));
  });
});
