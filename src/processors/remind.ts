import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import { silencesInForce, teamMute } from '../domain/matching.js';
import { planReminders } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { RemindJobSchema, type DeliverJobInput } from '../queue/payloads.js';
import type { Deps } from './deps.js';

/**
 * A team's daily reminder check, on its local date: plan what is due from the end dates we know,
 * enqueue one delivery per target with all of it, then record those reminders as done. The
 * delivery id is derived from the reminder keys: a run that dies between the two steps plans the
 * same reminders again, and the ledger stops the second send.
 */
export function createRemindProcessor(deps: Deps): Processor<unknown, { due: number }> {
  return async (job) => {
    const data = RemindJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed remind job: ${data.error.message}`);
    const team = deps.teams.get(data.data.teamId);
    if (!team) throw new UnrecoverableError(`team "${data.data.teamId}" is not configured`);
    const now = deps.clock();
    // A muted team gets no reminders; nothing is recorded, so they are planned again once it ends.
    if (teamMute(silencesInForce(team, await deps.silences.active(now), now))) return { due: 0 };
    const today = localDate(now, team.timezone);
    const [lines, notices, done] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.reminderLog.done(team.id)]);
    const plan = planReminders(team, lines, notices, today, done);
    if (plan.due.length > 0) {
      const batch = stableId('reminder', team.id, ...plan.due.map((r) => r.key).sort());
      const jobs: DeliverJobInput[] = team.slack.channels.map((channel) => ({
        deliveryId: stableId(batch, 'slack', channel),
        teamId: team.id,
        target: { type: 'slack' as const, channel },
        purpose: 'reminder' as const,
        reminders: plan.due,
      }));
      if (team.email.to.length > 0) {
        jobs.push({ deliveryId: stableId(batch, 'email'), teamId: team.id, target: { type: 'email', to: team.email.to }, purpose: 'reminder', reminders: plan.due });
      }
      await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
      deps.metrics.reminders.inc({ team: team.id }, plan.due.length);
    }
    await deps.reminderLog.settle(team.id, plan.settle);
    return { due: plan.due.length };
  };
}
