// What a click does, whichever way it reached us (Socket Mode or a signed HTTP request). Each action:
//  - is checked first: the team exists and the click came from one of its channels (a message
//    copied or forwarded elsewhere cannot silence a team from outside);
//  - answers with the current state instead of acting when the line was already handled elsewhere
//    (muted from the CLI, plan done): a late click must not undo or repeat what someone decided;
//  - is idempotent: its record's id is derived from what was asked (team, line, until), so a double
//    click or a redelivered interaction writes it once;
//  - is audit-logged with the Slack user, as a log line and in a capped Redis list.
import type { TeamConfig } from '../config/schema.js';
import { stableId } from '../domain/ids.js';
import { addDays, daysBetween, lineState, LINE_STATE_LABEL, suggestUpgrade, type EndOfSupportNotice, type LifecycleLine } from '../domain/lifecycle.js';
import { lineMuteOf, silenceCovers, silencesInForce, teamMute, type Silence } from '../domain/matching.js';
import { planText } from '../domain/plans.js';
import { frameworkLabel } from '../domain/events.js';
import { localDate, parseUntil } from '../domain/time.js';
import { compareVersions } from '../domain/versions.js';
import { lineName, upgradeCommand } from '../render/present.js';
import type { LineRef } from '../render/slack-actions.js';
import type { Deps } from '../processors/deps.js';

export type ActionDeps = Pick<Deps, 'teams' | 'silences' | 'plans' | 'lifecycle' | 'logger' | 'clock' | 'redis' | 'prefix'>;

export interface Actor {
  /** Slack user id ("U0123"). */
  id: string;
  /** Their handle, when Slack sent it. */
  name: string | null;
}

export interface Where {
  channelId: string | null;
  channelName: string | null;
}

export interface ActionResult {
  /** Whether anything was written. */
  changed: boolean;
  /** What the message now says about the line (who did what, until when), or the current state. */
  note: string;
}

/** The "x days/until" a snooze choice means, as the start of a day in the team's zone (so a double click asks for the same until). */
export type SnoozeChoice = { kind: '7d' } | { kind: 'before-14' } | { kind: 'until'; date: string };

const AUDIT_KEEP = 1_000;
const lineLabel = (ref: Pick<LineRef, 'framework' | 'line'>): string => `${frameworkLabel(ref.framework)} ${ref.line}`;
const who = (a: Actor): string => `<@${a.id}>`;

/** The channels a team's messages go to (its own, and its escalation target's). */
function teamChannels(team: TeamConfig): string[] {
  return [...team.slack.channels, ...(team.escalation?.slack.channels ?? [])];
}

