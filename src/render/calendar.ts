// A team's end dates as an iCalendar feed (ical-generator): one all-day event per covered version
// line and date kind. UIDs are stable (team, line, date kind), so calendar apps update an event in
// place when its date moves; SEQUENCE is the number of times that date has moved. The team's
// upgrade plans are events too, on their planned day.
import ical, { type ICalCalendar } from 'ical-generator';
import type { TeamConfig } from '../config/schema.js';
import { stableId } from '../domain/ids.js';
import { DATE_KIND_LABEL, DATE_KINDS, dateOf, suggestUpgrade, type EndOfSupportNotice, type LifecycleLine } from '../domain/lifecycle.js';
import { lineName, upgradeSummary } from './present.js';
import { leadDaysFor } from '../domain/reminders.js';
import { frameworkLabel } from '../domain/events.js';
import { planKey, type Plan } from '../domain/plans.js';

export function calendarUid(teamId: string, lineKey: string, kind: string): string {
  return `${stableId('calendar', teamId, lineKey, kind)}@release-radar`;
}

export function teamCalendar(team: TeamConfig, lines: LifecycleLine[], notices: EndOfSupportNotice[], now: Date, plans: Plan[] = []): ICalCalendar {
  const calendar = ical({ name: `release-radar: ${team.name}`, description: `End of patch and end of availability dates for ${team.name}`, prodId: { company: 'release-radar', product: 'end-dates' } });
  const today = now.toISOString().slice(0, 10);
  for (const line of lines) {
    for (const kind of DATE_KINDS) {
      const date = dateOf(line, kind);
      if (date === null || leadDaysFor(team, line, kind).length === 0) continue;
      const [y, m, d] = date.split('-').map(Number);
      const upgrade = suggestUpgrade(line.framework, line.version, lines, today, notices);
      calendar.createEvent({
        id: calendarUid(team.id, line.key, kind),
        sequence: line.revisions[kind],
        // All-day events are floating dates: the same day in every time zone.
        start: new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
        allDay: true,
        timezone: 'UTC',
        stamp: now,
        summary: `${lineName(line)}: ${DATE_KIND_LABEL[kind]}`,
        description: [
          `${line.section}, ${line.label} (${line.accelerators.join(', ')}).`,
          line.imageFamily ? `Image family: ${line.imageFamily}.` : null,
          kind === 'end-of-patch' ? 'After this date no new image versions are published.' : 'After this date the images can no longer be used.',
          upgrade ? upgradeSummary(upgrade) : null,
        ]
          .filter(Boolean)
          .join('\n'),
      });
    }
  }
  // The team's own upgrade plans, on their planned day (moved plans keep their uid, a higher SEQUENCE).
  for (const plan of plans.filter((p) => p.teamId === team.id && p.status === 'planned')) {
    const [y, m, d] = plan.date.split('-').map(Number);
    calendar.createEvent({
      id: `plan-${stableId(planKey(plan)).slice(0, 16)}@release-radar`,
      sequence: Math.floor(Date.parse(plan.updatedAt) / 1000) - Math.floor(Date.parse(plan.createdAt) / 1000),
      start: new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
      allDay: true,
      timezone: 'UTC',
      stamp: now,
      summary: `Upgrade plan: ${frameworkLabel(plan.framework)} ${plan.line} → ${plan.target}`,
      description: `${team.name} planned to move ${frameworkLabel(plan.framework)} ${plan.line} to ${plan.target} by this day${plan.by ? ` (${plan.by})` : ''}. If it is still subscribed afterwards, it is escalated.`,
    });
  }
  return calendar;
}
