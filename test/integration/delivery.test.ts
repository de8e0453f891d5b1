// Issue #5 on real Redis, the real Slack SDK against the local stub and real SMTP: exact message
// counts per channel, Slack threads per framework version, per-channel pacing that does not hold
// other channels back, a week of digests on an injected clock (with upcoming end dates, sent once
// even when two workers race), quiet hours, and mutes / snoozes set from the CLI.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Job } from 'bullmq';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReleaseEvent } from '../../src/domain/events.js';
import { stableId } from '../../src/domain/ids.js';
import { createDigestProcessor } from '../../src/processors/digest.js';
import { JOB } from '../../src/queue/names.js';
import { syncSchedulers } from '../../src/queue/schedules.js';
import type { Service } from '../../workers/service.js';
import { makeEvent } from '../helpers/events.js';
import { deletePrefix, REDIS_URL, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackCall, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/release-radar.js');

describe('delivery', () => {
  let prefix: string;
  let slack: SlackStub;
  let mail: MailSink;
  let pages: DocumentServer;
  let service: Service | null = null;
  let now = new Date('2026-07-01T10:00:00Z');

  beforeEach(async () => {
    prefix = uniquePrefix('delivery');
    [slack, mail, pages] = await Promise.all([startSlackStub(), startMailSink(), startDocumentServer()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all([slack.close(), mail.close(), pages.close()]);
    await deletePrefix(prefix);
  });

  const start = async (configDir: string, env: Record<string, string> = {}): Promise<Service> =>
    startTestService({
      prefix,
      configDir,
      env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl, ...env },
      service: { clock: () => now },
    });
  const match = async (s: Service, batchId: string, events: ReleaseEvent[]): Promise<void> => {
    await s.deps.queues.match.add(JOB.match, { sourceId: 'test', batchId, events });
    await waitForIdle(s.deps.queues, 20_000, { held: true });
  };
  // The alerts (not the lines' lifecycle parents) posted to a channel, and the parents.
  const byChannel = (channel: string): SlackCall[] => slack.alerts().filter((c) => c.body.channel === channel);
  const parentsIn = (channel: string): SlackCall[] => slack.parents().filter((c) => c.body.channel === channel);
  const cli = (args: string[], configDir: string) => run('node', [BIN, ...args], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir } });

  it('exact counts per channel, one thread per framework version, paced per channel without holding others back', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], [
      { id: 'torch', name: 'Torch', slack: { channels: ['#a', '#b'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['pytorch', 'tensorflow'], deliver: 'immediate' }] },
      { id: 'other', name: 'Other', slack: { channels: ['#c'] }, subscriptions: [{ frameworks: ['r'], deliver: 'immediate' }] },
    ]);
    service = await start(configDir, { SLACK_CHANNEL_INTERVAL_MS: '300' });
    const events = [
      makeEvent('torch-new', { kind: 'new-image', version: '2.4' }),
      makeEvent('torch-patch', { kind: 'patch-update', version: '2.4.1' }),
      makeEvent('tf-new', { framework: 'tensorflow', version: '2.17' }),
      makeEvent('torch-sec', { kind: 'security-update', version: '2.4', cves: ['CVE-2026-0001'] }),
    ];
    await match(service, 'batch-1', events);

    for (const channel of ['#a', '#b']) {
      const calls = byChannel(channel);
      expect(calls).toHaveLength(4);
      // One living message per line (PyTorch 2.4, TensorFlow 2.17), every alert in its line's thread.
      const parents = parentsIn(channel);
      expect(parents.map((p) => String(p.body.text).split(':')[0]).sort()).toEqual(['PyTorch 2.4', 'TensorFlow 2.17']);
      const torchRoot = parents.find((p) => String(p.body.text).startsWith('PyTorch'));
      const tfRoot = parents.find((p) => String(p.body.text).startsWith('TensorFlow'));
      expect(calls.filter((c) => !String(c.body.text).includes('tf-new')).every((c) => c.body.thread_ts === torchRoot?.ts)).toBe(true);
      expect(calls.find((c) => String(c.body.text).includes('tf-new'))?.body.thread_ts).toBe(tfRoot?.ts);
      // Paced: each delivery reserved a slot 300 ms after the previous one of its channel, and no
      // message went out before its slot (20 ms of timer tolerance, see the deliver stage).
      const slots: number[] = [];
      for (const e of events) {
        const deliveryId = stableId('alert', e.id, 'torch', 'slack', channel);
        const slot = Number(await service.deps.redis.get(`${prefix}:pace-slot:${deliveryId}`));
        const call = calls.find((c) => String(c.body.text).endsWith(e.title)); // the text is "<emoji> <headline>"
        expect(call?.receivedAt).toBeGreaterThanOrEqual(slot - 20);
        slots.push(slot);
      }
      slots.sort((x, y) => x - y);
      slots.slice(1).forEach((slot, k) => expect(slot - (slots[k] ?? 0)).toBeGreaterThanOrEqual(300));
    }
    // … while the other channel is not held back: #b's first message comes before #a's second.
    const firstB = Math.min(...slack.posted().filter((c) => c.body.channel === '#b').map((c) => c.receivedAt));
    const secondA = byChannel('#a').map((c) => c.receivedAt).sort((x, y) => x - y)[1] ?? 0;
    expect(firstB).toBeLessThan(secondA);
    expect(byChannel('#c')).toHaveLength(0);
    // One email for what one poll found.
    expect(mail.messages).toHaveLength(1);
    // Subject: the most urgent first, with how urgent it is.
    expect(mail.messages[0]?.subject).toBe('[action needed] Event torch-sec (and 3 more for Torch)');

    // The same batch again (a retried match job) sends nothing more.
    await match(service, 'batch-1', events);
    expect(slack.alerts()).toHaveLength(8);
    expect(slack.parents()).toHaveLength(4);
    expect(mail.messages).toHaveLength(1);
  });

  it('a week of digests on the team clock: one per day with news, none without, upcoming end dates, sent once when two workers race', async () => {
    pages.serve('/images.html', readFileSync(new URL('../fixtures/dlvm/versions-table.html', import.meta.url), 'utf8'));
    const configDir = await writeConfig([{ id: 'images', kind: 'versions-table', url: `${pages.url}/images.html` }], [
      { id: 'daily', name: 'Daily', timezone: 'Europe/Berlin', slack: { channels: ['#daily'] }, email: { to: ['daily@example.com'] }, digest: { every: 'daily', at: '09:00' }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'digest' }] },
      { id: 'weekly', name: 'Weekly', timezone: 'America/Los_Angeles', email: { to: ['weekly@example.com'] }, digest: { every: 'weekly', day: 'monday', at: '08:30' }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'digest' }] },
    ]);
    now = new Date('2026-04-01T06:00:00Z');
    service = await start(configDir, { SLACK_CHANNEL_INTERVAL_MS: '0' });
    await pollNow(service, 'images');
    await waitForIdle(service.deps.queues);
    const s = service;
    const digestFor = async (teamId: string): Promise<void> => {
      await s.deps.queues.digest.add(JOB.digest, { teamId });
      await waitForIdle(s.deps.queues);
    };

    // News on Wednesday and Friday; nothing on the other days.
    const news: Record<string, ReleaseEvent[]> = {
      '2026-04-01': [makeEvent('wed-1', { kind: 'patch-update', version: '2.7.1' }), makeEvent('wed-2', { kind: 'dependency-update', version: '2.7' })],
      '2026-04-03': [makeEvent('fri-1', { kind: 'new-image', version: '2.9' })],
    };
    const sentPerDay: [string, number][] = [];
    for (let day = DateTime.fromISO('2026-04-01', { zone: 'Europe/Berlin' }); day.toISODate()! <= '2026-04-07'; day = day.plus({ days: 1 })) {
      const date = day.toISODate()!;
      now = day.set({ hour: 8 }).toJSDate();
      if (news[date]) await match(s, `batch-${date}`, news[date]);
      now = day.set({ hour: 9 }).toJSDate();
      const before = mail.messages.length;
      await digestFor('daily');
      sentPerDay.push([date, mail.messages.length - before]);
    }
    expect(sentPerDay).toEqual([
      ['2026-04-01', 1],
      ['2026-04-02', 0],
      ['2026-04-03', 1],
      ['2026-04-04', 0],
      ['2026-04-05', 0],
      ['2026-04-06', 0],
      ['2026-04-07', 0],
    ]);
    const [wed, fri] = mail.messages;
    expect(wed?.subject).toBe('Digest for Daily: 1 patch update, 1 dependency update');
    expect(wed?.text).toContain('Event wed-1');
    expect(wed?.text).toContain('Event wed-2');
    expect(wed?.text).toContain('== Patches and security (2) ==');
    expect(wed?.text).toContain('== Coming up (');
    expect(wed?.text).toContain('PyTorch 2.7 (Python 3.10): end of patch and support in 12 days (2026-04-13)');
    expect(fri?.text).toContain('Event fri-1');
    expect(fri?.text).not.toContain('Event wed-1');
    expect(byChannel('#daily')).toHaveLength(2);

    // The weekly team collected the whole week: one email on Monday.
    now = new Date('2026-04-06T15:30:00Z');
    await digestFor('weekly');
    const weekly = mail.messages.filter((m) => (m.subject ?? '').includes('Weekly'));
    expect(weekly).toHaveLength(1);
    expect(weekly[0]?.subject).toBe('Digest for Weekly: 1 patch update, 1 dependency update, 1 new image');

    // Two workers racing on one digest occurrence (a stalled job run twice): one email.
    await match(s, 'batch-race', [makeEvent('race-1')]);
    const job = { id: 'race-job', timestamp: 1_775_000_000_000, data: { teamId: 'daily' } } as unknown as Job<unknown, { events: number }>;
    const digest = createDigestProcessor(s.deps);
    await Promise.all([digest(job, undefined), digest(job, undefined)]);
    await waitForIdle(s.deps.queues);
    expect(mail.messages.filter((m) => m.text?.includes('Event race-1'))).toHaveLength(1);

    // The schedules themselves run in each team's zone.
    await syncSchedulers(s.deps, s.deps.config);
    const scheduled = await s.deps.queues.digest.getJobSchedulers(0, -1);
    const weeklySchedule = scheduled.find((x) => (x.id ?? x.key) === 'digest-weekly');
    expect(weeklySchedule).toMatchObject({ pattern: '30 8 * * 1', tz: 'America/Los_Angeles' });
    const next = DateTime.fromMillis(Number(weeklySchedule?.next), { zone: 'America/Los_Angeles' });
    expect([next.weekday, next.hour, next.minute]).toEqual([1, 8, 30]);
  });

  it('quiet hours hold non-urgent alerts; CLI snoozes hold, mutes drop, unmute restores', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], [
      { id: 'night', name: 'Night', timezone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' }, slack: { channels: ['#night'] }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] },
    ]);
    now = new Date('2026-07-01T21:30:00Z'); // 23:30 in Berlin
    service = await start(configDir, { SLACK_CHANNEL_INTERVAL_MS: '0' });
    await match(service, 'night-1', [makeEvent('night-new'), makeEvent('night-sec', { kind: 'security-update' })]);
    expect(byChannel('#night').map((c) => c.body.text)).toEqual(['🚨 Event night-sec']);
    const [held] = await service.deps.queues.deliver.getDelayed();
    expect(held?.data).toMatchObject({ notBefore: '2026-07-02T05:00:00.000Z', events: [{ title: 'Event night-new' }] });
    expect(held?.opts.delay).toBe(7.5 * 3600 * 1000);
    await held?.promote(); // 07:00 in Berlin
    await waitForIdle(service.deps.queues, 20_000, { held: true });
    expect(byChannel('#night')).toHaveLength(2);

    // Daytime. A snooze from the CLI holds matching alerts; others go.
    now = new Date('2026-07-02T10:00:00Z');
    const snoozed = await cli(['snooze', 'night', '--framework', 'pytorch', '--versions', '2.4', '--for', '2d', '--reason', 'upgrade planned'], configDir);
    const snoozeId = /snoozed: (\S+)/.exec(snoozed.stdout)?.[1] ?? '';
    expect(snoozeId).toMatch(/^snooze-/);
    await match(service, 'day-1', [makeEvent('day-24', { kind: 'patch-update', version: '2.4.2' }), makeEvent('day-25', { version: '2.5' })]);
    expect(byChannel('#night')).toHaveLength(3);
    expect((await service.deps.queues.deliver.getDelayed()).map((j) => (j.data as { events: ReleaseEvent[] }).events[0]?.title)).toEqual(['Event day-24']);
    const listed = JSON.parse((await cli(['silences', '--json'], configDir)).stdout) as { id: string; reason: string }[];
    expect(listed.map((s) => [s.id, s.reason])).toEqual([[snoozeId, 'upgrade planned']]);
    await cli(['unmute', snoozeId], configDir);

    // A mute drops (and the match stage counts it); after unmute, alerts flow again.
    const muted = await cli(['mute', 'night', '--for', '1d', '--reason', 'migration'], configDir);
    const muteId = /muted: (\S+)/.exec(muted.stdout)?.[1] ?? '';
    await match(service, 'day-2', [makeEvent('while-muted', { kind: 'security-update', version: '2.6' })]);
    expect(byChannel('#night')).toHaveLength(3);
    expect(await service.deps.metrics.registry.getSingleMetricAsString('release_radar_deliveries_total')).toContain('outcome="muted"} 1');
    await cli(['unmute', muteId], configDir);
    await match(service, 'day-3', [makeEvent('after-unmute', { kind: 'security-update', version: '2.6' })]);
    expect(byChannel('#night').map((c) => c.body.text).at(-1)).toBe('🚨 Event after-unmute');
    const unknown = await cli(['mute', 'nobody', '--for', '1d'], configDir).catch((e: { stderr: string }) => e);
    expect(unknown).toMatchObject({ stderr: expect.stringContaining('no team "nobody"') });
  });
});
