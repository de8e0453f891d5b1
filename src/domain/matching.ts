// Event × teams → deliveries. Pure: no IO, so the most important rules are the most tested.
//
// Routing, in the order it is decided for each (team, event):
//  1. subscriptions: framework (or "general" for notes naming none), version range, kinds, image
//     family patterns; several matching subscriptions count once, the most urgent wins;
//  2. mutes (Alertmanager "silences"): an event whose only matching subscriptions are muted is
//     dropped, and said so;
//  3. urgency: deliver immediate | digest, or auto = urgent kinds and dates within 14 days now,
//     routine kinds in the digest;
//  4. holds: quiet hours delay non-urgent immediate alerts to the end of the quiet window; snoozes
//     delay matching alerts to the end of the snooze. Held alerts are delivered, never dropped.
import { parseUntil } from './time.js';
import picomatch from 'picomatch';
import { DateTime } from 'luxon';
import type { Subscription, TeamConfig } from '../config/schema.js';
import type { EventKind, Framework, ReleaseEvent } from './events.js';
import { addDays } from './lifecycle.js';
import { eventCoversLine, exposureForEvent, type TeamExposure } from './exposure.js';
import { localDate } from './time.js';
import { versionMatches } from './versions.js';

export type Urgency = 'immediate' | 'digest';

/** Kinds that are urgent whatever their dates: they go out at once under `deliver: auto`. */
export const URGENT_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['security-update', 'end-of-support-reached', 'deprecation', 'version-removed']);

/** Date changes (and added versions) are urgent when a date that changed is this close, or past. */
export const URGENT_WITHIN_DAYS = 14;

/**
 * Urgent now: an urgent kind, or a date that changed (or was added) falling within 14 days of
 * `today`. Only the dates that changed count, not the line's other date: moving an end of
 * availability from 2027-04 to 2027-10 is not urgent because the end of patch passed last year.
 * A date moved into the past is urgent; an old date that had already passed is not.
 */
export function isUrgent(event: ReleaseEvent, today: string | (() => string)): boolean {
  if (URGENT_KINDS.has(event.kind)) return true;
  if (!event.dates) return false;
  const day = typeof today === 'function' ? today() : today;
  const horizon = addDays(day, URGENT_WITHIN_DAYS);
  const soon = (d: string | null | undefined): boolean => typeof d === 'string' && d <= horizon;
  const ahead = (d: string | null | undefined): boolean => soon(d) && (d ?? '') >= day;
  if (event.kind === 'end-of-patch-changed' || event.kind === 'end-of-availability-changed') {
    // The new date close or past; or the old one was still ahead and close (plans were made for it).
    return soon(event.dates.to) || ahead(event.dates.from);
  }
  if (event.kind === 'version-added') return ahead(event.dates.endOfPatch) || ahead(event.dates.endOfAvailability);
  return false;
}

const familyMatchers = new Map<string, (s: string) => boolean>();
function familyMatches(pattern: string, family: string): boolean {
  let m = familyMatchers.get(pattern);
  if (!m) {
    m = picomatch(pattern, { nocase: true });
    familyMatchers.set(pattern, m);
  }
  return m(family);
}

export function subscriptionMatches(sub: Subscription, event: ReleaseEvent): boolean {
  if (sub.kinds.length > 0 && !sub.kinds.includes(event.kind)) return false;
  // `from: inventory` covers the lines the team runs (version included); otherwise frameworks and, below, versions.
  const covers =
    sub.from === 'inventory'
      ? (sub.inUse ?? []).some((l) => eventCoversLine(event, { framework: l.framework as Framework, version: l.version, families: l.families }))
      : sub.frameworks.includes('all') || (event.framework === null ? sub.frameworks.includes('general') : sub.frameworks.includes(event.framework));
  if (!covers) return false;
  if (sub.families.length > 0 && !event.imageFamilies.some((f) => sub.families.some((p) => familyMatches(p, f)))) return false;
  if (sub.from === 'inventory' || event.framework === null) return true;
  return versionMatches(sub.versions, event.version, event.scope);
}

export function urgencyOf(sub: Subscription, event: ReleaseEvent, today: string | (() => string)): Urgency {
  if (sub.deliver === 'immediate' || sub.deliver === 'digest') return sub.deliver;
  return isUrgent(event, today) ? 'immediate' : 'digest';
}

/** A mute or snooze in force, from teams.yaml or from `release-radar mute|snooze`. */
export interface Silence {
  id: string;
  teamId: string;
  kind: 'mute' | 'snooze';
  /** Mutes: index of one subscription; null = the whole team (or the line below). */
  subscription: number | null;
  /**
   * Snoozes: only events about this framework (null = any) … Mutes: set only for a mute of one
   * version line ("mute PyTorch 2.4" from a Slack button); null for a team or subscription mute.
   */
  framework: Framework | 'general' | 'all' | null;
  /** … and this version range (null = any). */
  versions: string | null;
  until: string;
  reason: string;
  origin: 'config' | 'cli' | 'slack';
  /** Who set it, when known (the Slack user of a button click). */
  by?: string | null;
}

