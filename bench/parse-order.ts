// How much the order of paired timings moves parse_vs_rss_parser (issue #15, a reviewer's check):
// the same build timed baseline-first, alternating (what `npm run bench` does), and with a full
// garbage collection before every timed run. Three rounds of nine pairs each; prints one line per
// round and mode. Needs `node --expose-gc` (`npm run bench:order`).
import { percentile, timeInto } from './lib.js';
import { parsePair } from './parser.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:order)');

const { baseline, read } = await parsePair();

type Step = 'gc' | 'baseline' | 'subject';
async function mode(name: string, order: (i: number) => Step[]): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 9; i++) {
    for (const step of order(i)) {
      if (step === 'gc') {
        gc?.();
        continue;
      }
      await (step === 'baseline' ? timeInto(a, baseline) : timeInto(b, read));
    }
  }
  const ma = percentile(a, 50);
  const mb = percentile(b, 50);
  console.log(`${name.padEnd(15)} baseline ${ma.toFixed(1)} ms, ours ${mb.toFixed(1)} ms, ratio ${(mb / ma).toFixed(2)}`);
}

for (let round = 1; round <= 3; round++) {
  console.log(`round ${round}`);
  await mode('baseline-first', () => ['baseline', 'subject']);
  await mode('alternating', (i) => (i % 2 ? ['subject', 'baseline'] : ['baseline', 'subject']));
  await mode('gc-before-each', (i) => (i % 2 ? ['gc', 'subject', 'gc', 'baseline'] : ['gc', 'baseline', 'gc', 'subject']));
}
