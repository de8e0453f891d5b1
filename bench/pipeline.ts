// pipeline_latency_p99_vs_bullmq: from "the feed changed" to "the Slack stub received the alert",
// through the real service (poll → parse → match → deliver, all stages in this process), against
// what the same hops cost at the least: four raw BullMQ add→complete trips plus the two HTTP round
// trips (the feed GET and the Slack POST), each at its p99, measured in the same run.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WebClient } from '@slack/web-api';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadEnv } from '../src/config/env.js';
import { loadConfig } from '../src/config/load.js';
import { JOB, STAGES } from '../src/queue/names.js';
import { startService } from '../workers/service.js';
import { deletePrefix, REDIS_URL, waitFor } from '../test/helpers/redis.js';
import { startDocumentServer, startSlackStub } from '../test/helpers/servers.js';
import { writeConfig } from '../test/helpers/service.js';
import { percentile, round, sleep, type Measurement } from './lib.js';

const RUNS = 40;

function feedWith(n: number): string {
  const entries = Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const html = `<h3>Security</h3><p>PyTorch 2.4 images fix CVE-2026-${String(1000 + i)}.</p>`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return `<entry><title>${day}</title><id>tag:bench#${day}</id><updated>${day}T00:00:00Z</updated><content type="html">${html}</content></entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>bench</title><id>tag:bench</id><updated>2026-01-01T00:00:00Z</updated>${entries.reverse().join('')}</feed>`;
}

export async function pipelineLatencyBench(): Promise<Measurement> {
  const prefix = `rrbench-${randomBytes(4).toString('hex')}`;
  const [feeds, slack] = await Promise.all([startDocumentServer(), startSlackStub()]);
  const configDir = await writeConfig([{ id: 'feed', kind: 'feed', url: `${feeds.url}/feed.xml`, every: '1h' }], [
    { id: 'torch', name: 'Torch', slack: { channels: ['#latency'] }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] },
  ]);
  // Pacing off: one message per run to one channel; pacing is measured by the throughput bench.
  const env = loadEnv({ REDIS_URL, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0', ALLOW_PRIVATE_SOURCES: 'true' });
  const service = await startService(env, await loadConfig(configDir), pino({ level: 'silent' }), { stages: STAGES, scheduler: false, http: false });
  const poll = async (): Promise<void> => {
    await service.deps.queues.poll.add(JOB.poll, { sourceId: 'feed' });
  };
  feeds.serve('/feed.xml', feedWith(1));
  await poll();
  await waitFor(async () => (await service.deps.sources.get('feed')).baselineAt !== null, 'baseline');

  const latencies: number[] = [];
  for (let i = 2; i < RUNS + 2; i++) {
    feeds.serve('/feed.xml', feedWith(i));
    const before = slack.posted().length;
    const t0 = performance.now();
    await poll();
    await waitFor(() => slack.posted().length > before, 'the alert', 10_000);
    latencies.push(performance.now() - t0);
    await sleep(20);
  }
  await service.close();

  // Baseline: raw BullMQ add→complete with a no-op worker, and the two HTTP round trips.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const raw = new Queue('raw', { connection, prefix });
  const worker = new Worker('raw', () => Promise.resolve(), { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  const events = new QueueEvents('raw', { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  await events.waitUntilReady();
  const bull: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const job = await raw.add('raw', { i });
    await job.waitUntilFinished(events);
    bull.push(performance.now() - t);
  }
  const client = new WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const gets: number[] = [];
  const posts: number[] = [];
  for (let i = 0; i < 100; i++) {
    let t = performance.now();
    await (await fetch(`${feeds.url}/feed.xml`)).text();
    gets.push(performance.now() - t);
    t = performance.now();
    await client.chat.postMessage({ channel: '#baseline', text: 'x' });
    posts.push(performance.now() - t);
  }
  await Promise.all([worker.close(), events.close(), raw.close()]);
  await connection.quit();
  await Promise.all([feeds.close(), slack.close()]);
  await deletePrefix(prefix);

  const ours = percentile(latencies, 99);
  const baseline = 4 * percentile(bull, 99) + percentile(gets, 99) + percentile(posts, 99);
  const ratio = ours / baseline;
  return {
    name: 'pipeline_latency_p99_vs_bullmq',
    value: round(ours),
    unit: 'ms',
    baseline: round(baseline),
    ratio: round(ratio),
    goal: { of: 'ratio', op: '<=', limit: 5 },
    note: `${RUNS} feed changes, p99 (p50 ${round(percentile(latencies, 50))} ms); baseline = 4 × BullMQ add→complete p99 (${round(percentile(bull, 99))} ms) + feed GET p99 + Slack POST p99`,
  };
}
