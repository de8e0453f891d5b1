// Issue #14: what people read. Every kind of event rendered as a Slack alert (typed by
// @slack/types, inside Block Kit's limits), as an email (MJML compiled strictly), and as text;
// urgency and wording on the dates that changed; reminders that tell ahead from past.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, type ReleaseEvent } from '../../src/domain/events.js';
import { isUrgent } from '../../src/domain/matching.js';
import type { Reminder } from '../../src/domain/reminders.js';
import { titleOf } from '../../src/ingest/extract.js';
import { familyName } from '../../src/ingest/image-family.js';
import { alertEmail, compile, digestEmail, reminderEmail } from '../../src/render/email.js';
import { cardOf, countsLine, headlineOf, lineName, reminderView, upgradeCommand, type RenderContext } from '../../src/render/present.js';
import { renderSlackAlert, renderSlackDigest, renderSlackReminders, SLACK_LIMITS, type SlackMessage } from '../../src/render/slack.js';
import { makeEvent } from '../helpers/events.js';

const ctx: RenderContext = {
  today: '2026-12-01',
  now: new Date('2026-12-01T09:00:00Z'),
  calendarUrl: 'https://radar.example.com/teams/ml/calendar.ics',
  versionsPageUrl: () => 'https://docs.cloud.google.com/deep-learning-vm/docs/images',
};

const line = (over: Partial<Reminder['line']> = {}): Reminder['line'] => ({
  key: 'dlvm|PyTorch|2.4',
  sourceId: 'dlvm',
  section: 'PyTorch versions',
  framework: 'pytorch',
  version: '2.4',
  label: '2.4 (Python 3.10)',
  accelerators: ['GPU'],
  imageFamily: 'pytorch-2-4-py310',
  endOfPatch: '2025-07-24',
  endOfAvailability: '2027-01-24',
  revisions: { 'end-of-patch': 0, 'end-of-availability': 0 },
  firstSeenAt: '2026-04-10T00:00:00Z',
  ...over,
});
const reminder = (over: Partial<Reminder>): Reminder => ({
  key: `k-${Math.random()}`,
  teamId: 'ml',
  line: line(),
  dateKind: 'end-of-availability',
  date: '2027-01-24',
  daysLeft: 54,
  threshold: 90,
  upgrade: { framework: 'pytorch', version: '2.10', label: '2.10 (Python 3.12 / Ubuntu 24.04)', imageFamily: 'pytorch-2-10-cu130-ubuntu-2404-nvidia-580', endOfPatch: '2028-07-01', runwayDays: 578 },
  ...over,
});

/** Every block within Block Kit's limits; the type annotation is the @slack/types check. */
function expectWithinLimits(message: SlackMessage): void {
  const blocks: KnownBlock[] = message.blocks;
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  for (const b of message.blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'section') {
      expect(b.text !== undefined || (b.fields?.length ?? 0) > 0).toBe(true);
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of b.elements) if (e.type === 'button') expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    }
  }
}

const eventOf = (kind: ReleaseEvent['kind'], over: Partial<ReleaseEvent> = {}): ReleaseEvent => {
  const table = ['version-added', 'version-removed', 'end-of-patch-changed', 'end-of-availability-changed'].includes(kind);
  const event = makeEvent(`e-${kind}`, {
    kind,
    framework: 'pytorch',
    version: '2.4',
    noteType: table ? null : 'feature',
    cves: kind === 'security-update' ? ['CVE-2025-0001', 'CVE-2025-0002'] : [],
    imageFamilies: ['pytorch-2-4-cu124-debian-11-py310'],
    dates: table ? { from: '2026-07-24', to: '2027-01-24', endOfPatch: '2025-07-24', endOfAvailability: '2027-01-24' } : undefined,
    ...over,
  });
  // The title the parser would give it, unless the test says otherwise.
  return over.title ? event : { ...event, title: titleOf(event) };
};

