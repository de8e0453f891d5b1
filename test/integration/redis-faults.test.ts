// Issue #11: Redis faults under a running service, against a real redis-server the test owns.
//   - Restarted empty (a failover to an empty replica, a restart without persistence): the
//     service notices, re-creates its schedulers within a poll interval, tells the operator once,
//     answers health checks with 503 and a reason while Redis is away, logs one line per outage and
//     one on recovery, and alerts the first note after the restart instead of swallowing it.
//   - One worker connection reset while Redis is fine: a blip, not an outage; lost state is still
//     noticed afterwards.
//   - Out of memory under noeviction: Redis refuses writes; one log line, 503 saying why, workers
//     paused (no error storm), and everything resumes when memory is back.
//   - Frozen (the connection stays open, nothing answers): health endpoints say so within 2 s.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { POLL_SWEEP_SCHEDULER_ID } from '../../src/queue/schedules.js';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, readFixture } from '../helpers/mirror.js';
import { waitFor } from '../helpers/redis.js';
import { captureLogs } from '../helpers/logs.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

const FEED = readFixture('dlvm/release-notes.atom.xml');

async function timed(url: string): Promise<{ status: number; ms: number; body: string }> {
  const t = Date.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text(), ms: Date.now() - t };
}

interface World {
  redis: OwnRedis;
  docs: DocumentServer;
  slack: SlackStub;
  services: Service[];
  logs: Record<string, unknown>[];
  configDir: string;
  start(options?: { http?: boolean; env?: Record<string, string> }): Promise<Service>;
  /** Operator messages received in Slack. */
  ops(): string[];
}

let world: World | null = null;

/** A real redis-server of the test's own, a feed, a Slack stub and one feed source polled every 2 s. */
async function setUp(): Promise<World> {
  const [redis, docs, slack] = await Promise.all([startOwnRedis(), startDocumentServer(), startSlackStub()]);
  docs.serve('/feed.xml', feedWithoutNewest(FEED, 2));
  const configDir = await writeConfig([], []);
  await writeFile(path.join(configDir, 'sources.yaml'), yaml.dump({ sources: [{ id: 'dlvm', kind: 'feed', url: `${docs.url}/feed.xml`, every: '2s' }], operator: { slack: { channels: ['#ops'] } } }));
  await writeFile(path.join(configDir, 'teams.yaml'), yaml.dump({ teams: [{ id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] }] }));
  const { logger, lines: logs } = captureLogs('info');
  const w: World = {
    redis,
    docs,
    slack,
    services: [],
    logs,
    configDir,
    async start(options = {}) {
      const service = await startTestService({
        prefix: 'rr-faults',
        configDir,
        // Every line says which process wrote it.
        logger: logger.child({ proc: w.services.length }),
        env: { REDIS_URL: redis.url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0', ...options.env },
        service: { scheduler: true, http: options.http ?? true, stateCheckMs: 500 },
      });
      w.services.push(service);
      return service;
    },
    ops: () => slack.posted().filter((c) => c.body.channel === '#ops').map((c) => String(c.body.text)),
  };
  world = w;
  return w;
}

afterEach(async () => {
  if (!world) return;
  for (const s of world.services) await s.close();
  await Promise.all([world.redis.close(), world.docs.close(), world.slack.close()]);
  world = null;
});

const baselined = (s: Service): Promise<void> => waitFor(async () => (await s.deps.sources.get('dlvm')).baselineAt !== null, 'the first baseline', 20_000);
const events = (w: World, name: string, proc?: number): Record<string, unknown>[] => w.logs.filter((l) => l.event === name && (proc === undefined || l.proc === proc));

