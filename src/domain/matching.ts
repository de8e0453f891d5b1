// Event × teams → deliveries. Pure: no IO, so the most important rules are the most tested.
import type { Subscription, TeamConfig } from '../config/schema.js';
import type { EventKind, ReleaseEvent } from './events.js';
import { versionMatches } from './versions.js';

export type Urgency = 'immediate' | 'digest';

/** Kinds that go out at once under `deliver: auto`; everything else waits for the digest. */
export const URGENT_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([
  'security-update',
  'end-of-support-reached',
  'deprecation',
  'end-of-patch-changed',
  'end-of-availability-changed',
  'version-removed',
]);

export function subscriptionMatches(sub: Subscription, event: ReleaseEvent): boolean {
  if (sub.kinds.length > 0 && !sub.kinds.includes(event.kind)) return false;
  const covers = sub.frameworks.includes('all') || (event.framework === null ? sub.frameworks.includes('general') : sub.frameworks.includes(event.framework));
  if (!covers) return false;
  if (event.framework === null) return true;
  return versionMatches(sub.versions, event.version, event.scope);
}

export function urgencyOf(sub: Subscription, event: ReleaseEvent): Urgency {
  if (sub.deliver === 'immediate' || sub.deliver === 'digest') return sub.deliver;
  return URGENT_KINDS.has(event.kind) ? 'immediate' : 'digest';
}

export interface TeamMatch {
  teamId: string;
  immediate: ReleaseEvent[];
  digest: ReleaseEvent[];
}

/**
 * For each team, which events it gets now and which wait for its digest. When several of a team's
 * subscriptions match one event, the most urgent wins and the event is counted once.
 */
export function matchEvents(events: ReleaseEvent[], teams: TeamConfig[]): TeamMatch[] {
  const out: TeamMatch[] = [];
  for (const team of teams) {
    const immediate: ReleaseEvent[] = [];
    const digest: ReleaseEvent[] = [];
    for (const event of events) {
      let best: Urgency | null = null;
      for (const sub of team.subscriptions) {
        if (!subscriptionMatches(sub, event)) continue;
        const u = urgencyOf(sub, event);
        if (u === 'immediate') {
          best = 'immediate';
          break;
        }
        best = 'digest';
      }
      if (best === 'immediate') immediate.push(event);
      else if (best === 'digest') digest.push(event);
    }
    if (immediate.length > 0 || digest.length > 0) out.push({ teamId: team.id, immediate, digest });
  }
  return out;
}

/** Why a team does not get an event: used by previews and tests. */
export function whyNot(team: TeamConfig, event: ReleaseEvent): string | null {
  if (team.subscriptions.length === 0) return 'team has no subscriptions';
  const reasons: string[] = [];
  team.subscriptions.forEach((sub, i) => {
    if (sub.kinds.length > 0 && !sub.kinds.includes(event.kind)) reasons.push(`subscriptions[${i}]: kind ${event.kind} not in [${sub.kinds.join(', ')}]`);
    else if (!subscriptionMatches(sub, event)) reasons.push(`subscriptions[${i}]: ${event.framework ?? 'general'} ${event.version ?? ''} not in frameworks [${sub.frameworks.join(', ')}] versions "${sub.versions}"`);
  });
  return reasons.length === team.subscriptions.length ? reasons.join('; ') : null;
}