/** Config validation guarantees the format; a date is the start of that day in the team's zone. */
const untilIso = (until: string, tz: string): string => (parseUntil(until, tz) ?? new Date(until)).toISOString();

/** Silences declared in teams.yaml, as Silence records. */
export function configSilences(team: TeamConfig): Silence[] {
  if (team.mutes.length === 0 && team.snoozes.length === 0) return [];
  const out: Silence[] = [];
  team.mutes.forEach((m, i) => {
    const subscription = typeof m.subscription === 'string' ? team.subscriptions.findIndex((s) => s.name === m.subscription) : (m.subscription ?? null);
    out.push({ id: `config-mute-${team.id}-${i}`, teamId: team.id, kind: 'mute', subscription, framework: null, versions: null, until: untilIso(m.until, team.timezone), reason: m.reason, origin: 'config' });
  });
  team.snoozes.forEach((s, i) => {
    out.push({ id: `config-snooze-${team.id}-${i}`, teamId: team.id, kind: 'snooze', subscription: null, framework: s.framework ?? null, versions: s.versions ?? null, until: untilIso(s.until, team.timezone), reason: s.reason, origin: 'config' });
  });
  return out;
}

/** A team's silences in force at `now`: its config ones and the CLI ones that name it. */
export function silencesInForce(team: TeamConfig, cliSilences: Silence[], now: Date): Silence[] {
  const nowIso = now.toISOString();
  return [...configSilences(team), ...cliSilences.filter((s) => s.teamId === team.id)].filter((s) => s.until > nowIso);
}

/** The mute that silences the whole team now, if any. */
export function teamMute(silences: Silence[]): Silence | undefined {
  return silences.find((s) => s.kind === 'mute' && s.subscription === null && s.framework === null);
}

/** A mute of one version line (framework and versions set). */
export const isLineMute = (s: Silence): boolean => s.kind === 'mute' && s.subscription === null && s.framework !== null;

/** The line mute that covers an event, if any. */
export function lineMuteOf(silences: Silence[], event: Pick<ReleaseEvent, 'framework' | 'version' | 'scope'>): Silence | undefined {
  return silences.find((s) => isLineMute(s) && event.framework !== null && silenceCovers(s, event));
}

/** Does a snooze (or a line mute) apply to this event: its framework, and its version range. */
export function silenceCovers(s: Silence, event: Pick<ReleaseEvent, 'framework' | 'version' | 'scope'>): boolean {
  if (s.framework !== null && s.framework !== 'all') {
    if (s.framework === 'general' ? event.framework !== null : event.framework !== s.framework) return false;
  }
  return s.versions === null || event.framework === null || versionMatches(s.versions, event.version, event.scope);
}

/** End of the quiet window containing `now` in the team's zone, or null when not in quiet hours. */
export function quietUntil(team: TeamConfig, now: Date): Date | null {
  if (!team.quietHours) return null;
  const local = DateTime.fromJSDate(now, { zone: team.timezone });
  const at = (hhmm: string, base: DateTime): DateTime => {
    const [h, m] = hhmm.split(':').map(Number);
    return base.set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 });
  };
  const start = at(team.quietHours.start, local);
  const end = at(team.quietHours.end, local);
  if (start <= end) return local >= start && local < end ? end.toJSDate() : null; // e.g. 12:00–14:00
  // Across midnight, e.g. 22:00–07:00.
  if (local >= start) return end.plus({ days: 1 }).toJSDate();
  if (local < end) return end.toJSDate();
  return null;
}

export interface PlannedAlert {
  event: ReleaseEvent;
  /** ISO time before which it must not be sent (quiet hours, snooze); null = now. */
  notBefore: string | null;
  /** Why it is held, for logs and previews. */
  held: string | null;
}

export interface TeamMatch {
  teamId: string;
  immediate: PlannedAlert[];
  digest: ReleaseEvent[];
  muted: { event: ReleaseEvent; reason: string }[];
}

export interface MatchContext {
  now: Date;
  /** Silences from the CLI (Redis); config ones are read from each team. */
  silences?: Silence[];
  /**
   * What each team runs (src/domain/exposure.ts). It never filters: it only makes a security
   * update about a line in use immediate under `deliver: digest` (held by quiet hours, unlike
   * security updates that are immediate by subscription).
   */
  exposure?: ReadonlyMap<string, TeamExposure>;
}

/** A security update about a line the team runs (fresh inventory only: a stale one is shown, not acted on). */
export function isExposedSecurity(event: ReleaseEvent, exposure: TeamExposure | undefined): boolean {
  if (event.kind !== 'security-update') return false;
  const note = exposureForEvent(exposure, event);
  return note !== null && !note.stale;
}

/**
 * For each team, which events it gets now (and from when), which wait for its digest, and which a
 * mute dropped. When several of a team's subscriptions match one event, the most urgent wins and
 * the event is counted once.
 */