describe('Slack alerts', () => {
  it('every kind: emoji by urgency, a header that says what happened, fields, what to do with a command, link buttons, context; within Block Kit limits', () => {
    for (const kind of EVENT_KINDS) {
      const message = renderSlackAlert(eventOf(kind), undefined, ctx);
      expectWithinLimits(message);
      const [head, fields] = message.blocks;
      expect(head?.type).toBe('header');
      expect(fields?.type === 'section' && fields.fields?.map((f) => f.text.split('\n')[0])).toEqual(expect.arrayContaining(['*Framework*', '*Kind*']));
      expect(message.blocks.at(-1)?.type).toBe('context');
      expect(message.blocks.some((b) => b.type === 'actions')).toBe(true);
    }
    const security = renderSlackAlert(eventOf('security-update'), undefined, ctx);
    expect(security.text).toMatch(/^🚨 /);
    const what = security.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*What to do:*'));
    expect(what?.type === 'section' && what.text?.text).toContain('```gcloud compute instances create INSTANCE_NAME --zone=ZONE --image-family=pytorch-2-4-cu124-debian-11-py310 --image-project=deeplearning-platform-release```');
    const actions = security.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => (e.type === 'button' ? e.text.text : ''))).toEqual(['Release note', 'Supported versions', 'Calendar']);
    expect(renderSlackAlert(eventOf('new-image'), undefined, ctx).text).toMatch(/^🆕 /);
  });

  it('a moved date shows old → new with how far away it is, and the upgrade with a ready command', () => {
    const moved = eventOf('end-of-availability-changed');
    const message = renderSlackAlert(moved, { upgrade: reminder({}).upgrade, schedule: [{ threshold: 30, on: '2026-12-25' }] }, ctx);
    expect(message.text).toBe('⚠️ PyTorch 2.4 images stop being available on 2027-01-24 (was 2026-07-24)');
    const fields = message.blocks[1];
    expect(fields?.type === 'section' && fields.fields?.map((f) => f.text)).toContain('*End of availability*\n2026-07-24 → 2027-01-24 (in 54 days)');
    const what = message.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*What to do:*'));
    expect(what?.type === 'section' && what.text?.text).toMatch(/Move to PyTorch 2\.10 \(Python 3\.12 \/ Ubuntu 24\.04\): patched until 2028-07-01 \(578 days of runway\)\. Reminders for the new date: 2026-12-25 \(30 days before\)\.\n```gcloud .*--image-family=pytorch-2-10-cu130-ubuntu-2404-nvidia-580 /);
  });

  it('feed text cannot mention @channel, inject links or break out of a code block', () => {
    const hostile = eventOf('fix', { title: '<!channel> <https://evil.example|click>', text: '@here see <https://evil.example|this> ``` and *bold*' });
    const json = JSON.stringify(renderSlackAlert(hostile, undefined, ctx));
    expect(json).not.toMatch(/<!channel>|<https:\/\/evil|@here/);
  });

  it('a digest groups under human headings and stays within limits with hundreds of events', () => {
    const events = Array.from({ length: 300 }, (_, i) => eventOf(EVENT_KINDS[i % EVENT_KINDS.length] ?? 'other', { id: `${i}`.padStart(20, 'a'), title: `Event number ${i} `.repeat(8) }));
    const digest = renderSlackDigest('ML Platform', events, ctx, [reminder({})]);
    expectWithinLimits(digest);
    const text = digest.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : '')).join('\n');
    expect(text).toMatch(/^\*End of support\*/m);
    expect(text).toMatch(/^\*Patches and security\*/m);
  });
});

describe('urgency is about the dates that changed', () => {
  it('a far move of one date is not urgent because the other date already passed', () => {
    const far = eventOf('end-of-availability-changed', { dates: { from: '2027-04-13', to: '2027-10-13', endOfPatch: '2026-04-13', endOfAvailability: '2027-10-13' } });
    expect(isUrgent(far, '2026-12-01')).toBe(false);
    expect(cardOf(far, undefined, ctx).level).toBe('heads-up');
  });
  it('a date moved close, or into the past, is urgent and said to be past', () => {
    const close = eventOf('end-of-patch-changed', { dates: { from: '2027-06-01', to: '2026-12-10' } });
    expect(isUrgent(close, '2026-12-01')).toBe(true);
    const past = eventOf('end-of-availability-changed', { dates: { from: '2027-06-01', to: '2026-11-01' } });
    expect(isUrgent(past, '2026-12-01')).toBe(true);
    expect(headlineOf(past, '2026-12-01')).toBe('PyTorch 2.4 images: end of availability moved to 2026-11-01, a date already past (was 2027-06-01)');
  });
  it('an old date that was about to arrive and moved away is still worth knowing now', () => {
    expect(isUrgent(eventOf('end-of-availability-changed', { dates: { from: '2026-12-05', to: '2027-06-01' } }), '2026-12-01')).toBe(true);
    expect(isUrgent(eventOf('end-of-availability-changed', { dates: { from: '2026-01-05', to: '2027-06-01' } }), '2026-12-01')).toBe(false);
  });
});

describe('upgrades that can be acted on', () => {
  it('the placeholder of a versions page is stripped from the family; DLVM gets gcloud, DLC a docker pull', () => {
    expect(familyName('common-cu129-ubuntu-2404-nvidia-580-VERSION_DATE')).toBe('common-cu129-ubuntu-2404-nvidia-580');
    expect(familyName('pytorch-2-4-<var>VERSION_DATE</var>-py310')).toBe('pytorch-2-4-py310');
    expect(familyName('tf-2-16-cu123-py310')).toBe('tf-2-16-cu123-py310');
    expect(upgradeCommand('us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310')).toBe('docker pull us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310');
    expect(upgradeCommand('xgboost-<var>VERSION</var>-cu92')).toBeNull();
  });
  it('line names read once: no "Base (CUDA) Base-cu129"', () => {
    expect(lineName({ framework: 'base', version: '12.9', label: 'Base-cu129 (Python 3.12 / Ubuntu 24.04)' })).toBe('Base CUDA 12.9 (Python 3.12 / Ubuntu 24.04)');
    expect(lineName({ framework: 'base', version: null, label: 'Base-CPU' })).toBe('Base-CPU');
    expect(lineName({ framework: 'pytorch', version: '2.4', label: '2.4 (Python 3.10)' })).toBe('PyTorch 2.4 (Python 3.10)');
  });
});

