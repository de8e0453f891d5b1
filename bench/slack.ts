// slack_1000_channels_throughput: 5,000 alerts to 1,000 channels (5 each) through the real deliver
// stage with per-channel pacing (1 message per second per channel). The alerts are about one
// version line, so each channel's first one also posts the line's lifecycle parent. Pacing per channel, not per
// queue, means 1,000 channels together can receive close to 1,000 messages per second. The Slack
// stub runs in its own process (bench/slack-stub-process.ts), as Slack runs elsewhere.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { loadEnv } from '../src/config/env.js';
import { TeamSchema } from '../src/config/schema.js';
import { stableId } from '../src/domain/ids.js';
import { enqueueDeliveries } from '../src/queue/producers.js';
import type { DeliverJobInput } from '../src/queue/payloads.js';
import { startService } from '../workers/service.js';
import { makeEvent } from '../test/helpers/events.js';
import { deletePrefix, REDIS_URL, waitFor } from '../test/helpers/redis.js';
import { round, type Measurement } from './lib.js';

const CHANNELS = 1_000;
const PER_CHANNEL = 5;

interface StubProcess {
  apiUrl: string;
  ask<T>(message: string): Promise<T>;
  close(): Promise<void>;
}

async function startStubProcess(): Promise<StubProcess> {
  const child: ChildProcess = fork(new URL('./slack-stub-process.js', import.meta.url), { stdio: 'ignore' });
  const next = <T>(): Promise<T> => new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
  const { apiUrl } = await next<{ apiUrl: string }>();
  return {
    apiUrl,
    ask: <T>(message: string) => {
      const answer = next<T>();
      child.send(message);
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

export async function slackThroughputBench(): Promise<Measurement[]> {
  const prefix = `rrbench-${randomBytes(4).toString('hex')}`;
  const slack = await startStubProcess();
  const channels = Array.from({ length: CHANNELS }, (_, i) => `#c${i}`);
  const env = loadEnv({ REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: slack.apiUrl, DELIVER_CONCURRENCY: '128' });
  const config = { sources: [], operator: null, watchdog: { every: '5m', missedPolls: 3 }, warnings: [], teams: [TeamSchema.parse({ id: 'all', name: 'All', slack: { channels }, subscriptions: [{ frameworks: ['all'] }] })] };
  const service = await startService(env, config, pino({ level: 'silent' }), { stages: ['deliver'], scheduler: false, http: false });
  // Event-major, as the match stage fans out: event k goes to every channel, then event k + 1.
  const alertsOf = (tag: string, perChannel: number): DeliverJobInput[] =>
    Array.from({ length: perChannel }, (_, k) => k).flatMap((k) =>
      channels.map((channel) => ({
        deliveryId: stableId('bench', tag, channel, String(k)),
        teamId: 'all',
        target: { type: 'slack' as const, channel },
        events: [makeEvent(`${tag}-${channel}-${k}`, { title: `message ${tag} ${k} to ${channel}` })],
        purpose: 'alert' as const,
      })),
    );
  type Report = { posted: number; first: number; last: number; parents: number };
  const measure = async (jobs: DeliverJobInput[]): Promise<{ rate: number; parents: number }> => {
    await slack.ask('reset');
    await enqueueDeliveries(service.deps.queues, jobs, new Date(), service.deps.pacer);
    let report: Report = { posted: 0, first: 0, last: 0, parents: 0 };
    await waitFor(async () => (report = await slack.ask<Report>('report')).posted >= jobs.length, 'every message', 120_000);
    // Each channel's k-th message has its own one-second slot: the window ends one interval after the last.
    const windowMs = report.last - report.first + service.deps.pacer.intervalMs;
    return { rate: jobs.length / (windowMs / 1000), parents: report.parents };
  };
  // First messages: every channel's first alert about the line also posts the line's lifecycle parent.
  const cold = await measure(alertsOf('cold', PER_CHANNEL));
  // The steady state: the threads exist (a channel's first message about a line happens once).
  const jobs = alertsOf('steady', PER_CHANNEL);
  const steady = await measure(jobs);
  const rate = steady.rate;
  await service.close();
  await deletePrefix(prefix);

  // Baseline: the raw SDK posting the same number of messages, unpaced, same concurrency.
  const client = new WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 128 }, async () => {
      while (next < jobs.length) {
        const i = next++;
        await client.chat.postMessage({ channel: channels[i % CHANNELS] ?? '#c0', text: `raw ${i}` });
      }
    }),
  );
  const rawRate = jobs.length / ((performance.now() - t0) / 1000);
  await slack.close();
  const ratio = rate / CHANNELS;
  return [
    {
      name: 'slack_1000_channels_throughput',
      value: Math.round(rate),
      unit: 'msg/s',
      baseline: Math.round(rawRate),
      ratio: round(ratio),
      goal: { of: 'ratio', op: '>=', limit: 0.9 },
      note: `${jobs.length} paced deliveries to ${CHANNELS} channels whose line threads exist (${steady.parents} parents posted); ratio = deliveries/s ÷ 1,000 (the most 1,000 channels at 1 msg/s allow); baseline = raw SDK unpaced msg/s`,
    },
    {
      name: 'slack_1000_channels_first_messages',
      value: Math.round(cold.rate),
      unit: 'msg/s',
      baseline: Math.round(rawRate),
      ratio: round(cold.rate / CHANNELS),
      goal: { of: 'ratio', op: '>=', limit: 0.9 },
      note: `the same into ${CHANNELS} fresh channels: each channel's first alert about the line also posts its lifecycle parent (${cold.parents} more posts, not counted as deliveries)`,
    },
  ];
}
