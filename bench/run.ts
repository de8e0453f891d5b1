// npm run bench: every figure measured against its baseline in the same run; each bench runs
// BENCH_RUNS times (default 3) and the median is judged, with the spread shown. Before it starts,
// the machine must be quiet (under QUIET_PERCENT of all cores busy): it waits up to a minute, and
// says so in the output and in results.json when it is not.
// Printed as a table and written to bench/results.json as
// { machine: { busyPercent, cores, quiet }, results: [{ name, value, unit, baseline, ratio, goal, pass, runs, spread, note }] }.
// `npm run bench -- <name…>` runs only the benches whose names contain one of the words.
import { writeFileSync } from 'node:fs';
import { fanoutBench } from './fanout.js';
import { machineLoad, sleep, summarise, type Measurement, type Result } from './lib.js';
import { eventLoopBench, hostileGrowthBench, parseBench } from './parser.js';
import { pipelineLatencyBench } from './pipeline.js';
import { processBenches } from './process.js';
import { slackThroughputBench } from './slack.js';

const BENCHES: [string, () => Promise<Measurement | Measurement[]>][] = [
  ['parse_vs_rss_parser', parseBench],
  ['event_loop_block_2mb_feed', eventLoopBench],
  ['reader_hostile_text_growth', hostileGrowthBench],
  ['fanout_vs_addbulk', fanoutBench],
  ['pipeline_latency_p99_vs_bullmq', pipelineLatencyBench],
  ['slack_1000_channels_throughput', slackThroughputBench],
  ['idle_cpu_1000_sources rss_mb_1k_sources_10k_teams peak_rss_mb_1k_sources_10k_teams growth_idle_cpu_per_source growth_rss_per_source', processBenches],
];

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const QUIET_PERCENT = Number(process.env.QUIET_PERCENT ?? 15);
const only = process.argv.slice(2);

let load = await machineLoad();
for (let waited = 0; load.busyPercent > QUIET_PERCENT && waited < 60; waited += 10) {
  process.stderr.write(`bench: the machine is busy (${load.busyPercent} % of ${load.cores} cores); waiting for it to quiet down…\n`);
  await sleep(7_000);
  load = await machineLoad();
}
const quiet = load.busyPercent <= QUIET_PERCENT;
const machine = { ...load, quiet };
console.log(quiet ? `bench: machine quiet (${load.busyPercent} % of ${load.cores} cores busy before the start)` : `bench: WARNING: the machine is not quiet (${load.busyPercent} % of ${load.cores} cores busy before the start): the figures below may not hold`);

const results: Result[] = [];
for (const [names, bench] of BENCHES) {
  if (only.length > 0 && !only.some((w) => names.includes(w))) continue;
  const runs = new Map<string, Measurement[]>();
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`bench: ${names} (run ${i + 1} of ${RUNS})…\n`);
    const r = await bench();
    for (const m of Array.isArray(r) ? r : [r]) runs.set(m.name, [...(runs.get(m.name) ?? []), m]);
  }
  for (const list of runs.values()) results.push(summarise(list));
}
console.table(results.map(({ note: _note, runs: _runs, ...r }) => r));
for (const r of results) if (r.note) console.log(`${r.name}: ${r.note}`);
writeFileSync(new URL('../../bench/results.json', import.meta.url), `${JSON.stringify({ machine, results }, null, 2)}\n`);
process.exit(results.every((r) => r.pass) ? 0 : 1);