/** Is this configured channel ("#name", or an id) the one Slack names? Slack sends both. */
export function isChannel(configured: string, where: Where): boolean {
  return (where.channelId !== null && configured === where.channelId) || (where.channelName !== null && configured.replace(/^#/, '') === where.channelName.replace(/^#/, ''));
}

/** Is this channel one of the team's? */
export function channelBelongs(team: TeamConfig, where: Where): boolean {
  return teamChannels(team).some((c) => isChannel(c, where));
}

/** The teams whose channels include this one (for /radar). */
export function teamsOfChannel(teams: Iterable<TeamConfig>, where: Where): TeamConfig[] {
  return [...teams].filter((t) => channelBelongs(t, where));
}

export class ActionRefused extends Error {}

/** The team a click is about, if it may act here. */
export function authorize(deps: Pick<ActionDeps, 'teams'>, ref: LineRef, where: Where): TeamConfig {
  const team = deps.teams.get(ref.teamId);
  if (!team) throw new ActionRefused(`team ${ref.teamId} is not configured (any more); nothing was changed`);
  if (!channelBelongs(team, where)) throw new ActionRefused(`this channel is not one of ${team.name}'s (teams.yaml: teams[id=${team.id}].slack.channels); nothing was changed`);
  return team;
}

export async function audit(deps: Pick<ActionDeps, 'redis' | 'prefix' | 'logger' | 'clock'>, entry: { actor: Actor; team: string; action: string; line?: string; result: string; detail?: string }): Promise<void> {
  const record = { at: deps.clock().toISOString(), user: entry.actor.id, userName: entry.actor.name, team: entry.team, action: entry.action, line: entry.line ?? null, result: entry.result, detail: entry.detail ?? null };
  deps.logger.info({ event: 'slack-action', ...record }, `Slack action ${entry.action} by ${entry.actor.name ?? entry.actor.id}: ${entry.result}`);
  const key = `${deps.prefix}:audit`;
  await deps.redis.multi().lpush(key, JSON.stringify(record)).ltrim(key, 0, AUDIT_KEEP - 1).exec();
}

/** What already covers this line for the team: a mute (team or line), or null. */
function mutedBy(team: TeamConfig, silences: Silence[], ref: LineRef, now: Date): Silence | null {
  const inForce = silencesInForce(team, silences, now);
  return teamMute(inForce) ?? lineMuteOf(inForce, { framework: ref.framework, version: ref.line, scope: 'exact' }) ?? null;
}

/** The day a silence ends, in the team's zone (a silence "until 2027-01-10" ends as that day starts there). */
export const untilDay = (until: string, team: TeamConfig): string => localDate(new Date(until), team.timezone);

const describeSilence = (s: Silence, team: TeamConfig): string => `until ${untilDay(s.until, team)}${s.by ? ` by ${s.by}` : ''} (${s.origin === 'cli' ? 'from the command line' : s.origin === 'config' ? 'in teams.yaml' : 'from Slack'})`;

/** The longest a line can be snoozed or muted from Slack: until its images can no longer be used, or a year. */
function longestDay(team: TeamConfig, ref: LineRef, now: Date): string {
  const yearAhead = addDays(localDate(now, team.timezone), 365);
  return ref.endOfAvailability && addDays(ref.endOfAvailability, 1) > localDate(now, team.timezone) ? addDays(ref.endOfAvailability, 1) : yearAhead;
}

function snoozeUntil(team: TeamConfig, ref: LineRef, choice: SnoozeChoice, now: Date): { until: Date; day: string } {
  const today = localDate(now, team.timezone);
  let day: string;
  if (choice.kind === '7d') day = addDays(today, 7);
  else if (choice.kind === 'until') day = choice.date;
  else {
    const next = [ref.endOfPatch, ref.endOfAvailability].filter((d): d is string => d !== null && addDays(d, -14) > today).sort()[0];
    if (!next) throw new ActionRefused(`${lineLabel(ref)} has no end date more than 14 days ahead; choose a date instead`);
    day = addDays(next, -14);
  }
  const until = parseUntil(day, team.timezone);
  if (!until || until.getTime() <= now.getTime()) throw new ActionRefused(`${day} is not a day ahead; choose a later date`);
  const longest = longestDay(team, ref, now);
  if (day > longest) throw new ActionRefused(`a snooze can last until ${longest} at most (${ref.endOfAvailability ? "the day after the line's end of availability" : 'a year'}); to silence the line for good, mute it`);
  return { until, day };
}

export async function snoozeLine(deps: ActionDeps, ref: LineRef, choice: SnoozeChoice, actor: Actor, where: Where): Promise<ActionResult> {
  const team = authorize(deps, ref, where);
  const now = deps.clock();
  const silences = await deps.silences.active(now);
  const muted = mutedBy(team, silences, ref, now);
  if (muted) return { changed: false, note: `🔇 ${lineLabel(ref)} is already muted ${describeSilence(muted, team)}: nothing to snooze` };
  const chosen = snoozeUntil(team, ref, choice, now);
  const until = chosen.until.toISOString();
  const covering = silencesInForce(team, silences, now).find((s) => s.kind === 'snooze' && s.until >= until && silenceCovers(s, { framework: ref.framework, version: ref.line, scope: 'exact' }));
  if (covering) return { changed: false, note: `⏰ ${lineLabel(ref)} is already snoozed ${describeSilence(covering, team)}` };
  const silence: Silence = { id: `slack-snooze-${stableId(team.id, ref.framework, ref.line, until).slice(0, 12)}`, teamId: team.id, kind: 'snooze', subscription: null, framework: ref.framework, versions: ref.line, until, reason: `snoozed from Slack by ${actor.name ?? actor.id}`, origin: 'slack', by: actor.name ?? actor.id };
  const created = await deps.silences.put(silence);
  await audit(deps, { actor, team: team.id, action: 'snooze', line: lineLabel(ref), result: created ? 'snoozed' : 'already snoozed (same click)', detail: until });
  return { changed: created, note: `⏰ ${who(actor)} snoozed ${lineLabel(ref)} until ${chosen.day}` };
}

export async function muteLine(deps: ActionDeps, ref: LineRef, actor: Actor, where: Where): Promise<ActionResult> {
  const team = authorize(deps, ref, where);
  const now = deps.clock();
  const muted = mutedBy(team, await deps.silences.active(now), ref, now);
  if (muted) return { changed: false, note: `🔇 ${lineLabel(ref)} is already muted ${describeSilence(muted, team)}` };
  // Until the line's images can no longer be used (then nothing about it matters), else a year.
  const day = longestDay(team, ref, now);
  const until = (parseUntil(day, team.timezone) ?? new Date(now.getTime() + 365 * 86_400_000)).toISOString();
  const silence: Silence = { id: `slack-mute-${stableId(team.id, ref.framework, ref.line).slice(0, 12)}`, teamId: team.id, kind: 'mute', subscription: null, framework: ref.framework, versions: ref.line, until, reason: `muted from Slack by ${actor.name ?? actor.id}`, origin: 'slack', by: actor.name ?? actor.id };
  const created = await deps.silences.put(silence);
  await audit(deps, { actor, team: team.id, action: 'mute', line: lineLabel(ref), result: created ? 'muted' : 'already muted (same click)', detail: until });
  return { changed: created, note: `🔇 ${who(actor)} muted ${lineLabel(ref)} until ${day}` };
}

/** The lines a team can move to: same framework, newer, still in support; the suggested one first. */
export function planTargets(ref: LineRef, lines: LifecycleLine[], notices: EndOfSupportNotice[], today: string): { version: string; label: string }[] {
  const suggested = suggestUpgrade(ref.framework, ref.line, lines, today, notices);
  const candidates = lines
    .filter((l) => l.framework === ref.framework && l.version !== null && compareVersions(l.version, ref.line) > 0 && ['supported', 'patch-only'].includes(lineState(l, lines, today, notices)))
    .map((l) => ({ version: l.version ?? '', label: `${lineName(l)}${l.endOfPatch ? ` (patches until ${l.endOfPatch})` : ''}` }));
  const unique = [...new Map(candidates.map((c) => [c.version, c])).values()].sort((a, b) => compareVersions(b.version, a.version));
  return suggested ? [...unique.filter((c) => c.version === suggested.version), ...unique.filter((c) => c.version !== suggested.version)] : unique;
}

export async function planLine(deps: ActionDeps, ref: LineRef, target: string, date: string, actor: Actor, where: Where): Promise<ActionResult> {
  const team = authorize(deps, ref, where);
  const now = deps.clock();
  if (!/^\d+\.\d+$/.test(target) || compareVersions(target, ref.line) <= 0) throw new ActionRefused(`the target must be a newer line than ${ref.line}`);
  if (!parseUntil(date, team.timezone) || date < localDate(now, team.timezone)) throw new ActionRefused(`the planned date must be today or later (${date})`);
  const write = await deps.plans.set({ teamId: team.id, framework: ref.framework, line: ref.line, target, date, by: actor.name ?? actor.id }, now);
  const today = localDate(now, team.timezone);
  await audit(deps, { actor, team: team.id, action: 'plan', line: lineLabel(ref), result: write.result, detail: `${target} by ${date}` });
  if (write.result === 'already-done') return { changed: false, note: `✅ ${planText(write.plan, today)}: a plan for this line was already marked done` };
  return { changed: write.result !== 'unchanged', note: `📋 ${who(actor)} planned ${planText(write.plan, today)}` };
}

export async function markDone(deps: ActionDeps, ref: LineRef, actor: Actor, where: Where): Promise<ActionResult> {
  const team = authorize(deps, ref, where);
  const now = deps.clock();
  const done = await deps.plans.markDone(team.id, ref.framework, ref.line, actor.name ?? actor.id, now);
  await audit(deps, { actor, team: team.id, action: 'plan-done', line: lineLabel(ref), result: done === null ? 'no plan' : done.changed ? 'done' : 'already done' });
  if (done === null) return { changed: false, note: `${lineLabel(ref)} has no plan to mark done` };
  const today = localDate(now, team.timezone);
  return { changed: done.changed, note: done.changed ? `✅ ${who(actor)} marked the plan done: ${planText(done.plan, today)}` : `✅ ${planText(done.plan, today)} (already marked done${done.plan.by ? ` by ${done.plan.by}` : ''})` };
}

/** The line, where it stands, and the way up: every newer supported line with its dates and the command. */
export async function upgradePath(deps: ActionDeps, ref: LineRef, where: Where): Promise<string> {
  const team = authorize(deps, ref, where);
  const today = localDate(deps.clock(), team.timezone);
  const [lines, notices, plan] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.plans.get(team.id, ref.framework, ref.line)]);
  const current = lines.find((l) => l.framework === ref.framework && l.version === ref.line);
  const out = [`*${lineLabel(ref)}*${current ? `: ${LINE_STATE_LABEL[lineState(current, lines, today, notices)]}` : ''}${current?.endOfPatch ? `, end of patch ${current.endOfPatch}` : ''}${current?.endOfAvailability ? `, end of availability ${current.endOfAvailability}` : ''}`];
  if (plan) out.push(`📋 ${planText(plan, today)}`);
  const targets = planTargets(ref, lines, notices, today);
  if (targets.length === 0) out.push('No newer supported line is known yet.');
  targets.slice(0, 5).forEach((t, i) => {
    const line = lines.find((l) => l.framework === ref.framework && l.version === t.version);
    const command = line?.imageFamily ? upgradeCommand(line.imageFamily) : null;
    out.push(`${i === 0 ? '→ suggested: ' : '→ '}${t.label}${line?.endOfPatch ? ` (${daysBetween(today, line.endOfPatch)} days of patches left)` : ''}${command ? `\n\`\`\`${command}\`\`\`` : ''}`);
  });
  return out.join('\n');
}
