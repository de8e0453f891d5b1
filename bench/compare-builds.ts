// Reading time of two or more builds of release-radar, interleaved in one process, so a code
// change is judged against the code before it on the same machine at the same moment (the parse
// ratio moves with the machine by more than most changes move it). Each root is a built checkout,
// e.g. `git worktree add /tmp/before <rev> && (cd /tmp/before && npm ci && npm run build)`.
//   npm run bench:compare -- /tmp/before . [rounds]
// Prints the median reading time of the DLVM feed ×10 (parseFeed + notes + reading + events) per root.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { percentile } from './lib.js';

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const roots = args.filter((a) => !/^\d+$/.test(a)).map((r) => path.resolve(r));
if (roots.length < 2) throw new Error('usage: npm run bench:compare -- <built root> <built root>… [rounds]');

const reads: (() => Promise<void>)[] = [];
for (const root of roots) {
  process.chdir(root); // the fixtures are read relative to each build's root
  const parser = (await import(pathToFileURL(path.join(root, 'dist/bench/parser.js')).href)) as typeof import('./parser.js');
  reads.push((await parser.parsePair()).read);
}
const times: number[][] = roots.map(() => []);
for (let i = 0; i < rounds; i++) {
  // Rotated order: no build always runs right after another's garbage.
  for (let k = 0; k < roots.length; k++) {
    const j = (i + k) % roots.length;
    const start = performance.now();
    await reads[j]?.();
    times[j]?.push(performance.now() - start);
  }
}
roots.forEach((root, k) => console.log(`${root}: ${percentile(times[k] ?? [], 50).toFixed(1)} ms (median of ${rounds})`));
