// Reminders before end dates. Pure: given what we know about end dates, a team's subscriptions, the
// team's local date and the reminders already sent, which reminders are due now.
//
// Rules (endoflife.date users expect these; Alertmanager-style "no burst"):
//  - each lead time (default 90, 30, 7, 1 days and the day itself) fires at most once per
//    (team, line, date kind, date, threshold); the date is part of the key, so a date that moves is
//    planned afresh;
//  - only the nearest due threshold fires: a line first seen 20 days before its date gets the
//    30-day reminder, not the 90- and the 30-day one;
//  - a date already past when first seen gets one "passed" notice.
import { z } from 'zod';
import type { TeamConfig } from '../config/schema.js';
import type { ReleaseEvent } from './events.js';
import { ExposureNoteSchema, exposureForEvent, type TeamExposure } from './exposure.js';
import {
  addDays,
  DATE_KINDS,
  LifecycleLineSchema,
  UpgradeSuggestionSchema,
  dateOf,
  daysBetween,
  linesForSubscription,
  suggestUpgrade,
  type DateKind,
  type EndOfSupportNotice,
  type LifecycleLine,
} from './lifecycle.js';

export const ReminderSchema = z.object({
  /** Idempotency key: team | line | date kind | date | threshold. */
  key: z.string(),
  teamId: z.string(),
  line: LifecycleLineSchema,
  dateKind: z.enum(DATE_KINDS),
  date: z.string(),
  /** Days from the team's today to the date; negative once passed. */
  daysLeft: z.number().int(),
  threshold: z.union([z.number().int(), z.literal('passed')]),
  upgrade: UpgradeSuggestionSchema.nullable(),
  /** The team's upgrade plan for this line, as it reads on the day ("PyTorch 2.4 → 2.6 planned for …"). */
  plan: z.string().nullable().default(null),
  /** The team runs this line: how much of it, since when, from where. */
  exposure: ExposureNoteSchema.nullable().default(null),
});
export type Reminder = z.input<typeof ReminderSchema>;

export interface ReminderPlan {
  due: Reminder[];
  /** Keys to record as done with this run: the due ones and the thresholds they supersede. */
  settle: string[];
}

export function reminderKey(teamId: string, lineKey: string, kind: DateKind, date: string, threshold: number | 'passed' | 'upcoming'): string {
  return `${teamId}|${lineKey}|${kind}|${date}|${threshold}`;
}

