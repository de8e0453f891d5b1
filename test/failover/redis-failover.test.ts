// Redis that fails over, against real processes: a Sentinel setup (master, replica, three
// sentinels) and a Redis Cluster (three masters with a replica each). In each, the whole service
// runs (every stage, the schedulers, the HTTP server) while 300 deliveries are being sent, and the
// master holding our data is SIGKILLed mid-run. Afterwards: nothing lost, nothing sent twice to
// Slack, a note published after the failover is alerted, and the consumption canary shows every
// stage taking jobs again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/ids.js';
import { STAGES } from '../../src/queue/names.js';
import { enqueueDeliveries } from '../../src/queue/producers.js';
import type { DeliverJobInput } from '../../src/queue/payloads.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { makeEvent } from '../helpers/events.js';
import { feedWithoutNewest } from '../helpers/mirror.js';
import { uniquePrefix, waitFor } from '../helpers/redis.js';
import { startClusterSetup, startSentinelSetup } from '../helpers/redis-topologies.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

const FEED = readFileSync(new URL('../fixtures/dlvm/release-notes.atom.xml', import.meta.url), 'utf8');
const CHANNELS = Array.from({ length: 30 }, (_, i) => `#fo-${i}`);

describe('Redis failover', () => {
  const later = cleanupAfterEach();

  async function failoverRun(redisEnv: Record<string, string>, failover: (prefix: string) => Promise<{ from: number; to: number }>): Promise<void> {
    const prefix = uniquePrefix('failover');
    const [docs, slack]: [DocumentServer, SlackStub] = await Promise.all([startDocumentServer(), startSlackStub()]);
    later(() => docs.close());
    later(() => slack.close());
    slack.pageSize = 200;
    slack.delayMs = 15; // sends stay in flight while the master dies
    docs.serve('/feed.xml', feedWithoutNewest(FEED, 1));
    const configDir = await writeConfig([{ id: 'dlvm', kind: 'feed', url: `${docs.url}/feed.xml`, every: '1s' }], [
      { id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] },
    ]);
    const service = await startTestService({
      prefix,
      configDir,
      env: { ...redisEnv, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0', JOB_LOCK_MS: '2000', DELIVER_BACKOFF_MS: '200', CANARY_EVERY_MS: '300', CANARY_DEADLINE_MS: '4000' },
      service: { http: true, scheduler: true },
    });
    later(() => service.close());
    // In a cluster every key shares the hash-tagged prefix's slot (BullMQ's scripts need that).
    if (redisEnv.REDIS_CLUSTER_NODES) expect(service.deps.prefix).toBe(`{${prefix}}`);
    const url = service.http?.url ?? '';
    await waitFor(async () => (await service.deps.sources.get('dlvm')).baselineAt !== null, 'the baseline', 20_000);

    // 300 deliveries, 10 per channel, each text unique.
    const jobs: DeliverJobInput[] = CHANNELS.flatMap((channel) =>
      Array.from({ length: 10 }, (_, i) => ({ deliveryId: stableId('fo', channel, String(i)), teamId: 'torch', target: { type: 'slack' as const, channel }, events: [makeEvent(`${channel}-${i}`, { title: `fo ${channel} ${i}`, scope: null })], purpose: 'alert' as const })),
    );
    await enqueueDeliveries(service.deps.queues, jobs, new Date());
    const titles = (): string[] => slack.posted().map((c) => String(c.body.text).replace(/^\S+ /, '')).filter((t) => t.startsWith('fo '));
    await waitFor(() => titles().length >= 60, 'sends to be under way', 20_000);
    const moved = await failover(prefix);
    expect(moved.to).not.toBe(moved.from);
    const failedOverAt = Date.now();

    const wanted = new Set(jobs.map((j) => j.events?.[0]?.title ?? ''));
    await waitFor(() => [...wanted].every((t) => titles().includes(t)), 'every delivery to arrive after the failover', 60_000).catch(async (err: unknown) => {
      // Say which deliveries are missing and where their jobs are. Once (1 run in 15) the main
      // connection itself had ended for good (a connect cancelled by the failover; see
      // ResilientRedis), so each question may fail: say so instead of failing here.
      const missing = [...wanted].filter((t) => !titles().includes(t));
      const deliver = service.deps.queues.deliver;
      const ask = <T,>(q: Promise<T>): Promise<T | string> => q.catch((e: unknown) => `unavailable (${(e as Error).message})`);
      const counts = await ask(deliver.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'));
      const failed = await ask(deliver.getFailed(0, 20).then((jobs) => jobs.map((j) => `${j.id}: ${j.failedReason} (attempts ${j.attemptsMade})`)));
      const metrics = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => /^release_radar_(stage_consuming|workers_replaced_total|redis_connections_revived_total)/.test(l));
      console.log(`DEBUG missing ${missing.length}: ${missing.slice(0, 10).join(', ')} | main connection ${service.deps.redis.status} | deliver ${JSON.stringify(counts)} | failed ${JSON.stringify(failed)} | ${metrics.join(' | ')}`);
      throw err;
    });
    await waitFor(async () => {
      const c = await service.deps.queues.deliver.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    }, 'the deliver queue to drain', 30_000);
    const counts = new Map<string, number>();
    for (const t of titles()) counts.set(t, (counts.get(t) ?? 0) + 1);
    const lost = [...wanted].filter((t) => !counts.has(t));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
    const revived = /^release_radar_redis_connections_revived_total (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? '?';
    console.log(`failover ${moved.from} → ${moved.to}: ${wanted.size} deliveries, lost ${lost.length}, Slack duplicated ${duplicated.length}, connections revived ${revived}`);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);

    // Polling goes on against the new master: a note published now is alerted.
    docs.serve('/feed.xml', FEED);
    await waitFor(() => slack.posted().some((c) => c.body.channel === '#torch'), 'the new note to be alerted after the failover', 90_000).catch(async (err: unknown) => {
      const due = await service.deps.polls.dueTimes(['dlvm']);
      const sweep = await service.deps.queues.poll.getJobScheduler('poll-sweep');
      const metrics = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('release_radar_stage_consuming') || l.startsWith('release_radar_polls_total'));
      console.log(`DEBUG now ${Date.now()} due ${JSON.stringify([...due])} sweep ${JSON.stringify(sweep)} state ${JSON.stringify(await service.deps.sources.get('dlvm'))} ${metrics.join(' | ')} docs ${docs.requests.length}`);
      throw err;
    });

    // The canary: every stage took a canary sent after the failover.
    await waitFor(async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const consuming = STAGES.every((s) => new RegExp(`^release_radar_stage_consuming\\{stage="${s}"\\} 1$`, 'm').test(metrics));
      return consuming && Date.now() - failedOverAt > 2_000 && (await fetch(`${url}/readyz`)).status === 200;
    }, 'every stage to consume again and /readyz to pass', 30_000);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ok: boolean };
    expect(ready.ok).toBe(true);
  }

  it('Sentinel: the master is killed mid-run; the replica takes over, nothing is lost or sent twice, every stage consumes again', async () => {
    const setup = await startSentinelSetup();
    later(() => setup.close());
    await failoverRun({ REDIS_SENTINELS: setup.sentinels, REDIS_SENTINEL_MASTER: setup.masterName }, () => setup.failover());
  }, 180_000);

  // Once flaky: the cluster helper handed the suite a cluster whose nodes still flapped (a node
  // timeout of 1.5 s under load: spurious failovers, CLUSTERDOWN and MOVED loops in the first
  // seconds), and the poll worker that met them stopped taking jobs for good. The helper now waits
  // for a settled cluster, and the canary replaces a worker that stops taking jobs.
  it('Cluster: the hash-tagged prefix keeps every key in one slot; its master is killed mid-run and its replica takes over', async () => {
    const setup = await startClusterSetup();
    later(() => setup.close());
    await failoverRun({ REDIS_CLUSTER_NODES: setup.nodes }, (prefix) => setup.failoverOf(`{${prefix}}`));
  }, 180_000);
});
