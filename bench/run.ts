// npm run bench: speed figures, each measured against its baseline in the same run, written to
// bench/results.json as [{ name, value, unit, baseline, ratio, goal, pass }].
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import Parser from 'rss-parser';
import { pino } from 'pino';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { buildDeps, closeDeps } from '../src/app.js';
import { deletePrefix, REDIS_URL } from '../test/helpers/redis.js';
import { loadEnv } from '../src/config/env.js';
import { TeamSchema } from '../src/config/schema.js';
import { extractEntries, extractEntry } from '../src/ingest/extract.js';
import { parseFeed } from '../src/ingest/feed.js';
import { createMatchProcessor } from '../src/processors/match.js';
import type { MatchJob } from '../src/queue/payloads.js';

interface Result {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  goal: string;
  pass: boolean;
}

const feedXml = readFileSync(new URL('../../test/fixtures/dlvm/release-notes.atom.xml', import.meta.url), 'utf8');

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function parseBench(): Promise<Result> {
  // The same bytes, ten times over, so the run is long enough to time (about 0.8 MB).
  const big = feedOf(10);
  const bare = new Parser();
  for (let i = 0; i < 3; i++) await bare.parseString(big); // warm-up
  const baseline = await median(7, async () => {
    await bare.parseString(big);
  });
  const ours = await median(7, async () => {
    const { entries: list } = await parseFeed(big);
    await extractEntries(list, { source: 'bench' });
  });
  const ratio = ours / baseline;
  return { name: 'parse_vs_rss_parser', value: round(ours), unit: 'ms', baseline: round(baseline), ratio: round(ratio), goal: '<= 1.5', pass: ratio <= 1.5 };
}

/** Feed `copies` copies of the fixture's entries (unique ids), about 80 KB each. */
function feedOf(copies: number): string {
  const entries = feedXml.slice(feedXml.indexOf('<entry>'), feedXml.lastIndexOf('</entry>') + 8);
  return feedXml.replace(entries, Array.from({ length: copies }, (_, i) => entries.replaceAll('#', `#r${i}-`)).join('\n'));
}

/** Longest time the event loop went without running a 1 ms timer while `fn` ran. */
async function longestBlock(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await fn();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return longest;
}

async function eventLoopBench(): Promise<Result> {
  const big = feedOf(25); // ≈ 2 MB
  const bare = new Parser();
  await bare.parseString(big);
  const baseline = await longestBlock(() => bare.parseString(big));
  await parseFeed(big);
  const ours = await longestBlock(async () => {
    const { entries } = await parseFeed(big);
    await extractEntries(entries, { source: 'bench' });
  });
  return { name: 'event_loop_block_2mb_feed', value: round(ours), unit: 'ms', baseline: round(baseline), ratio: round(ours / baseline), goal: 'value <= 50 ms', pass: ours <= 50 };
}

async function fanoutBench(): Promise<Result> {
  const teams = 10_000;
  const prefix = `rrbench-${randomBytes(4).toString('hex')}`;
  const env = loadEnv({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', OUTBOX_DIR: '/tmp/rr-bench-outbox' });
  const config = {
    sources: [],
    operator: null,
    watchdog: { every: '5m', missedPolls: 3 },
    teams: Array.from({ length: teams }, (_, i) => TeamSchema.parse({ id: `team-${i}`, name: `Team ${i}`, slack: { channels: [`#c${i}`] }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] })),
  };
  const deps = buildDeps(env, config, pino({ level: 'silent' }));
  const { entries } = await parseFeed(feedXml);
  const event = entries.flatMap((e) => extractEntry(e, { source: 'bench' })).flatMap((n) => n.events).find((e) => e.framework === 'pytorch')!;
  const process = createMatchProcessor(deps);
  const job: MatchJob = { sourceId: 'bench', batchId: 'b', events: [event] };
  const t0 = performance.now();
  await process({ data: job } as never, undefined);
  const ours = performance.now() - t0;

  // Baseline: raw addBulk of the same number of jobs with the same payload size, same Redis.
  const raw = new Queue('raw', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  const payload = { deliveryId: 'x'.repeat(32), teamId: 'team-0', target: { type: 'slack', channel: '#c0' }, events: [event], purpose: 'alert' };
  const t1 = performance.now();
  await raw.addBulk(Array.from({ length: teams }, (_, i) => ({ name: 'raw', data: payload, opts: { jobId: `raw-${i}` } })));
  const baseline = performance.now() - t1;
  await raw.close();
  await closeDeps(deps);
  await deletePrefix(prefix);
  const oursRate = teams / (ours / 1000);
  const baseRate = teams / (baseline / 1000);
  const ratio = oursRate / baseRate;
  return { name: 'fanout_vs_addbulk', value: Math.round(oursRate), unit: 'jobs/s', baseline: Math.round(baseRate), ratio: round(ratio), goal: '>= 0.5', pass: ratio >= 0.5 };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const results = [await parseBench(), await eventLoopBench(), await fanoutBench()];
console.table(results);
writeFileSync(new URL('../../bench/results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.exit(results.every((r) => r.pass) ? 0 : 1);