describe('emails', () => {
  it('an alert: subject with urgency and what happened, summary first, one card per event, compiled by MJML without errors', async () => {
    const events = [eventOf('security-update'), eventOf('new-image', { id: 'b'.repeat(20) })];
    const source = alertEmail('ML Platform', events, {}, ctx);
    expect(source.subject).toBe('[action needed] Security update for PyTorch 2.4: CVE-2025-0001, CVE-2025-0002 (and 1 more for ML Platform)');
    const email = await compile(source, 'strict');
    expect(email.errors).toEqual([]);
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html.match(/class="rr-card/g)?.length).toBeGreaterThanOrEqual(2);
    expect(email.html).not.toMatch(/<script/i);
    expect(source.text.split('\n')[0]).toBe('Action needed: 2 changes for ML Platform: 1 security update, 1 new image');
    expect(source.text).toContain('gcloud compute instances create INSTANCE_NAME');
  });

  it('a digest: human headings in order, then what is coming up', async () => {
    const events = EVENT_KINDS.map((k, i) => eventOf(k, { id: `${i}`.padStart(20, 'c') }));
    const source = digestEmail('ML Platform', events, ctx, [reminder({})]);
    expect(source.subject).toMatch(/^Digest for ML Platform: /);
    expect((await compile(source, 'strict')).errors).toEqual([]);
    const headings = source.text.split('\n').filter((l) => l.startsWith('== ')).map((l) => l.replace(/^== | \(\d+\) ==$/g, ''));
    expect(headings).toEqual(['End of support', 'Patches and security', 'Date changes', 'New images', 'Other notes', 'Coming up']);
  });

  it('hostile feed text is escaped in the HTML and cannot break the subject', async () => {
    const hostile = eventOf('fix', { title: 'Fix\r\nBcc: victim@example.com', text: '<img src=x onerror=alert(1)><a href="javascript:x">y</a>' });
    const source = alertEmail('T', [hostile], {}, ctx);
    expect(source.subject).not.toMatch(/[\r\n]/);
    const { html } = await compile(source, 'strict');
    expect(html).not.toMatch(/<img src=x|href="javascript:/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('reminders say the truth', () => {
  it('ahead and passed are apart, nearest first; a first day full of past dates is one summary', async () => {
    const passed = Array.from({ length: 7 }, (_, i) => reminder({ line: line({ key: `l${i}`, label: `1.${i} (Python 3.7)`, version: `1.${i}` }), dateKind: 'end-of-patch', date: `2024-0${i + 1}-01`, daysLeft: -300 - i, threshold: 'passed' }));
    const ahead = [reminder({ daysLeft: 54 }), reminder({ line: line({ key: 'l9', label: '2.7 (Python 3.10)', version: '2.7' }), dateKind: 'end-of-patch', date: '2026-12-08', daysLeft: 7, threshold: 7 })];
    const view = reminderView([...passed, ...ahead]);
    expect(view.ahead.map((r) => r.daysLeft)).toEqual([7, 54]);
    expect(view.summary).toBe('PyTorch 2.7 (Python 3.10): end of patch and support in 7 days (2026-12-08), and 1 more date ahead; 7 versions you subscribe to are past an end date');
    const email = reminderEmail('Research', [...passed, ...ahead]);
    expect(email.subject).toBe('[action needed] PyTorch 2.7 (Python 3.10): patches end in 7 days (2026-12-08) (and 8 more for Research)');
    expect((await compile(email, 'strict')).errors).toEqual([]);
    expect(email.text).toContain('== Already past (7) ==');
    const onlyPast = reminderEmail('Research', passed);
    expect(onlyPast.subject).toBe('[heads-up] 7 versions Research subscribes to are past an end date');
    expect(onlyPast.subject).not.toMatch(/ahead/);
    const slack = renderSlackReminders('Research', passed);
    expectWithinLimits(slack);
    expect(slack.blocks.filter((b) => b.type === 'section').length).toBeLessThanOrEqual(3); // one summary, not one block per date
  });
});

describe('counts read as English', () => {
  it('plural nouns per kind', () => {
    expect(countsLine([eventOf('new-image'), eventOf('new-image'), eventOf('end-of-availability-changed'), eventOf('fix'), eventOf('fix')])).toBe('2 fixes, 2 new images, 1 end-of-availability date moved');
  });
});
