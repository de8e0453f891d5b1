import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import type { ReleaseEvent } from '../domain/events.js';
import { matchEvents } from '../domain/matching.js';
import { alertExtras, type AlertExtras } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { MatchJobSchema, type DeliverJobInput } from '../queue/payloads.js';
import type { Deps } from './deps.js';

/**
 * One poll's events × teams → one delivery job per (event, team, Slack channel) and one email per
 * (poll, team); routine events go to the team's digest buffer instead. Job ids are the ledger's
 * delivery ids, so a retried match job does not enqueue twice while the first jobs exist, and the
 * ledger stops a resend after they are trimmed.
 */
export function createMatchProcessor(deps: Deps): Processor<unknown, { deliveries: number; digested: number }> {
  return async (job) => {
    const data = MatchJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed match job: ${data.error.message}`);
    const { events, batchId } = data.data;
    const jobs: DeliverJobInput[] = [];
    let digested = 0;
    const matches = matchEvents(events, deps.config.teams);
    // End-of-support and date-change alerts carry an upgrade suggestion and the new reminder
    // schedule, computed per team from what we know about end dates now.
    const needsLifecycle = matches.some((m) => m.immediate.some((e) => e.framework !== null));
    const [lines, notices] = needsLifecycle ? await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]) : [[], []];
    for (const m of matches) {
      const team = deps.config.teams.find((t) => t.id === m.teamId);
      if (!team) continue;
      const today = localDate(deps.clock(), team.timezone);
      const extrasOf = (e: ReleaseEvent): Record<string, AlertExtras> => {
        const x = alertExtras(team, e, lines, notices, today);
        return x ? { [e.id]: x } : {};
      };
      for (const event of m.immediate) {
        for (const channel of team.slack.channels) {
          jobs.push({ deliveryId: stableId('alert', event.id, team.id, 'slack', channel), teamId: team.id, target: { type: 'slack', channel }, events: [event], purpose: 'alert', extras: extrasOf(event) });
        }
      }
      if (m.immediate.length > 0 && team.email.to.length > 0) {
        jobs.push({
          deliveryId: stableId('alert', batchId, ...m.immediate.map((e) => e.id), team.id, 'email'),
          teamId: team.id,
          target: { type: 'email', to: team.email.to },
          events: m.immediate,
          purpose: 'alert',
          extras: Object.assign({}, ...m.immediate.map(extrasOf)) as Record<string, AlertExtras>,
        });
      }
      if (m.digest.length > 0) {
        await deps.digests.add(team.id, m.digest);
        digested += m.digest.length;
      }
    }
    await enqueueDeliveries(deps.queues, jobs);
    return { deliveries: jobs.length, digested };
  };
}
