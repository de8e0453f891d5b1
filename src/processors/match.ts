import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import { matchEvents } from '../domain/matching.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { MatchJobSchema, type DeliverJob } from '../queue/payloads.js';
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
    const jobs: DeliverJob[] = [];
    let digested = 0;
    for (const m of matchEvents(events, deps.config.teams)) {
      const team = deps.config.teams.find((t) => t.id === m.teamId);
      if (!team) continue;
      for (const event of m.immediate) {
        for (const channel of team.slack.channels) {
          jobs.push({ deliveryId: stableId('alert', event.id, team.id, 'slack', channel), teamId: team.id, target: { type: 'slack', channel }, events: [event], purpose: 'alert' });
        }
      }
      if (m.immediate.length > 0 && team.email.to.length > 0) {
        jobs.push({ deliveryId: stableId('alert', batchId, ...m.immediate.map((e) => e.id), team.id, 'email'), teamId: team.id, target: { type: 'email', to: team.email.to }, events: m.immediate, purpose: 'alert' });
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
