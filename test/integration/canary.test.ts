// The consumption canary: workers that silently stop taking jobs (BullMQ's most reported
// production failure) while Redis answers and every connection looks fine. Here the match
// stage's worker is paused from inside the process — from outside, exactly that state — and the
// service must say so on /healthz and /readyz, in /metrics, and to the operator once; when the
// worker is replaced by a new one (as an operator restarting it would) and the stage takes jobs
// again, all of it clears and the operator hears that once too.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitFor } from '../helpers/redis.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { startSlackStub } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

describe('consumption canary', () => {
  const later = cleanupAfterEach();
  const services: Service[] = [];

  it('a stage whose workers stop taking jobs fails /healthz and /readyz, shows in /metrics and alerts once; recovery clears it', async () => {
    const prefix = uniquePrefix('canary');
    later(() => deletePrefix(prefix));
    const slack = await startSlackStub();
    later(() => slack.close());
    const configDir = await writeConfig([], []);
    await writeFile(path.join(configDir, 'sources.yaml'), yaml.dump({ sources: [{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], operator: { slack: { channels: ['#ops'] } } }));
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, CANARY_EVERY_MS: '200', CANARY_DEADLINE_MS: '1000' };
    // Two processes running every stage on one prefix, as a scaled-out deployment would.
    for (let i = 0; i < 2; i++) {
      const service = await startTestService({ prefix, configDir, env, service: { http: true, scheduler: true } });
      services.push(service);
      later(() => service.close());
    }
    const [a, b] = services as [Service, Service];
    const get = async (s: Service, p: string): Promise<{ status: number; body: string }> => {
      const res = await fetch(`${s.http?.url ?? ''}${p}`);
      return { status: res.status, body: await res.text() };
    };
    const consuming = async (s: Service, stage: string): Promise<string | undefined> => (await get(s, '/metrics')).body.split('\n').find((l) => l.startsWith(`release_radar_stage_consuming{stage="${stage}"}`))?.split(' ')[1];
    const ops = (): string[] => slack.posted().filter((c) => c.body.channel === '#ops').map((c) => String(c.body.text));

    await waitFor(async () => (await consuming(a, 'match')) === '1' && (await consuming(b, 'deliver')) === '1', 'the first canaries to be taken');
    expect((await get(a, '/readyz')).status).toBe(200);

    // Both processes' match workers stop taking jobs; everything else keeps working.
    const matchWorkers = services.flatMap((s) => s.workers.filter((w) => w.name === 'match'));
    expect(matchWorkers).toHaveLength(2);
    await Promise.all(matchWorkers.map((w) => w.pause(true)));
    // Whichever process sees it first says so (and then replaces its worker, which may take the
    // other's canary before the other looks): record each process's answers while they happen.
    const seen: { failing: { readyz: { problems: string[] }; healthz: number; match: string | undefined; poll: string | undefined } | null } = { failing: null };
    await waitFor(async () => {
      for (const s of services) {
        const r = await get(s, '/readyz');
        if (r.status === 503) seen.failing ??= { readyz: JSON.parse(r.body) as { problems: string[] }, healthz: (await get(s, '/healthz')).status, match: await consuming(s, 'match'), poll: await consuming(s, 'poll') };
      }
      return seen.failing !== null;
    }, '/readyz to fail', 10_000);
    expect(seen.failing?.readyz.problems).toEqual([expect.stringMatching(/^stage match is not consuming its queue: a canary job has waited \d+ s \(limit 1 s\); restart the process/)]);
    expect(seen.failing?.healthz).toBe(503);
    expect(seen.failing?.match).toBe('0');
    expect(seen.failing?.poll).toBe('1');
    // One operator alert, though both processes saw it.
    await waitFor(() => ops().some((t) => t.includes('Stage match stopped consuming its queue')), 'the operator alert');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ops().filter((t) => t.includes('stopped consuming'))).toHaveLength(1);

    // Nobody resumes them: each process replaces its stuck worker with a new one on a new
    // connection, as an operator restarting it would, and the stage takes jobs again.
    await waitFor(async () => (await get(a, '/readyz')).status === 200 && (await get(b, '/readyz')).status === 200, '/readyz to recover', 10_000);
    // Each process replaced its own: the one whose canaries the other's new worker took found its
    // worker idle while the stage's jobs were being taken.
    await waitFor(() => services.every((s) => !matchWorkers.includes(s.workers.find((w) => w.name === 'match') as (typeof matchWorkers)[number])), 'both stuck workers to be replaced', 10_000);
    for (const s of services) {
      const now = s.workers.find((w) => w.name === 'match');
      expect(now).toBeDefined();
      expect(matchWorkers).not.toContain(now);
      expect(now?.isPaused()).toBe(false);
      expect((await get(s, '/metrics')).body).toMatch(/^release_radar_workers_replaced_total\{stage="match"\} [1-9]/m);
    }
    expect((await get(a, '/healthz')).status).toBe(200);
    expect(await consuming(b, 'match')).toBe('1');
    await waitFor(() => ops().some((t) => t.includes('Stage match is consuming again')), 'the recovery notice');
    await new Promise((r) => setTimeout(r, 500));
    expect(ops().filter((t) => t.includes('consuming again'))).toHaveLength(1);
  }, 40_000);
});
