import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import type { TeamConfig } from '../config/schema.js';
import type { Framework } from '../domain/events.js';
import { daysBetween, type LifecycleLine } from '../domain/lifecycle.js';
import { lineMuteOf, silencesInForce, teamMute } from '../domain/matching.js';
import { escalationsDue, lineOf, planKey, planText, type Plan } from '../domain/plans.js';
import { planReminders, type Reminder } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { RemindJobSchema, type DeliverJobInput } from '../queue/payloads.js';
import type { Deps } from './deps.js';
import { refreshLineParents } from './line-threads.js';

/**
 * A team's daily reminder check, on its local date: plan what is due from the end dates we know,
 * enqueue one delivery per target with all of it, then record those reminders as done; then
 * escalate the upgrade plans that are overdue. The
 * delivery id is derived from the reminder keys: a run that dies between the two steps plans the
 * same reminders again, and the ledger stops the second send.
 */
export function createRemindProcessor(deps: Deps): Processor<unknown, { due: number; escalated: number }> {
  return async (job) => {
    const data = RemindJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed remind job: ${data.error.message}`);
    const team = deps.teams.get(data.data.teamId);
    if (!team) throw new UnrecoverableError(`team "${data.data.teamId}" is not configured`);
    const now = deps.clock();
    // A muted team gets no reminders; nothing is recorded, so they are planned again once it ends.
    const silences = silencesInForce(team, await deps.silences.active(now), now);
    if (teamMute(silences)) return { due: 0, escalated: 0 };
    const today = localDate(now, team.timezone);
    const [lines, notices, done, plans] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.reminderLog.done(team.id), deps.plans.all()]);
    const plan = planReminders(team, lines, notices, today, done);
    // A muted line (a Slack button): its reminders wait, unrecorded, until the mute ends.
    const mutedLine = (framework: Framework, version: string | null): boolean => lineMuteOf(silences, { framework, version, scope: 'exact' }) !== undefined;
    const due = plan.due.filter((r) => !mutedLine(r.line.framework, r.line.version));
    const held = new Set(plan.due.filter((r) => mutedLine(r.line.framework, r.line.version)).map((r) => r.key));
    // A line with a plan: its reminders speak of the plan.
    const planOf = (r: Reminder): Plan | undefined => plans.find((p) => p.teamId === team.id && p.framework === r.line.framework && p.line === lineOf(r.line.version));
    const withPlans = due.map((r) => {
      const p = planOf(r);
      return p ? { ...r, plan: planText(p, today) } : r;
    });
    if (withPlans.length > 0) {
      const batch = stableId('reminder', team.id, ...withPlans.map((r) => r.key).sort());
      // To Slack, one delivery per line: it goes in the line's thread, under its lifecycle parent
      // (reminders about lines without a version stay together, top-level). Email: one message.
      const byLine = new Map<string, Reminder[]>();
      for (const r of withPlans) {
        const line = lineOf(r.line.version);
        const key = line ? `${r.line.framework}|${line}` : '';
        byLine.set(key, [...(byLine.get(key) ?? []), r]);
      }
      const jobs: DeliverJobInput[] = team.slack.channels.flatMap((channel) =>
        [...byLine].map(([line, reminders]) => ({
          deliveryId: stableId(batch, 'slack', channel, line),
          teamId: team.id,
          target: { type: 'slack' as const, channel },
          purpose: 'reminder' as const,
          reminders,
        })),
      );
      if (team.email.to.length > 0) {
        jobs.push({ deliveryId: stableId(batch, 'email'), teamId: team.id, target: { type: 'email', to: team.email.to }, purpose: 'reminder', reminders: withPlans });
      }
      await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
      deps.metrics.reminders.inc({ team: team.id }, withPlans.length);
    }
    await deps.reminderLog.settle(team.id, plan.settle.filter((k) => !held.has(k)));
    const escalated = await escalate(deps, team, plans, lines, today, mutedLine);
    // Once a day the lines' parents catch up with the calendar (a line passing its end of patch).
    await refreshLineParents(deps, team.id);
    return { due: withPlans.length, escalated };
  };
}

/**
 * Upgrade plans past their date while the team still subscribes to the line: once, then weekly,
 * to the team's escalation target (its own channels and addresses when it has none). The delivery
 * id is the plan and the day: a run repeated the same day sends nothing twice.
 */
async function escalate(deps: Deps, team: TeamConfig, plans: Plan[], lines: LifecycleLine[], today: string, muted: (framework: Framework, version: string) => boolean): Promise<number> {
  const due = escalationsDue(team, plans, today).filter((p) => !muted(p.framework, p.line));
  if (due.length === 0) return 0;
  const items = due.map((p) => {
    const line = lines.find((l) => l.framework === p.framework && l.version === p.line);
    return { plan: p, endOfPatch: line?.endOfPatch ?? null, endOfAvailability: line?.endOfAvailability ?? null, daysOverdue: daysBetween(p.date, today) };
  });
  const target = team.escalation ?? { slack: team.slack, email: team.email };
  const batch = stableId('escalation', team.id, today, ...due.map(planKey).sort());
  const jobs: DeliverJobInput[] = target.slack.channels.map((channel) => ({ deliveryId: stableId(batch, 'slack', channel), teamId: team.id, target: { type: 'slack' as const, channel }, purpose: 'escalation' as const, escalations: items }));
  if (target.email.to.length > 0) jobs.push({ deliveryId: stableId(batch, 'email'), teamId: team.id, target: { type: 'email', to: target.email.to }, purpose: 'escalation', escalations: items });
  await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
  for (const p of due) await deps.plans.escalated(p, today);
  deps.logger.info({ event: 'plans-escalated', team: team.id, plans: due.map(planKey), to: [...target.slack.channels, ...target.email.to.map(() => 'email')] }, `escalated ${due.length} overdue upgrade plan${due.length === 1 ? '' : 's'}`);
  return due.length;
}
