import { UnrecoverableError, type Processor } from 'bullmq';
import type { ReleaseEvent } from '../domain/events.js';
import { stableId } from '../domain/ids.js';
import { matchEvents, type PlannedAlert } from '../domain/matching.js';
import { resolveTeams, withInventory } from './exposure.js';
import { ALERT_EXTRA_KINDS, eventExtras, type AlertExtras } from '../domain/reminders.js';
import { localDate } from '../domain/time.js';
import { enqueueDeliveries } from '../queue/producers.js';
import { MatchJobSchema, type DeliverJobInput } from '../queue/payloads.js';
import type { Deps } from './deps.js';

/**
 * One poll's events × teams → one delivery job per (event, team, Slack channel) and one email per
 * (poll, team, hold time); routine events go to the team's digest buffer instead, muted ones
 * nowhere (counted). Job ids are the ledger's delivery ids, so a retried match job does not
 * enqueue twice while the first jobs exist, and the ledger stops a resend after they are trimmed.
 */
export function createMatchProcessor(deps: Deps): Processor<unknown, { deliveries: number; digested: number; muted: number }> {
  return async (job) => {
    const data = MatchJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed match job: ${data.error.message}`);
    const { events, batchId } = data.data;
    const now = deps.clock();
    // `from: inventory` subscriptions resolved to what each team runs; exposure notes for the rest.
    const { teams, exposure } = await resolveTeams(deps.inventory, deps.config.teams, now);
    const matches = matchEvents(events, teams, { now, silences: await deps.silences.active(now), exposure });
    // End-of-support and date-change alerts carry an upgrade suggestion and the new reminder
    // schedule, computed per team from what we know about end dates now.
    const needsLifecycle = matches.some((m) => m.immediate.some((a) => a.event.framework !== null && ALERT_EXTRA_KINDS.has(a.event.kind)));
    const [lines, notices] = needsLifecycle ? await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]) : [[], []];
    const jobs: DeliverJobInput[] = [];
    let digested = 0;
    let muted = 0;
    for (const m of matches) {
      const configured = deps.teams.get(m.teamId);
      if (!configured) continue;
      const team = withInventory(configured, exposure.get(m.teamId));
      let today: string | null = null;
      const todayOf = (): string => (today ??= localDate(now, team.timezone));
      const extrasOf = (e: ReleaseEvent): Record<string, AlertExtras> => {
        const x = eventExtras(team, e, lines, notices, todayOf, exposure.get(team.id));
        return x ? { [e.id]: x } : {};
      };
      for (const alert of m.immediate) {
        for (const channel of team.slack.channels) {
          jobs.push({
            deliveryId: stableId('alert', alert.event.id, team.id, 'slack', channel),
            teamId: team.id,
            target: { type: 'slack', channel },
            events: [alert.event],
            purpose: 'alert',
            extras: extrasOf(alert.event),
            notBefore: alert.notBefore,
          });
        }
      }
      if (team.email.to.length > 0) {
        // One email per poll and team; alerts held to a later time form their own email.
        const byTime = new Map<string, PlannedAlert[]>();
        for (const a of m.immediate) byTime.set(a.notBefore ?? '', [...(byTime.get(a.notBefore ?? '') ?? []), a]);
        for (const [notBefore, alerts] of byTime) {
          const list = alerts.map((a) => a.event);
          jobs.push({
            deliveryId: stableId('alert', batchId, ...list.map((e) => e.id), team.id, 'email'),
            teamId: team.id,
            target: { type: 'email', to: team.email.to },
            events: list,
            purpose: 'alert',
            extras: Object.assign({}, ...list.map(extrasOf)) as Record<string, AlertExtras>,
            notBefore: notBefore || null,
          });
        }
      }
      // One line per (team, event) decision, so "why did / didn't we get this?" can be read in the log.
      const targets = [...team.slack.channels, ...(team.email.to.length > 0 ? ['email'] : [])];
      for (const a of m.immediate) {
        deps.logger.info({ event: 'match', team: team.id, eventId: a.event.id, kind: a.event.kind, title: a.event.title, decision: a.notBefore ? 'held' : 'now', ...(a.held ? { held: a.held, until: a.notBefore } : {}), targets }, a.notBefore ? 'alert held' : 'alert matched');
      }
      for (const e of m.digest) deps.logger.info({ event: 'match', team: team.id, eventId: e.id, kind: e.kind, title: e.title, decision: 'digest' }, 'alert to digest');
      for (const x of m.muted) deps.logger.info({ event: 'match', team: team.id, eventId: x.event.id, kind: x.event.kind, title: x.event.title, decision: 'muted', reason: x.reason }, 'alert muted');
      muted += m.muted.length;
      deps.metrics.deliveries.inc({ channel: 'any', outcome: 'muted' }, m.muted.length);
      if (m.digest.length > 0) {
        await deps.digests.add(team.id, m.digest);
        digested += m.digest.length;
      }
    }
    await enqueueDeliveries(deps.queues, jobs, now, deps.pacer);
    return { deliveries: jobs.length, digested, muted };
  };
}
