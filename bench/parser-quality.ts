// npm run eval:parser: precision and recall per event kind of the release-notes parser against the
// hand-labelled golden file (every entry of the DLVM feed fixture). --json prints the rows as JSON;
// --diff also lists every disagreement per entry.
import { compareDev, compareHeldOut, compareWithGolden, scoreByKind, type EntryComparison, type KindScore } from '../test/golden/score.js';

// Which sets may show their disagreements with --diff: not the untouched ones (looking at them
// would turn them into a set we tuned on).
const sets: [string, EntryComparison[], { diff: boolean }][] = [
  ['Golden: DLVM feed, 114 entries (hand-labelled; the rules were developed on it)', await compareWithGolden(), { diff: true }],
  ['Development, tuned on: Google Cloud all-products notes + AWS DLC notes', await compareDev('dev'), { diff: true }],
  ['Development, untouched: the same sources, never looked at while tuning', await compareDev('untouched'), { diff: false }],
  ['Held out: 29 Google Cloud notes of other products (kinds only; never tuned on)', compareHeldOut(), { diff: false }],
];
if (process.argv.includes('--by-set')) {
  for (const set of ['gcp', 'aws'] as const) {
    sets.push([`Development (dev part) — ${set} only`, await compareDev('dev', set), { diff: false }]);
    sets.push([`Development (untouched part) — ${set} only`, await compareDev('untouched', set), { diff: false }]);
  }
}
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
function printTable(title: string, rows: KindScore[]): void {
  console.log(`\n${title}`);
  console.log(`${'kind'.padEnd(24)}${'expected'.padStart(9)}${'found'.padStart(7)}${'correct'.padStart(9)}${'precision'.padStart(11)}${'recall'.padStart(8)}`);
  for (const r of rows) {
    if (r.expected === 0 && r.found === 0) continue;
    console.log(`${r.kind.padEnd(24)}${String(r.expected).padStart(9)}${String(r.found).padStart(7)}${String(r.correct).padStart(9)}${pct(r.precision).padStart(11)}${pct(r.recall).padStart(8)}`);
  }
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(Object.fromEntries(sets.map(([title, c]) => [title, scoreByKind(c)])), null, 2));
} else {
  for (const [title, c] of sets) printTable(title, scoreByKind(c));
}
if (process.argv.includes('--diff')) {
  for (const [title, comparisons] of sets.filter(([, , o]) => o.diff)) {
    console.log(`\n== ${title}`);
    for (const c of comparisons) {
      if (c.missing.length === 0 && c.unexpected.length === 0) continue;
      console.log(`\n${c.entry}`);
      for (const m of c.missing) console.log(`  missing    ${m}`);
      for (const u of c.unexpected) console.log(`  unexpected ${u}`);
    }
  }
}
