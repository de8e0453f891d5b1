import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import type { TeamConfig } from '../config/schema.js';
import type { Framework } from '../domain/events.js';
import { daysBetween, type LifecycleLine } from '../domain/lifecycle.js';
import { lineMuteOf, silencesInForce, teamMute } from '../domain/matching.js';
import { escalationsDue, lineOf, planKey, planText, type Plan } from '../domain/plans.js';
import { planReminders, type Reminder } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { exposureEscalationsDue, exposureForLine, type LineExposure, type TeamExposure } from '../domain/exposure.js';
import { resolveTeam } from './exposure.js';
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
    const configured = deps.teams.get(data.data.teamId);
    if (!configured) throw new UnrecoverableError(`team "${data.data.teamId}" is not configured`);
    const now = deps.clock();
    // A muted team gets no reminders; nothing is recorded, so they are planned again once it ends.
    const silences = silencesInForce(configured, await deps.silences.active(now), now);
    if (teamMute(silences)) return { due: 0, escalated: 0 };
    const today = localDate(now, configured.timezone);
    const [lines, notices, done, plans] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.reminderLog.done(configured.id), deps.plans.all()]);
    // What the team runs: `from: inventory` subscriptions cover it, reminders about it say so.
    const { team, exposure } = await resolveTeam(deps.inventory, configured, now, { lines, notices });
    const plan = planReminders(team, lines, notices, today, done);
    // A muted line (a Slack button): its reminders wait, unrecorded, until the mute ends.
    const mutedLine = (framework: Framework, version: string | null): boolean => lineMuteOf(silences, { framework, version, scope: 'exact' }) !== undefined;
    const due = plan.due.filter((r) => !mutedLine(r.line.framework, r.line.version));
    const held = new Set(plan.due.filter((r) => mutedLine(r.line.framework, r.line.version)).map((r) => r.key));
    // A line with a plan: its reminders speak of the plan.
    const planOf = (r: Reminder): Plan | undefined => plans.find((p) => p.teamId === team.id && p.framework === r.line.framework && p.line === lineOf(r.line.version));
    const withPlans = due.map((r) => {
      const p = planOf(r);
      const exposed = exposureForLine(exposure, r.line.framework, r.line.version);
      return { ...r, ...(p ? { plan: planText(p, today) } : {}), ...(exposed ? { exposure: exposed } : {}) };
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
    const escalated = (await escalate(deps, team, plans, lines, today, mutedLine)) + (await escalateExposure(deps, team, exposure, plans, today, mutedLine));
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

/**
 * Lines the team runs past their end of patch: one escalation, then weekly, and at once when the
 * line also passes its end of availability (urgent). Not while an upgrade plan for the line is in
 * place (the plan's own escalation takes over when it is overdue) or a mute covers it. To the team,
 * and to its escalation target too when it has one. The delivery id is the line and the day: two
 * workers running the same day's check send it once; the state records the day, so the next one
 * comes a week later.
 */
async function escalateExposure(deps: Deps, team: TeamConfig, exposure: TeamExposure | undefined, plans: Plan[], today: string, muted: (framework: Framework, version: string) => boolean): Promise<number> {
  if (!exposure) return 0;
  const last = await deps.inventory.escalations(team.id);
  const excused = (l: LineExposure): string | null => {
    if (l.version === null) return 'no line';
    if (muted(l.framework, l.version)) return 'muted';
    return plans.some((p) => p.teamId === team.id && p.framework === l.framework && p.line === l.version && p.status === 'planned') ? 'planned' : null;
  };
  const due = exposureEscalationsDue(exposure, last, today, excused);
  // A line no longer run, or back in support, starts afresh if it comes back.
  const lost = new Set(exposure.lines.filter((l) => l.state === 'past-end-of-patch' || l.state === 'past-end-of-availability').map((l) => l.key));
  await deps.inventory.forgetEscalations(team.id, lost);
  if (due.length === 0) return 0;
  const slack = [...new Set([...team.slack.channels, ...(team.escalation?.slack.channels ?? [])])];
  const email = [...new Set([...team.email.to, ...(team.escalation?.email.to ?? [])])];
  const batch = stableId('exposure-escalation', team.id, today, ...due.map((e) => `${e.key}|${e.urgent ? 'urgent' : ''}`).sort());
  const jobs: DeliverJobInput[] = slack.map((channel) => ({ deliveryId: stableId(batch, 'slack', channel), teamId: team.id, target: { type: 'slack' as const, channel }, purpose: 'exposure-escalation' as const, exposed: due }));
  if (email.length > 0) jobs.push({ deliveryId: stableId(batch, 'email'), teamId: team.id, target: { type: 'email', to: email }, purpose: 'exposure-escalation', exposed: due });
  await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
  for (const e of due) await deps.inventory.escalated(team.id, e.key, { on: today, urgent: e.urgent, count: e.repeat });
  deps.logger.info({ event: 'exposure-escalated', team: team.id, lines: due.map((e) => e.key), urgent: due.filter((e) => e.urgent).map((e) => e.key) }, `escalated ${due.length} line${due.length === 1 ? '' : 's'} in use past end of patch`);
  return due.length;
}
