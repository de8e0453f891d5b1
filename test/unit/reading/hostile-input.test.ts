// Hostile feed text must not stall the reader: a pattern that backtracks exponentially on a piece
// repeated in one statement never returns (before the fix, "PyTorch 2.4 with TensorFlow 2.16 with "
// repeated to 50 KB did not finish). Each piece is read at 64 KB in a child process that is stopped
// if it has not finished in 20 s (a read blocks its thread; this is a "never returns" check, far
// above the tens of milliseconds a read takes), and every event still has a kind. How the time
// grows with the length is a benchmark (reader_hostile_text_growth), not a timing assertion.
import { describe, expect, it } from 'vitest';
import { hostilePieces, readsWithin, repeated } from '../../helpers/hostile.js';

describe('hostile feed text', () => {
  const pieces = hostilePieces();

  it('the fixture has its pieces', () => expect(pieces.length).toBeGreaterThanOrEqual(20));

  for (const piece of pieces) {
    it(`is read to the end: ${JSON.stringify(piece)} × 64 KB`, async () => {
      const read = await readsWithin(repeated(piece, 64 * 1024), 20_000);
      expect(read.events).toBeGreaterThan(0);
      expect(read.withoutKind).toBe(0);
    }, 30_000);
  }
});