export function matchEvents(events: ReleaseEvent[], teams: TeamConfig[], ctx: MatchContext): TeamMatch[] {
  const out: TeamMatch[] = [];
  for (const team of teams) {
    const silences = silencesInForce(team, ctx.silences ?? [], ctx.now);
    const mutes = silences.filter((s) => s.kind === 'mute');
    const snoozes = silences.filter((s) => s.kind === 'snooze');
    const teamMuted = teamMute(silences);
    // The team's local date, only when a rule needs it (most events are decided by kind alone).
    let todayMemo: string | null = null;
    const today = (): string => (todayMemo ??= localDate(ctx.now, team.timezone));
    const quiet = team.quietHours ? quietUntil(team, ctx.now) : null;
    const match: TeamMatch = { teamId: team.id, immediate: [], digest: [], muted: [] };
    for (const event of events) {
      let best: Urgency | null = null;
      let mutedBy: Silence | null = null;
      team.subscriptions.forEach((sub, i) => {
        if (best === 'immediate' || !subscriptionMatches(sub, event)) return;
        const mute = teamMuted ?? mutes.find((m) => m.subscription === i) ?? lineMuteOf(mutes, event);
        if (mute) {
          mutedBy ??= mute;
          return;
        }
        best = urgencyOf(sub, event, today) === 'immediate' ? 'immediate' : 'digest';
      });
      if (best === null) {
        if (mutedBy) match.muted.push({ event, reason: muteReason(mutedBy) });
        continue;
      }
      // A security update for a line in use does not wait for the digest, but waits out quiet hours.
      const promoted = best === 'digest' && isExposedSecurity(event, ctx.exposure?.get(team.id));
      if (best === 'digest' && !promoted) {
        match.digest.push(event);
        continue;
      }
      const holds: { until: string; why: string }[] = [];
      if (quiet && (promoted || !isUrgent(event, today))) holds.push({ until: quiet.toISOString(), why: `quiet hours until ${quiet.toISOString()}` });
      for (const s of snoozes) if (silenceCovers(s, event)) holds.push({ until: s.until, why: `snoozed until ${s.until}${s.reason ? ` (${s.reason})` : ''}` });
      const last = holds.sort((a, b) => a.until.localeCompare(b.until)).at(-1);
      match.immediate.push({ event, notBefore: last?.until ?? null, held: last?.why ?? null });
    }
    if (match.immediate.length > 0 || match.digest.length > 0 || match.muted.length > 0) out.push(match);
  }
  return out;
}

/** What a silence covers: "everything", "subscriptions[0]", "pytorch 2.4", "every framework". */
export function silenceScope(s: Silence): string {
  if (s.kind === 'mute') return s.subscription !== null ? `subscriptions[${s.subscription}]` : s.framework !== null ? `${s.framework} ${s.versions ?? ''}`.trim() : 'everything';
  return `${s.framework ?? 'every framework'}${s.versions ? ` ${s.versions}` : ''}`;
}

function muteReason(m: Silence): string {
  const what = m.subscription !== null ? ` (subscriptions[${m.subscription}])` : m.framework !== null ? ` (${m.framework}${m.versions ? ` ${m.versions}` : ''})` : '';
  return `muted${what} until ${m.until}${m.by ? ` by ${m.by}` : ''}${m.reason ? `: ${m.reason}` : ''}`;
}

/** Why a team does not get an event (null when it does): used by previews and tests. */
export function whyNot(team: TeamConfig, event: ReleaseEvent, ctx: MatchContext = { now: new Date() }): string | null {
  if (team.subscriptions.length === 0) return 'team has no subscriptions';
  const [m] = matchEvents([event], [team], ctx);
  if (m && (m.immediate.length > 0 || m.digest.length > 0)) return null;
  if (m && m.muted[0]) return m.muted[0].reason;
  const reasons: string[] = [];
  team.subscriptions.forEach((sub, i) => {
    const name = `subscriptions[${i}]${sub.name ? ` (${sub.name})` : ''}`;
    if (sub.kinds.length > 0 && !sub.kinds.includes(event.kind)) reasons.push(`${name}: kind ${event.kind} not in [${sub.kinds.join(', ')}]`);
    else if (sub.from === 'inventory') reasons.push(`${name}: from: inventory, and the team runs no line this is about (it runs: ${(sub.inUse ?? []).map((l) => `${l.framework} ${l.version ?? 'latest'}`).join(', ') || 'nothing known'})`);
    else if (sub.families.length > 0 && !event.imageFamilies.some((f) => sub.families.some((p) => familyMatches(p, f))))
      reasons.push(`${name}: no image family of the event (${event.imageFamilies.join(', ') || 'none'}) matches [${sub.families.join(', ')}]`);
    else if (event.framework === null) reasons.push(`${name}: a general note (no framework) and frameworks [${sub.frameworks.join(', ')}] include neither general nor all`);
    else if (!sub.frameworks.includes('all') && !sub.frameworks.includes(event.framework)) reasons.push(`${name}: ${event.framework} not in frameworks [${sub.frameworks.join(', ')}]`);
    else reasons.push(`${name}: ${event.framework} ${event.version ?? ''}${event.scope === 'and-earlier' ? ' and earlier' : ''} outside versions "${sub.versions}"`);
  });
  return reasons.join('; ');
}
