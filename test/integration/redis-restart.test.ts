// Issue #11: Redis restarts empty under a running service (a failover to an empty replica, a restart
// without persistence). The service must notice, re-create its schedulers by itself within a poll
// interval, tell the operator once, keep its health endpoints answering (503 with a reason) while
// Redis is away, log one line per outage and one on recovery, and alert the first note after the
// restart instead of swallowing it.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { pollSchedulerId } from '../../src/queue/schedules.js';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, readFixture } from '../helpers/mirror.js';
import { waitFor } from '../helpers/redis.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';
import yaml from 'js-yaml';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const FEED = readFixture('dlvm/release-notes.atom.xml');

async function timed(url: string): Promise<{ status: number; ms: number; body: string }> {
  const t = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text(), ms: Date.now() - t };
}

describe('Redis restarts empty under a running service', () => {
  let redis: OwnRedis;
  let docs: DocumentServer;
  let slack: SlackStub;
  let service: Service | null = null;
  let second: Service | null = null;
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    [redis, docs, slack] = await Promise.all([startOwnRedis(), startDocumentServer(), startSlackStub()]);
  });

  afterAll(async () => {
    await service?.close();
    await second?.close();
    await Promise.all([redis.close(), docs.close(), slack.close()]);
  });

  it('two processes heal without a restart, tell the operator once, answers health checks fast, logs one line per outage', async () => {
    docs.serve('/feed.xml', feedWithoutNewest(FEED, 2));
    const configDir = await writeConfig(
      [{ id: 'dlvm', kind: 'feed', url: `${docs.url}/feed.xml`, every: '2s' }],
      [{ id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] }],
    );
    await writeFile(
      path.join(configDir, 'sources.yaml'),
      yaml.dump({ sources: [{ id: 'dlvm', kind: 'feed', url: `${docs.url}/feed.xml`, every: '2s' }], operator: { slack: { channels: ['#ops'] } } }),
    );
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    service = await startTestService({
      prefix: 'rr-restart',
      configDir,
      logger: createLogger('info', sink),
      env: { REDIS_URL: redis.url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0' },
      service: { scheduler: true, http: true, stateCheckMs: 500 },
    });
    // A second process keeping the schedulers too: both notice, only one may tell the operator.
    second = await startTestService({
      prefix: 'rr-restart',
      configDir,
      env: { REDIS_URL: redis.url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0' },
      service: { scheduler: true, http: false, stateCheckMs: 500 },
    });
    const s = service;
    const base = s.http?.url ?? '';
    const state = (): Promise<{ baselineAt: string | null }> => s.deps.sources.get('dlvm');
    await waitFor(async () => (await state()).baselineAt !== null, 'the first baseline', 20_000);

    // Redis dies. The endpoints answer within 2 s, 503 with the reason, and never hang.
    await redis.kill();
    await waitFor(() => !s.deps.health.status().up, 'the outage to be noticed', 5_000);
    const during = await Promise.all(['/healthz', '/readyz', '/', '/metrics'].map((p) => timed(`${base}${p}`)));
    for (const r of during) expect(r.ms).toBeLessThan(2_000);
    expect(during.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(during[0]?.body).toMatch(/redis: unreachable since .*\(/);
    expect(during[1]?.body).toMatch(/redis: unreachable/);
    expect(during[3]?.body).toContain('release_radar_redis_up 0');
    await new Promise((r) => setTimeout(r, 3_000)); // workers keep retrying meanwhile

    // Redis comes back empty: no schedulers, no baseline, no seen notes.
    const requestsBefore = docs.requests.length;
    await redis.start();
    await waitFor(async () => (await s.deps.queues.poll.getJobScheduler(pollSchedulerId('dlvm'))) !== undefined, 'the poll scheduler to be re-created', 10_000);
    await waitFor(() => docs.requests.length > requestsBefore, 'polling to resume', 10_000);
    await waitFor(async () => (await state()).baselineAt !== null, 'the re-baseline', 15_000);
    const ops = (): string[] => slack.posted().filter((c) => c.body.channel === '#ops').map((c) => String(c.body.text));
    await waitFor(() => ops().some((t) => /lost its state/.test(t)) && ops().some((t) => /re-baselined after lost state/.test(t)), 'the operator to be told', 15_000);
    expect(ops().filter((t) => /Redis lost its state/.test(t))).toHaveLength(1);
    expect((await timed(`${base}/healthz`)).status).toBe(200);
    expect((await timed(`${base}/readyz`)).status).toBe(200);
    expect((await timed(`${base}/`)).body).toContain('Redis lost release-radar');

    // The first note after the restart is alerted, not swallowed.
    docs.serve('/feed.xml', FEED);
    await waitFor(() => slack.posted().some((c) => c.body.channel === '#torch'), 'the new note to reach the team', 20_000);

    // One line when the outage started, one when it ended; no stream of raw connection errors.
    const outage = logs.filter((l) => l.event === 'redis-outage');
    const recovered = logs.filter((l) => l.event === 'redis-recovered');
    expect([outage.length, recovered.length]).toEqual([1, 1]);
    expect(logs.filter((l) => l.msg === 'worker error')).toEqual([]);
    // Jobs that were running at the kill vanished with the data: at most one line each.
    expect(logs.filter((l) => l.event === 'job-lost').length).toBeLessThanOrEqual(4);
    expect(logs.filter((l) => l.event === 'state-lost')).toHaveLength(1);
  }, 90_000);
});
