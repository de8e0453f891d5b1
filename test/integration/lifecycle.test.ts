// Issue #4 end to end on real Redis: a supported-versions page is polled, its end dates become
// lifecycle knowledge, the daily reminder check sends each reminder once (across a restart), a date
// that moves is alerted with the new reminder schedule and an upgrade suggestion, and the team's
// calendar is served over HTTP with the moved date's SEQUENCE raised.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB } from '../../src/queue/names.js';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const page = (name: string): string => readFileSync(new URL(`../fixtures/dlvm/${name}`, import.meta.url), 'utf8');

describe('lifecycle: end dates, reminders, date moves, calendar', () => {
  let prefix: string;
  let pages: DocumentServer;
  let slack: SlackStub;
  let mail: MailSink;
  let service: Service | null = null;
  let now = new Date('2026-04-20T07:00:00Z');

  beforeEach(async () => {
    prefix = uniquePrefix('lifecycle');
    [pages, slack, mail] = await Promise.all([startDocumentServer(), startSlackStub(), startMailSink()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all([pages.close(), slack.close(), mail.close()]);
    await deletePrefix(prefix);
  });

  it('reminds once per threshold, survives a restart, re-plans a moved date, serves the calendar', async () => {
    pages.serve('/images.html', page('versions-table.html'));
    const configDir = await writeConfig(
      [{ id: 'dlvm-images', kind: 'versions-table', url: `${pages.url}/images.html`, every: '1h' }],
      [
        {
          id: 'torch',
          name: 'Torch',
          timezone: 'Europe/Berlin',
          slack: { channels: ['#torch'] },
          email: { to: ['torch@example.com'] },
          subscriptions: [{ frameworks: ['pytorch'], versions: '2.4', deliver: 'immediate' }],
        },
      ],
    );
    const start = async (): Promise<Service> =>
      startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl }, service: { clock: () => now, http: true } });
    const remindNow = async (s: Service): Promise<void> => {
      await s.deps.queues.remind.add(JOB.remind, { teamId: 'torch' });
      await waitForIdle(s.deps.queues);
    };
    const slackTexts = (): string[] => slack.alerts().map((c) => JSON.stringify(c.body.blocks));

    service = await start();
    await pollNow(service, 'dlvm-images');
    await waitForIdle(service.deps.queues);
    expect(slack.alerts()).toHaveLength(0); // the first page is a baseline

    // 2026-04-20: PyTorch 2.4's end of patch (2025-07-24) is already past: one notice.
    await remindNow(service);
    expect(slack.alerts()).toHaveLength(1);
    expect(slackTexts()[0]).toContain('*Already past* (1)');
    expect(slackTexts()[0]).toContain('PyTorch 2.4 (Python 3.10): end of patch and support 2025-07-24');
    expect(slackTexts()[0]).toContain('Move to PyTorch 2.9');
    expect(mail.messages.map((m) => m.subject)).toEqual(['[heads-up] PyTorch 2.4 (Python 3.10): end of patch and support passed on 2025-07-24']);

    // Same day again, then after a restart: nothing more.
    await remindNow(service);
    await service.close();
    service = await start();
    await remindNow(service);
    expect(slack.alerts()).toHaveLength(1);

    // 2026-04-25 (Berlin morning): 90 days before the end of availability.
    now = new Date('2026-04-25T07:00:00Z');
    await remindNow(service);
    await remindNow(service);
    expect(slack.alerts()).toHaveLength(2);
    expect(slackTexts()[1]).toContain('end of availability *in 90 days* (2026-07-24)');

    // July: Google moves PyTorch 2.4's end of availability to 2027-01-24 and adds PyTorch 2.10.
    now = new Date('2026-07-15T07:00:00Z');
    pages.serve('/images.html', page('versions-table.2026-07.html'));
    await pollNow(service, 'dlvm-images');
    await waitForIdle(service.deps.queues);
    expect(slack.alerts()).toHaveLength(3);
    const moved = slackTexts()[2] ?? '';
    expect(moved).toContain('2026-07-24 → 2027-01-24');
    expect(moved).toContain('Reminders for the new date: 2026-10-26 (90 days before), 2026-12-25 (30 days before), 2027-01-17 (7 days before), 2027-01-23 (1 day before), 2027-01-24 (on the day)');
    expect(moved).toContain('Move to PyTorch 2.10');
    expect(mail.messages.at(-1)?.text).toContain('Reminders for the new date: 2026-10-26');

    // The calendar follows: same UID, new date, SEQUENCE 1.
    const ics = await (await fetch(`${service.http?.url ?? ''}/teams/torch/calendar.ics`)).text();
    const events = new ICAL.Component(ICAL.parse(ics) as unknown[]).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString(), e.sequence])).toEqual([
      ['PyTorch 2.4 (Python 3.10): end of patch and support', '2025-07-24', 0],
      ['PyTorch 2.4 (Python 3.10): end of availability', '2027-01-24', 1],
    ]);
    expect((await fetch(`${service.http?.url ?? ''}/teams/nobody/calendar.ics`)).status).toBe(404);

    // The old date's 30-day reminder (2026-06-24) never comes; the new 90-day one does.
    now = new Date('2026-06-24T07:00:00Z');
    await remindNow(service);
    now = new Date('2026-10-26T07:00:00Z');
    await remindNow(service);
    expect(slack.alerts()).toHaveLength(4);
    expect(slackTexts()[3]).toContain('end of availability *in 90 days* (2027-01-24)');
    expect(mail.messages).toHaveLength(4);
  });
});
