// Lifecycle lines, reminder planning (injected dates, a date move, a restart), upgrade suggestions
// and the team calendar, on the real DLVM supported-versions table and its synthetic later snapshot.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { TeamSchema } from '../../src/config/schema.js';
import { teamCalendar } from '../../src/render/calendar.js';
import { addDays, mergeLines, suggestUpgrade, type LifecycleLine } from '../../src/domain/lifecycle.js';
import { planReminders, upcomingEndDates, upcomingSchedule, type Reminder } from '../../src/domain/reminders.js';
import { linesOfTable, parseVersionsTable } from '../../src/ingest/versions-table.js';

const page = (name: string): string => readFileSync(new URL(`../fixtures/dlvm/${name}`, import.meta.url), 'utf8');
const april = linesOfTable(parseVersionsTable(page('versions-table.html')).rows, 'dlvm-images', new Date('2026-04-10T00:00:00Z'));
const july = mergeLines(april, linesOfTable(parseVersionsTable(page('versions-table.2026-07.html')).rows, 'dlvm-images', new Date('2026-07-15T00:00:00Z')));
const torchTeam = TeamSchema.parse({ id: 'torch', name: 'Torch', timezone: 'Europe/Berlin', slack: { channels: ['#t'] }, subscriptions: [{ frameworks: ['pytorch'], versions: '2.4' }] });

/** Run the daily check every day from `from` to `to`, carrying what was sent like the Redis log does. */
function everyDay(lines: LifecycleLine[], from: string, to: string, done: Set<string>, team = torchTeam): { day: string; reminder: Reminder }[] {
  const sent: { day: string; reminder: Reminder }[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const plan = planReminders(team, lines, [], day, done);
    for (const reminder of plan.due) sent.push({ day, reminder });
    for (const k of plan.settle) done.add(k);
  }
  return sent;
}

describe('lifecycle lines', () => {
  it('merges the CPU and GPU rows of a version that share dates, keeps variants with other dates apart', () => {
    const tf217 = april.filter((l) => l.framework === 'tensorflow' && l.version === '2.17');
    expect(tf217).toHaveLength(1);
    expect(tf217[0]).toMatchObject({ accelerators: ['CPU only', 'GPU (CUDA 12.3)'], endOfPatch: '2025-07-11', endOfAvailability: '2026-07-11' });
    const tf211 = april.filter((l) => l.framework === 'tensorflow' && l.version === '2.11').map((l) => [l.label, l.endOfPatch]);
    expect(tf211).toEqual([
      ['2.11 (Python 3.10)', '2022-11-15'],
      ['2.11', '2023-11-15'],
    ]);
  });

  it('raises the revision of exactly the dates that moved', () => {
    const moved = july.filter((l) => l.revisions['end-of-patch'] > 0 || l.revisions['end-of-availability'] > 0).map((l) => [l.label, l.revisions]);
    expect(moved).toEqual([
      ['Base-cu128 (Python 3.10 / Ubuntu 22.04)', { 'end-of-patch': 0, 'end-of-availability': 1 }],
      ['2.7 (Python 3.10)', { 'end-of-patch': 1, 'end-of-availability': 0 }],
      ['2.4 (Python 3.10)', { 'end-of-patch': 0, 'end-of-availability': 1 }],
    ]);
    expect(july.find((l) => l.label.startsWith('2.10'))).toMatchObject({ version: '2.10', revisions: { 'end-of-patch': 0, 'end-of-availability': 0 } });
    expect(july.some((l) => l.label === '1.12')).toBe(false);
  });
});