describe('Redis faults under a running service', () => {
  it('restarted empty: two processes heal without a restart, tell the operator once, answer health checks fast, log one line per outage', async () => {
    const w = await setUp();
    const s = await w.start();
    await w.start({ http: false }); // a second process keeping the schedulers too: only one may tell the operator
    const base = s.http?.url ?? '';
    await baselined(s);

    // Redis dies. The endpoints answer within 2 s, 503 with the reason, and never hang.
    await w.redis.kill();
    await waitFor(() => !s.deps.health.status().up, 'the outage to be noticed', 5_000);
    const during = await Promise.all(['/healthz', '/readyz', '/', '/metrics'].map((p) => timed(`${base}${p}`)));
    for (const r of during) expect(r.ms).toBeLessThan(2_000);
    expect(during.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(during[0]?.body).toMatch(/redis: unreachable since .*\(/);
    expect(during[1]?.body).toMatch(/redis: unreachable/);
    expect(during[3]?.body).toContain('release_radar_redis_up 0');
    await new Promise((r) => setTimeout(r, 3_000)); // workers keep retrying meanwhile

    // Redis comes back empty: no schedulers, no baseline, no seen notes.
    const requestsBefore = w.docs.requests.length;
    await w.redis.start();
    await waitFor(async () => (await s.deps.queues.poll.getJobScheduler(POLL_SWEEP_SCHEDULER_ID)) !== undefined && (await s.deps.polls.planned()).includes('dlvm'), 'the poll sweep and plan to be re-created', 10_000);
    await waitFor(() => w.docs.requests.length > requestsBefore, 'polling to resume', 10_000);
    await baselined(s);
    await waitFor(() => w.ops().some((t) => /lost its state/.test(t)), 'the operator to be told', 15_000);
    expect(w.ops().filter((t) => /Redis lost its state/.test(t))).toHaveLength(1);
    expect((await timed(`${base}/healthz`)).status).toBe(200);
    expect((await timed(`${base}/readyz`)).status).toBe(200);
    expect((await timed(`${base}/`)).body).toContain('Redis lost release-radar');

    // The first note after the restart is alerted, not swallowed.
    w.docs.serve('/feed.xml', FEED);
    await waitFor(() => w.slack.posted().some((c) => c.body.channel === '#torch'), 'the new note to reach the team', 20_000);

    // Per process, one line when the outage started and one when it ended; no stream of raw
    // connection errors; one of the two processes reports the lost state.
    for (const proc of [0, 1]) expect([events(w, 'redis-outage', proc).length, events(w, 'redis-recovered', proc).length], `process ${proc}`).toEqual([1, 1]);
    expect(w.logs.filter((l) => l.msg === 'worker error')).toEqual([]);
    expect(events(w, 'state-lost')).toHaveLength(1);
    // Jobs that were running at the kill vanished with the data: at most one line each.
    expect(events(w, 'job-lost').length).toBeLessThanOrEqual(4);
  }, 90_000);

  it('a reset worker connection is a blip, not an outage: lost state is still noticed afterwards', async () => {
    const w = await setUp();
    const s = await w.start();
    await baselined(s);
    const admin = new Redis(w.redis.url).on('error', () => undefined);
    // Reset one blocking worker connection (what a flaky network or a proxy does), Redis stays fine.
    const clients = (await admin.client('LIST')) as string;
    const blocking = clients.split('\n').find((l) => /cmd=(?:bzpopmin|blmove|brpoplpush|evalsha)/.test(l));
    const id = /\bid=(\d+)/.exec(blocking ?? '')?.[1];
    expect(id).toBeTruthy();
    await admin.client('KILL', 'ID', id ?? '');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(s.deps.health.status().up).toBe(true);
    expect((await timed(`${s.http?.url ?? ''}/healthz`)).status).toBe(200);
    // Then the state vanishes (FLUSHALL by mistake): still noticed and healed.
    await admin.flushall();
    await waitFor(async () => (await s.deps.queues.poll.getJobScheduler(POLL_SWEEP_SCHEDULER_ID)) !== undefined && (await s.deps.polls.planned()).includes('dlvm'), 'the poll sweep and plan to be re-created', 10_000);
    await waitFor(() => w.ops().some((t) => /lost its state/.test(t)), 'the operator to be told', 15_000);
    expect(events(w, 'redis-outage')).toHaveLength(0);
    await admin.quit();
  }, 60_000);

  it('out of memory: one line, 503 saying why, workers paused instead of an error storm, then everything resumes', async () => {
    const w = await setUp();
    // A job caught mid-write when Redis refused is taken over once its lock expires (JOB_LOCK_MS).
    const s = await w.start({ env: { JOB_LOCK_MS: '2000' } });
    await baselined(s);
    const admin = new Redis(w.redis.url).on('error', () => undefined);
    await admin.config('SET', 'maxmemory', '1'); // every write is refused (noeviction)
    await waitFor(() => s.deps.health.status().state === 'refusing', 'the refusal to be noticed', 10_000);
    const linesAtRefusal = w.logs.length;
    await new Promise((r) => setTimeout(r, 4_000)); // a refusal storm would log thousands of lines here
    const health = await timed(`${s.http?.url ?? ''}/healthz`);
    expect(health.status).toBe(503);
    expect(health.body).toMatch(/redis: refuses writes .*out of memory/);
    expect(w.logs.length - linesAtRefusal).toBeLessThan(15);
    expect(events(w, 'redis-refusing')).toHaveLength(1);
    expect(s.workers.every((wk) => wk.isPaused())).toBe(true);

    await admin.config('SET', 'maxmemory', '0');
    await waitFor(() => s.deps.health.status().up, 'the recovery', 15_000);
    expect(s.workers.some((wk) => wk.isPaused())).toBe(false);
    w.docs.serve('/feed.xml', FEED);
    await waitFor(() => w.slack.posted().some((c) => c.body.channel === '#torch'), 'polling and delivery to resume', 20_000);
    await admin.quit();
  }, 60_000);

  it('frozen: the connection stays open but nothing answers; health endpoints say so within 2 s', async () => {
    const w = await setUp();
    const s = await w.start();
    await baselined(s);
    const base = s.http?.url ?? '';
    w.redis.freeze();
    try {
      const during = await Promise.all(['/healthz', '/readyz', '/'].map((p) => timed(`${base}${p}`)));
      for (const r of during) expect(r.ms).toBeLessThan(2_000);
      expect(during.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(during[0]?.body).toMatch(/did not answer/);
      expect(during[2]?.body).toMatch(/did not answer|unreachable/); // a page saying why, never an empty 200
    } finally {
      w.redis.thaw();
    }
    await waitFor(async () => (await timed(`${base}/healthz`)).status === 200, 'health after the thaw', 15_000);
  }, 60_000);
});
