// Upgrade plans: a team says, from a Slack button, "we move PyTorch 2.4 to 2.6 by 2027-01-10".
// Reminders about the line then speak of the plan; once the planned date passes and the team still
// subscribes to the line, it is escalated once to the team's escalation target, then weekly until
// the plan is moved or marked done. Pure: the store keeps plans in Redis, the remind stage asks
// here what is due.
import { z } from 'zod';
import type { TeamConfig } from '../config/schema.js';
import { FrameworkSchema, frameworkLabel, type Framework } from './events.js';
import { daysBetween } from './lifecycle.js';
import { versionMatches } from './versions.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const PlanSchema = z.object({
  teamId: z.string(),
  framework: FrameworkSchema,
  /** The version line the team is on: "2.4" (X.Y; the CUDA version for Base lines). */
  line: z.string(),
  /** The line it moves to. */
  target: z.string(),
  /** The day it means to be done by (the team's local date). */
  date: IsoDate,
  status: z.enum(['planned', 'done']),
  by: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  doneAt: z.string().nullable().default(null),
  /** The team's local date of the last escalation, and how many there were. */
  escalatedOn: IsoDate.nullable().default(null),
  escalations: z.number().int().default(0),
});
export type Plan = z.infer<typeof PlanSchema>;

/** Escalations repeat this often while a plan is overdue. */
export const ESCALATE_EVERY_DAYS = 7;

export const planKey = (p: Pick<Plan, 'teamId' | 'framework' | 'line'>): string => `${p.teamId}|${p.framework}|${p.line}`;

/** "2.4.1" → "2.4"; "12.6" → "12.6"; null for something that is not a version. */
export function lineOf(version: string | null): string | null {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  return m ? `${m[1]}.${m[2]}` : null;
}

/** "PyTorch 2.4 → 2.6 planned for 2027-01-10, 12 days left" (or "… 3 days overdue", "… done"). */
export function planText(plan: Plan, today: string): string {
  const head = `${frameworkLabel(plan.framework)} ${plan.line} → ${plan.target}`;
  if (plan.status === 'done') return `${head}: done${plan.doneAt ? ` (${plan.doneAt.slice(0, 10)})` : ''}`;
  const left = daysBetween(today, plan.date);
  const when = left > 0 ? `${left} day${left === 1 ? '' : 's'} left` : left === 0 ? 'due today' : `${-left} day${left === -1 ? '' : 's'} overdue`;
  return `${head} planned for ${plan.date}, ${when}`;
}

/** Does any of the team's subscriptions still cover this line? */
export function stillSubscribed(team: TeamConfig, framework: Framework, line: string): boolean {
  return team.subscriptions.some((s) => (s.from === 'inventory' ? (s.inUse ?? []).some((u) => u.framework === framework && u.version === line) : (s.frameworks.includes('all') || s.frameworks.includes(framework)) && versionMatches(s.versions, line, 'exact')));
}

/**
 * The team's plans to escalate today: planned (not done), the planned date passed, the line still
 * subscribed, and no escalation in the last week.
 */
export function escalationsDue(team: TeamConfig, plans: Plan[], today: string): Plan[] {
  return plans.filter(
    (p) =>
      p.teamId === team.id &&
      p.status === 'planned' &&
      p.date < today &&
      stillSubscribed(team, p.framework, p.line) &&
      (p.escalatedOn === null || daysBetween(p.escalatedOn, today) >= ESCALATE_EVERY_DAYS),
  );
}