describe('reminders', () => {
  it('fires each threshold once, on the right local day, nearest first when started late', () => {
    // PyTorch 2.4: end of patch 2025-07-24, end of availability 2026-07-24. Start 20 days before
    // the end of patch: its 90-day reminder is already behind us, so only 30, 7, 1 and 0 fire.
    const sent = everyDay(april, '2025-07-04', '2026-08-10', new Set());
    expect(sent.map((s) => `${s.day} ${s.reminder.dateKind} ${s.reminder.threshold}`)).toEqual([
      '2025-07-04 end-of-patch 30',
      '2025-07-17 end-of-patch 7',
      '2025-07-23 end-of-patch 1',
      '2025-07-24 end-of-patch 0',
      '2026-04-25 end-of-availability 90',
      '2026-06-24 end-of-availability 30',
      '2026-07-17 end-of-availability 7',
      '2026-07-23 end-of-availability 1',
      '2026-07-24 end-of-availability 0',
    ]);
    expect(sent.every((s) => s.reminder.upgrade?.version === '2.9')).toBe(true);
  });

  it('a date already past when first seen gets one "passed" notice, not a burst', () => {
    const sent = everyDay(april, '2026-08-01', '2026-09-30', new Set());
    expect(sent.map((s) => `${s.day} ${s.reminder.dateKind} ${s.reminder.threshold}`)).toEqual(['2026-08-01 end-of-patch passed', '2026-08-01 end-of-availability passed']);
  });

  it('survives a restart (the sent log is the state) and re-plans when the date moves', () => {
    const done = new Set<string>();
    const before = everyDay(april, '2026-04-20', '2026-05-01', done);
    // First seen on 2026-04-20: the end of patch (2025-07-24) has passed (one notice), the end of
    // availability (2026-07-24) is 95 days out, so its 90-day reminder comes on 2026-04-25.
    expect(before.map((s) => `${s.day} ${s.reminder.dateKind} ${s.reminder.threshold}`)).toEqual(['2026-04-20 end-of-patch passed', '2026-04-25 end-of-availability 90']);
    // "Restart": a fresh planner with the same log sends nothing again for the same days.
    expect(everyDay(april, '2026-04-20', '2026-05-01', new Set(done))).toEqual([]);
    // July: PyTorch 2.4's end of availability moves from 2026-07-24 to 2027-01-24.
    const after = everyDay(july, '2026-07-15', '2027-01-24', done);
    expect(after.map((s) => `${s.day} ${s.reminder.date} ${s.reminder.threshold}`)).toEqual([
      '2026-10-26 2027-01-24 90',
      '2026-12-25 2027-01-24 30',
      '2027-01-17 2027-01-24 7',
      '2027-01-23 2027-01-24 1',
      '2027-01-24 2027-01-24 0',
    ]);
    expect(upcomingSchedule('2027-01-24', [90, 30, 7, 1, 0], '2026-07-15').map((s) => s.on)).toEqual(['2026-10-26', '2026-12-25', '2027-01-17', '2027-01-23', '2027-01-24']);
  });

  it('per-subscription lead times and dates, and subscriptions without reminders', () => {
    const team = TeamSchema.parse({ id: 'x', name: 'X', slack: { channels: ['#x'] }, subscriptions: [{ frameworks: ['pytorch'], versions: '2.4', remind: { days: [14], dates: ['end-of-availability'] } }] });
    expect(everyDay(april, '2026-01-01', '2026-12-31', new Set(), team).map((s) => `${s.day} ${s.reminder.dateKind} ${s.reminder.threshold}`)).toEqual(['2026-07-10 end-of-availability 14']);
    const off = TeamSchema.parse({ id: 'y', name: 'Y', slack: { channels: ['#y'] }, subscriptions: [{ frameworks: ['pytorch'], remind: { days: [] } }] });
    expect(everyDay(april, '2026-01-01', '2026-12-31', new Set(), off)).toEqual([]);
  });

  it('the digest lists the end dates of the next 90 days', () => {
    expect(upcomingEndDates(torchTeam, april, [], '2026-05-01').map((r) => [r.line.label, r.dateKind, r.daysLeft])).toEqual([['2.4 (Python 3.10)', 'end-of-availability', 84]]);
  });
});

describe('upgrade suggestions', () => {
  it('the newest version of the same framework still in support, with its family and runway', () => {
    expect(suggestUpgrade('pytorch', '2.4', april, '2026-04-10', [])).toMatchObject({ version: '2.9', endOfPatch: '2028-08-04', runwayDays: 847 });
    expect(suggestUpgrade('pytorch', '2.4', july, '2026-07-15', [])).toMatchObject({ version: '2.10', imageFamily: expect.stringContaining('pytorch-2-10-cu130') });
    expect(suggestUpgrade('pytorch', '2.9', april, '2026-04-10', [])).toBeNull();
    // A release note saying "PyTorch versions 2.9 and earlier reached end of patch" rules them out.
    expect(suggestUpgrade('pytorch', '2.4', april, '2026-04-10', [{ framework: 'pytorch', version: '2.9', scope: 'and-earlier', date: '2026-04-01' }])).toBeNull();
    expect(suggestUpgrade('base', '12.4', april, '2026-04-10', [])).toMatchObject({ version: '12.9' });
  });
});

describe('team calendar', () => {
  it('parses back: one all-day event per covered date, stable UIDs, SEQUENCE raised when a date moves', () => {
    const read = (lines: LifecycleLine[]) => {
      const vcal = new ICAL.Component(ICAL.parse(teamCalendar(torchTeam, lines, [], new Date('2026-07-15T10:00:00Z')).toString()) as unknown[]);
      return vcal.getAllSubcomponents('vevent').map((v) => {
        const ev = new ICAL.Event(v);
        return { uid: ev.uid, summary: ev.summary, start: ev.startDate.toString(), allDay: ev.startDate.isDate, sequence: ev.sequence };
      });
    };
    const before = read(april);
    const after = read(july);
    expect(before.map((e) => [e.summary, e.start, e.allDay, e.sequence])).toEqual([
      ['PyTorch 2.4 (Python 3.10): end of patch and support', '2025-07-24', true, 0],
      ['PyTorch 2.4 (Python 3.10): end of availability', '2026-07-24', true, 0],
    ]);
    expect(after.map((e) => [e.start, e.sequence])).toEqual([
      ['2025-07-24', 0],
      ['2027-01-24', 1],
    ]);
    expect(after.map((e) => e.uid)).toEqual(before.map((e) => e.uid));
  });
});
