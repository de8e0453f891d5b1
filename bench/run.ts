// npm run bench: every figure measured against its baseline in the same run, printed as a table and
// written to bench/results.json as [{ name, value, unit, baseline, ratio, goal, pass, note }].
// `npm run bench -- <name…>` runs only the benches whose names contain one of the words.
import { writeFileSync } from 'node:fs';
import { fanoutBench } from './fanout.js';
import type { Result } from './lib.js';
import { eventLoopBench, parseBench } from './parser.js';
import { pipelineLatencyBench } from './pipeline.js';
import { processBenches } from './process.js';
import { slackThroughputBench } from './slack.js';

const BENCHES: [string, () => Promise<Result | Result[]>][] = [
  ['parse_vs_rss_parser', parseBench],
  ['event_loop_block_2mb_feed', eventLoopBench],
  ['fanout_vs_addbulk', fanoutBench],
  ['pipeline_latency_p99_vs_bullmq', pipelineLatencyBench],
  ['slack_1000_channels_throughput', slackThroughputBench],
  ['idle_cpu_1000_sources rss_mb_1k_sources_10k_teams', processBenches],
];

const only = process.argv.slice(2);
const results: Result[] = [];
for (const [names, bench] of BENCHES) {
  if (only.length > 0 && !only.some((w) => names.includes(w))) continue;
  process.stderr.write(`bench: ${names}…\n`);
  const r = await bench();
  results.push(...(Array.isArray(r) ? r : [r]));
}
console.table(results.map(({ note: _note, ...r }) => r));
for (const r of results) if (r.note) console.log(`${r.name}: ${r.note}`);
writeFileSync(new URL('../../bench/results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.exit(results.every((r) => r.pass) ? 0 : 1);
