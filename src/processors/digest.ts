import { UnrecoverableError, type Processor } from 'bullmq';
import { stableId } from '../domain/ids.js';
import { eventExtras, upcomingEndDates, type AlertExtras } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { exposureForLine } from '../domain/exposure.js';
import { resolveTeam } from './exposure.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { DigestJobSchema, type DeliverJobInput } from '../queue/payloads.js';
import type { Deps } from './deps.js';

/**
 * A team's digest: take everything buffered since the last one (atomically, keyed by this
 * occurrence of the schedule, so racing workers cannot both take it) and enqueue one email and one
 * Slack summary per channel, with the end dates coming up in the next 90 days. Nothing buffered:
 * nothing is sent.
 */
export function createDigestProcessor(deps: Deps): Processor<unknown, { events: number }> {
  return async (job) => {
    const data = DigestJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed digest job: ${data.error.message}`);
    const configured = deps.teams.get(data.data.teamId);
    if (!configured) throw new UnrecoverableError(`team "${data.data.teamId}" is not configured`);
    const occurrence = stableId(job.id ?? '', String(job.timestamp));
    const events = await deps.digests.take(configured.id, occurrence);
    if (events.length === 0) return { events: 0 };
    const [lines, notices] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]);
    const now = deps.clock();
    const { team, exposure } = await resolveTeam(deps.inventory, configured, now, { lines, notices });
    const today = localDate(now, team.timezone);
    const upcoming = upcomingEndDates(team, lines, notices, today).map((r) => ({ ...r, exposure: exposureForLine(exposure, r.line.framework, r.line.version) }));
    // What to do for each event (the upgrade to move to), as its alert would have said, and
    // whether the team runs it (those come first in the digest).
    const extras: Record<string, AlertExtras> = {};
    for (const e of events) {
      const x = eventExtras(team, e, lines, notices, () => today, exposure);
      if (x) extras[e.id] = x;
    }
    const jobs: DeliverJobInput[] = [];
    if (team.email.to.length > 0) {
      jobs.push({ deliveryId: stableId('digest', team.id, occurrence, 'email'), teamId: team.id, target: { type: 'email', to: team.email.to }, events, purpose: 'digest', reminders: upcoming, extras });
    }
    for (const channel of team.slack.channels) {
      jobs.push({ deliveryId: stableId('digest', team.id, occurrence, 'slack', channel), teamId: team.id, target: { type: 'slack', channel }, events, purpose: 'digest', reminders: upcoming, extras });
    }
    await enqueueDeliveries(deps.queues, jobs, deps.clock(), deps.pacer);
    await deps.digests.finish(team.id, occurrence);
    return { events: events.length };
  };
}
