// Issue #13: config reload without a restart (Alertmanager's SIGHUP / POST /-/reload): an invalid
// file changes nothing and says why; a valid one re-plans the schedulers of added, changed and
// removed sources and teams; a source removed while its poll is in flight ends quietly. Two
// processes with different configs on one prefix are shown, not silently mixed.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB } from '../../src/queue/names.js';
import { pollSchedulerId, digestSchedulerId, POLL_SWEEP_SCHEDULER_ID } from '../../src/queue/schedules.js';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, readFixture } from '../helpers/mirror.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { startOwnRedis } from '../helpers/redis-server.js';
import { startDocumentServer, type DocumentServer } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

const FEED = readFixture('dlvm/release-notes.atom.xml');
const team = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, name: id, email: { to: [`${id}@example.com`] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }], ...extra });

describe('config reload', () => {
  let prefix: string;
  let docs: DocumentServer;
  const services: Service[] = [];

  beforeEach(async () => {
    prefix = uniquePrefix('reload');
    docs = await startDocumentServer();
    docs.serve('/a.xml', feedWithoutNewest(FEED, 1));
    docs.serve('/b.xml', FEED);
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    await docs.close();
    await deletePrefix(prefix);
  });

  const write = async (dir: string, sources: unknown[], teams: unknown[]): Promise<void> => {
    await writeFile(path.join(dir, 'sources.yaml'), yaml.dump({ sources }));
    await writeFile(path.join(dir, 'teams.yaml'), yaml.dump({ teams }));
  };
  // The job schedulers, and the sources in the poll plan (one sweep polls them all).
  const schedulerIds = async (s: Service): Promise<string[]> =>
    [...(await Promise.all([s.deps.queues.poll, s.deps.queues.digest].map((q) => q.getJobSchedulers(0, -1)))).flat().map((x) => x.id ?? x.key ?? ''), ...(await s.deps.polls.planned()).map(pollSchedulerId)].sort();

  it('an invalid file changes nothing and names the key; a valid one re-plans schedulers for added, changed and removed sources and teams', async () => {
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml`, every: '10m' }], [team('t1')]);
    const s = await startTestService({ prefix, configDir: dir, service: { scheduler: true, http: true } });
    services.push(s);
    const base = s.http?.url ?? '';
    expect(await schedulerIds(s)).toEqual([digestSchedulerId('t1'), POLL_SWEEP_SCHEDULER_ID, pollSchedulerId('a')].sort());

    // A typo: refused, nothing changes.
    await writeFile(path.join(dir, 'teams.yaml'), yaml.dump({ teams: [{ ...team('t1'), subscriptons: [] }] }));
    const refused = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { ok: boolean; message: string };
    expect(body.ok).toBe(false);
    expect(body.message).toMatch(/teams\[0\]\.subscriptons: unknown key "subscriptons"; did you mean "subscriptions"\?/);
    expect(s.deps.config.teams.map((t) => t.id)).toEqual(['t1']);
    expect(await schedulerIds(s)).toEqual([digestSchedulerId('t1'), POLL_SWEEP_SCHEDULER_ID, pollSchedulerId('a')].sort());
    expect((await fetch(`${base}/-/reload`)).status).toBe(405); // GET is not a reload

    // Source a removed, b added; team t1 changed (its digest time), t2 added.
    await write(dir, [{ id: 'b', kind: 'feed', url: `${docs.url}/b.xml`, every: '5m' }], [team('t1', { digest: { every: 'daily', at: '07:30' } }), team('t2')]);
    const ok = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { message: string }).message).toBe('configuration reloaded: sources +1 -1 ~0, teams +1 -0 ~1');
    expect(await schedulerIds(s)).toEqual([digestSchedulerId('t1'), digestSchedulerId('t2'), POLL_SWEEP_SCHEDULER_ID, pollSchedulerId('b')].sort());
    const digest = (await s.deps.queues.digest.getJobSchedulers(0, -1)).find((x) => (x.id ?? x.key) === digestSchedulerId('t1'));
    expect(digest?.pattern).toBe('30 7 * * *');
    expect(s.deps.teams.get('t2')?.name).toBe('t2');
  });

  it('a reload while Redis refuses writes answers in bounded time, and the next one works once Redis does', async () => {
    const own = await startOwnRedis();
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml`, every: '10m' }], [team('t1')]);
    const s = await startTestService({ prefix, configDir: dir, env: { REDIS_URL: own.url }, service: { scheduler: true, stateCheckMs: 60_000 } });
    try {
      const admin = new (await import('ioredis')).Redis(own.url);
      await admin.config('SET', 'maxmemory', '1');
      await write(dir, [{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml`, every: '10m' }, { id: 'b', kind: 'feed', url: `${docs.url}/b.xml`, every: '10m' }], [team('t1')]);
      const started = Date.now();
      const refused = await s.reload();
      expect(Date.now() - started).toBeLessThan(16_000);
      expect(refused.ok).toBe(false);
      expect(refused.message).toMatch(/^configuration applied in this process \(sources \+1 -0 ~0, teams \+0 -0 ~0\), but the schedulers could not be re-planned: .*OOM/);
      await admin.config('SET', 'maxmemory', '0');
      await admin.quit();
      const ok = await s.reload();
      expect(ok).toEqual({ ok: true, message: 'configuration reloaded: sources +0 -0 ~0, teams +0 -0 ~0' });
      expect((await s.deps.queues.poll.getJobSchedulers(0, -1)).map((x) => x.id ?? x.key)).toEqual([POLL_SWEEP_SCHEDULER_ID]);
      expect((await s.deps.polls.planned()).sort()).toEqual(['a', 'b']);
    } finally {
      await s.close();
      await own.close();
    }
  }, 40_000);

  it('with ADMIN_TOKEN set, POST /-/reload needs the token', async () => {
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml`, every: '10m' }], [team('t1')]);
    const s = await startTestService({ prefix, configDir: dir, env: { ADMIN_TOKEN: 'admin-token-for-reload-1' }, service: { http: true } });
    services.push(s);
    const base = s.http?.url ?? '';
    const refused = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect((await fetch(`${base}/-/reload`, { method: 'POST', headers: { authorization: 'Bearer admin-token-for-reload-1' } })).status).toBe(200);
  });

  it('a source removed while its poll is in flight ends quietly: no alert, no failure, no crash', async () => {
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml`, every: '10m' }, { id: 'b', kind: 'feed', url: `${docs.url}/b.xml`, every: '10m' }], [team('t1')]);
    const s = await startTestService({ prefix, configDir: dir });
    services.push(s);
    for (const id of ['a', 'b']) await s.deps.queues.poll.add(JOB.poll, { sourceId: id });
    await waitForIdle(s.deps.queues); // both baselined
    docs.serve('/a.xml', FEED); // news for a…
    docs.delay('/a.xml', 1_500); // …arriving slowly
    await s.deps.queues.poll.add(JOB.poll, { sourceId: 'a' });
    await waitFor(() => docs.requests.filter((r) => r.path === '/a.xml').length >= 2, 'the poll to be in flight');
    await write(dir, [{ id: 'b', kind: 'feed', url: `${docs.url}/b.xml`, every: '10m' }], [team('t1')]);
    expect((await s.reload()).ok).toBe(true);
    await waitForIdle(s.deps.queues);
    const failed = await Promise.all([s.deps.queues.poll, s.deps.queues.parse, s.deps.queues.match].map((q) => q.getJobCounts('failed')));
    expect(failed.map((c) => c.failed ?? 0)).toEqual([0, 0, 0]);
    expect((await s.deps.eventLog.recent(100)).filter((e) => e.source === 'a')).toEqual([]); // nothing alerted for a removed source
    expect((await s.deps.queues.deliver.getJobCounts('completed', 'waiting', 'delayed')).completed ?? 0).toBe(0);
  });

  it('two processes with different configs on one prefix are shown on the status page and in /metrics', async () => {
    const dir1 = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml` }], [team('t1')]);
    const dir2 = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml` }], [team('t1'), team('t2')]);
    const s1 = await startTestService({ prefix, configDir: dir1, service: { http: true } });
    services.push(s1);
    services.push(await startTestService({ prefix, configDir: dir2 }));
    const base = s1.http?.url ?? '';
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('1 process(es) run a different configuration than this one');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('release_radar_config_mismatch 1');
    // The same config again: the warning goes away.
    await write(dir1, [{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml` }], [team('t1'), team('t2')]);
    await s1.reload();
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('release_radar_config_mismatch 0');
  });

  it('SIGHUP reloads a running `release-radar start`; a second SIGTERM exits at once even while Redis is away', async () => {
    const redis = await startOwnRedis();
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml` }], [team('t1')]);
    const child = spawn(process.execPath, ['bin/release-radar.js', 'start'], {
      env: { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, CONFIG_DIR: dir, HTTP_PORT: '0', ALLOW_PRIVATE_SOURCES: 'true', OUTBOX_DIR: path.join(dir, 'outbox'), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('release-radar started'), 'the service to start', 20_000);
      await write(dir, [{ id: 'a', kind: 'feed', url: `${docs.url}/a.xml` }], [team('t1'), team('t2')]);
      child.kill('SIGHUP');
      await waitFor(() => out.includes('configuration reloaded: sources +0 -0 ~0, teams +1 -0 ~0'), 'the reload', 10_000);
      // Redis goes away; shutting down must not hang.
      await redis.kill();
      await new Promise((r) => setTimeout(r, 500));
      const t = Date.now();
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      expect(await exited).not.toBeNull();
      expect(Date.now() - t).toBeLessThan(5_000);
    } finally {
      child.kill('SIGKILL');
      await redis.close();
    }
  }, 60_000);
});