/** Lead days per (line, date kind) for a team: the union over its subscriptions that cover the line. */
export function leadDaysFor(team: TeamConfig, line: LifecycleLine, kind: DateKind): number[] {
  const days = new Set<number>();
  for (const sub of team.subscriptions) {
    if (!sub.remind.dates.includes(kind)) continue;
    if (linesForSubscription([line], sub).length === 0) continue;
    for (const d of sub.remind.days) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

export function planReminders(
  team: TeamConfig,
  lines: LifecycleLine[],
  notices: EndOfSupportNotice[],
  today: string,
  fired: ReadonlySet<string>,
): ReminderPlan {
  const due: Reminder[] = [];
  const settle: string[] = [];
  for (const line of lines) {
    for (const kind of ['end-of-patch', 'end-of-availability'] as const) {
      const date = dateOf(line, kind);
      const lead = leadDaysFor(team, line, kind);
      if (date === null || lead.length === 0) continue;
      const daysLeft = daysBetween(today, date);
      const key = (t: number | 'passed'): string => reminderKey(team.id, line.key, kind, date, t);
      const remind = (threshold: number | 'passed'): Reminder => ({
        key: key(threshold),
        teamId: team.id,
        line,
        dateKind: kind,
        date,
        daysLeft,
        threshold,
        upgrade: suggestUpgrade(line.framework, line.version, lines, today, notices),
      });
      if (daysLeft < 0) {
        // Passed. Anything already said about this date (a lead-time reminder, the day itself, or
        // "passed"): nothing more. First seen after the date: one notice.
        if (fired.has(key('passed')) || lead.some((t) => fired.has(key(t)))) continue;
        due.push(remind('passed'));
        settle.push(key('passed'), ...lead.map(key));
        continue;
      }
      const nearest = lead.find((t) => t >= daysLeft);
      if (nearest === undefined) continue; // further away than the longest lead time
      const reached = lead.filter((t) => t >= daysLeft).map(key);
      if (!fired.has(key(nearest))) due.push(remind(nearest));
      settle.push(...reached.filter((k) => !fired.has(k)));
    }
  }
  return { due, settle };
}

/** The reminders still ahead for a date: "2027-07-15 (90 days before)", … — shown when a date moves. */
export function upcomingSchedule(date: string, lead: number[], today: string): { threshold: number; on: string }[] {
  return lead
    .map((t) => ({ threshold: t, on: addDays(date, -t) }))
    .filter((r) => r.on >= today)
    .sort((a, b) => a.on.localeCompare(b.on));
}

/** What an alert adds for a team: an upgrade suggestion, and for a moved date the new reminder schedule. */
export const AlertExtrasSchema = z.object({
  upgrade: UpgradeSuggestionSchema.nullable(),
  schedule: z.array(z.object({ threshold: z.number().int(), on: z.string() })),
  /** The team runs what the event is about (src/domain/exposure.ts). */
  exposure: ExposureNoteSchema.nullable().default(null),
});
export type AlertExtras = z.input<typeof AlertExtrasSchema>;

/** Alerts that carry an upgrade suggestion (and, for moved dates, the new reminder schedule). */
export const ALERT_EXTRA_KINDS: ReadonlySet<ReleaseEvent['kind']> = new Set<ReleaseEvent['kind']>(['end-of-support-reached', 'deprecation', 'end-of-patch-changed', 'end-of-availability-changed', 'version-removed']);

export function alertExtras(team: TeamConfig, event: ReleaseEvent, lines: LifecycleLine[], notices: EndOfSupportNotice[], today: string): AlertExtras | null {
  if (!ALERT_EXTRA_KINDS.has(event.kind) || event.framework === null) return null;
  const upgrade = suggestUpgrade(event.framework, event.version, lines, today, notices);
  let schedule: AlertExtras['schedule'] = [];
  const moved = event.kind === 'end-of-patch-changed' ? 'end-of-patch' : event.kind === 'end-of-availability-changed' ? 'end-of-availability' : null;
  if (moved && event.dates?.to) {
    const line = lines.find((l) => l.framework === event.framework && l.version === event.version) ?? null;
    const lead = line ? leadDaysFor(team, line, moved) : [];
    schedule = upcomingSchedule(event.dates.to, lead, today);
  }
  return { upgrade, schedule };
}

/**
 * Everything an alert adds for a team: the upgrade and schedule (kinds that carry them) and, when
 * the team runs what the event is about, its exposure. Null when there is nothing to add. `today`
 * is asked only for the kinds that need it.
 */
export function eventExtras(team: TeamConfig, event: ReleaseEvent, lines: LifecycleLine[], notices: EndOfSupportNotice[], today: () => string, exposure: TeamExposure | undefined): AlertExtras | null {
  const exposed = exposureForEvent(exposure, event);
  const extras = ALERT_EXTRA_KINDS.has(event.kind) ? alertExtras(team, event, lines, notices, today()) : null;
  return extras || exposed ? { ...(extras ?? { upgrade: null, schedule: [] }), exposure: exposed } : null;
}

/** The digest's "upcoming end dates": every covered date in the next `horizonDays`, nearest first. */
export function upcomingEndDates(team: TeamConfig, lines: LifecycleLine[], notices: EndOfSupportNotice[], today: string, horizonDays = 90): Reminder[] {
  const out: Reminder[] = [];
  for (const line of lines) {
    for (const kind of DATE_KINDS) {
      const date = dateOf(line, kind);
      if (date === null || leadDaysFor(team, line, kind).length === 0) continue;
      const daysLeft = daysBetween(today, date);
      if (daysLeft < 0 || daysLeft > horizonDays) continue;
      out.push({
        key: reminderKey(team.id, line.key, kind, date, 'upcoming'),
        teamId: team.id,
        line,
        dateKind: kind,
        date,
        daysLeft,
        threshold: daysLeft,
        upgrade: suggestUpgrade(line.framework, line.version, lines, today, notices),
      });
    }
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft);
}
