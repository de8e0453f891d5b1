// fanout_vs_addbulk: one event to 10,000 teams through the real match stage vs raw BullMQ addBulk.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { buildDeps, closeDeps } from '../src/app.js';
import { loadEnv } from '../src/config/env.js';
import { TeamSchema } from '../src/config/schema.js';
import { extractEntry } from '../src/ingest/extract.js';
import { parseFeed } from '../src/ingest/feed.js';
import { createMatchProcessor } from '../src/processors/match.js';
import type { MatchJob } from '../src/queue/payloads.js';
import { deletePrefix, REDIS_URL } from '../test/helpers/redis.js';
import { feedXml, percentile, round, type Measurement } from './lib.js';

export async function fanoutBench(): Promise<Measurement> {
  const teams = 10_000;
  const prefix = `rrbench-${randomBytes(4).toString('hex')}`;
  const env = loadEnv({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', OUTBOX_DIR: '/tmp/rr-bench-outbox' });
  const config = {
    sources: [],
    operator: null,
    watchdog: { every: '5m', missedPolls: 3 },
    warnings: [],
    teams: Array.from({ length: teams }, (_, i) => TeamSchema.parse({ id: `team-${i}`, name: `Team ${i}`, slack: { channels: [`#c${i}`] }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] })),
  };
  const deps = buildDeps(env, config, pino({ level: 'silent' }));
  const { entries } = await parseFeed(feedXml);
  const event = entries.flatMap((e) => extractEntry(e, { source: 'bench' })).flatMap((n) => n.events).find((e) => e.framework === 'pytorch')!;
  const process = createMatchProcessor(deps);
  const raw = new Queue('raw', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  const payload = { deliveryId: 'x'.repeat(32), teamId: 'team-0', target: { type: 'slack', channel: '#c0' }, events: [event], purpose: 'alert' };
  // Both sides warm (JIT, connections) and timed alike: the median of three runs each, alternating,
  // every run a fresh fan-out (a new batch id, new job ids).
  const oursRuns: number[] = [];
  const baseRuns: number[] = [];
  for (let run = 0; run < 4; run++) {
    const job: MatchJob = { sourceId: 'bench', batchId: `b${run}`, events: [{ ...event, id: `${event.id.slice(0, 30)}${run}0` }] };
    const t0 = performance.now();
    await process({ data: job } as never, undefined);
    const ours = performance.now() - t0;
    // Baseline: raw addBulk of as many jobs with the same payload, same Redis.
    const t1 = performance.now();
    await raw.addBulk(Array.from({ length: teams }, (_, i) => ({ name: 'raw', data: payload, opts: { jobId: `raw-${run}-${i}` } })));
    const baseline = performance.now() - t1;
    if (run > 0) {
      oursRuns.push(ours);
      baseRuns.push(baseline);
    }
  }
  const ours = percentile(oursRuns, 50);
  const baseline = percentile(baseRuns, 50);
  await raw.close();
  await closeDeps(deps);
  await deletePrefix(prefix);
  const oursRate = teams / (ours / 1000);
  const baseRate = teams / (baseline / 1000);
  const ratio = oursRate / baseRate;
  return {
    name: 'fanout_vs_addbulk',
    value: Math.round(oursRate),
    unit: 'jobs/s',
    baseline: Math.round(baseRate),
    ratio: round(ratio),
    goal: { of: 'ratio', op: '>=', limit: 0.5 },
    note: `1 event × ${teams} teams through the match stage (match, pacing slots, validation, addBulk) vs raw addBulk of as many jobs; median of 3 warm runs each`,
  };
}

