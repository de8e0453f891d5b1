// A deliver worker process killed with SIGKILL in the middle of sending loses nothing and sends
// nothing twice: the sends that were in flight when it died (Slack may have the message, but the
// worker never heard back) are found in the channel's history by the next worker, through the
// delivery id in each message's metadata, and recorded instead of posted again.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/ids.js';
import { enqueueDeliveries } from '../../src/queue/producers.js';
import { QUEUE } from '../../src/queue/names.js';
import type { Queues } from '../../src/queue/queues.js';
import { makeEvent } from '../helpers/events.js';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from '../helpers/redis.js';
import { startSlackStub, type SlackStub } from '../helpers/servers.js';
import { writeConfig } from '../helpers/service.js';

const BIN = path.resolve('bin/release-radar.js');

describe('a deliver worker killed mid-delivery', () => {
  const children: ChildProcess[] = [];
  let slack: SlackStub | null = null;
  let prefix = '';

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await slack?.close();
    await deletePrefix(prefix);
  });

  it('loses nothing and duplicates nothing, even what was inside the send', async () => {
    prefix = uniquePrefix('killed');
    slack = await startSlackStub();
    slack.delayMs = 150; // a slow Slack keeps several sends in flight
    const channels = Array.from({ length: 10 }, (_, i) => `#c${i}`);
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], [
      { id: 'team', name: 'Team', slack: { channels }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] },
    ]);
    const env = {
      ...process.env,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      CONFIG_DIR: configDir,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: slack.apiUrl,
      SLACK_CHANNEL_INTERVAL_MS: '0',
      JOB_LOCK_MS: '1500',
      LOG_LEVEL: 'silent',
    };
    const startWorker = (): ChildProcess => {
      const child = spawn('node', [BIN, 'worker', 'deliver'], { env, stdio: 'ignore' });
      children.push(child);
      return child;
    };

    // 60 deliveries: 6 events × 10 channels, each message text unique.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const deliver = new Queue(QUEUE.deliver, { connection, prefix });
    const jobs = channels.flatMap((channel) =>
      Array.from({ length: 6 }, (_, i) => {
        const event = makeEvent(`${channel}-${i}`, { title: `message ${channel} ${i}` });
        return { deliveryId: stableId('kill', channel, String(i)), teamId: 'team', target: { type: 'slack' as const, channel }, events: [event], purpose: 'alert' as const };
      }),
    );
    await enqueueDeliveries({ deliver } as unknown as Queues, jobs, new Date());

    const stub = slack;
    const first = startWorker();
    await waitFor(() => stub.calls.length >= 20, 'the first worker to be sending');
    first.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => first.once('exit', r));
    // In the send window: the request reached Slack, the answer did not reach the worker in time.
    // (A request already written to the socket still arrives a moment after the signal.)
    // The fallback text is "<emoji> <title>": the title names the message.
    const titleOf = (c: { body: Record<string, unknown> }): string => String(c.body.text).replace(/^\S+ /, '');
    const inWindow = new Set(stub.calls.filter((c) => c.receivedAt <= killedAt + 500 && (c.respondedAt === null || c.respondedAt > killedAt)).map(titleOf));

    startWorker();
    const wanted = new Set(jobs.map((j) => j.events[0]?.title ?? ''));
    const received = (): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const c of stub.alerts()) counts.set(titleOf(c), (counts.get(titleOf(c)) ?? 0) + 1);
      return counts;
    };
    await waitFor(() => [...wanted].every((t) => received().has(t)), 'every message to arrive', 30_000);
    // Every job finished: the killed worker's jobs were taken over (stalled check), none failed.
    await waitFor(async () => (await deliver.getJobCounts('completed')).completed === 60, 'all 60 delivery jobs to complete', 30_000);
    expect(await deliver.getJobCounts('failed', 'active', 'waiting', 'delayed')).toEqual({ failed: 0, active: 0, waiting: 0, delayed: 0 });
    await deliver.close();
    await connection.quit();

    const counts = received();
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
    const lost = [...wanted].filter((t) => !counts.has(t));
    expect(lost).toEqual([]);
    expect(counts.size).toBe(60);
    // Sends were in flight at the kill, yet nothing was sent twice: the retries looked first.
    expect(inWindow.size).toBeGreaterThan(0);
    expect(duplicated).toEqual([]);
    // Each channel's line (PyTorch 2.4) got one lifecycle parent, kill or not.
    const parents = new Map<string, number>();
    for (const c of stub.parents()) parents.set(String(c.body.channel), (parents.get(String(c.body.channel)) ?? 0) + 1);
    expect([...parents.values()]).toEqual(channels.map(() => 1));
    const lookups = stub.calls.filter((c) => c.method === 'conversations.history' || c.method === 'conversations.replies').length;
    expect(lookups).toBeGreaterThanOrEqual(inWindow.size);
    console.log(`killed worker: ${inWindow.size} sends in flight at the kill, ${lookups} history lookups, ${duplicated.length} sent twice, ${lost.length} lost`);
  }, 60_000);
});
