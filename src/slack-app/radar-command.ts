// /radar: what the channel's teams run into, answered to the person who asked (ephemeral).
//   /radar status [framework [version]]   lines, dates and plans
//   /radar silences                       mutes, snoozes and plans in force
//   /radar help
// The teams are those whose slack.channels include the channel the command was typed in.
import type { TeamConfig } from '../config/schema.js';
import { FRAMEWORKS } from '../domain/events.js';
import { lineState, LINE_STATE_LABEL, linesForSubscription, suggestUpgrade, type LifecycleLine } from '../domain/lifecycle.js';
import { silenceScope, silencesInForce } from '../domain/matching.js';
import { planText } from '../domain/plans.js';
import { localDate } from '../domain/time.js';
import { compareVersions } from '../domain/versions.js';
import { lineName, relativeDays } from '../render/present.js';
import { escapeSlack } from '../render/escape.js';
import { teamsOfChannel, untilDay, type ActionDeps, type Where } from './actions.js';

const MAX_LINES = 20;

export const RADAR_HELP = [
  '*release-radar* — what changes in the images this channel\'s teams run on',
  '`/radar status` — every version line the teams subscribe to: where it stands, its end dates, the plan',
  '`/radar status pytorch` or `/radar status pytorch 2.4` — only those lines',
  '`/radar silences` — mutes, snoozes and upgrade plans in force',
  '`/radar help` — this',
  'Buttons on alerts and reminders snooze, mute a line, or record an upgrade plan.',
].join('\n');

export async function radarCommand(deps: ActionDeps, text: string, where: Where): Promise<string> {
  const [sub = 'help', ...args] = text.trim().slice(0, 200).split(/\s+/).filter(Boolean);
  const teams = teamsOfChannel(deps.teams.values(), where);
  if (sub === 'help') return RADAR_HELP;
  // What the person typed is shown back escaped and short: no <!channel>, no links.
  if (sub !== 'status' && sub !== 'silences') return `Unknown subcommand "${escapeSlack(sub.slice(0, 40))}".\n${RADAR_HELP}`;
  if (teams.length === 0) return `No team in teams.yaml has this channel (${where.channelName ? `#${where.channelName}` : (where.channelId ?? '?')}) in its slack.channels, so there is nothing to show here.`;
  return sub === 'status' ? status(deps, teams, args) : silences(deps, teams);
}

async function status(deps: ActionDeps, teams: TeamConfig[], args: string[]): Promise<string> {
  const [fw, version] = args;
  const framework = fw?.toLowerCase();
  if (framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(framework)) return `Unknown framework "${escapeSlack((fw ?? '').slice(0, 40))}": one of ${FRAMEWORKS.join(', ')}.`;
  const [lines, notices, plans] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.plans.all()]);
  const out: string[] = [];
  for (const team of teams) {
    const today = localDate(deps.clock(), team.timezone);
    const covered = new Map<string, LifecycleLine>();
    for (const s of team.subscriptions) for (const l of linesForSubscription(lines, s)) covered.set(l.key, l);
    const shown = [...covered.values()]
      .filter((l) => (framework === undefined || l.framework === framework) && (version === undefined || l.version === version || l.version?.startsWith(`${version}.`)))
      .sort((a, b) => a.framework.localeCompare(b.framework) || compareVersions(b.version ?? '0', a.version ?? '0'));
    out.push(`*${team.name}*${shown.length === 0 ? ': no version lines known for this' : ''}`);
    for (const l of shown.slice(0, MAX_LINES)) {
      const plan = l.version ? plans.find((p) => p.teamId === team.id && p.framework === l.framework && p.line === l.version) : undefined;
      const upgrade = suggestUpgrade(l.framework, l.version, lines, today, notices);
      const dates = [l.endOfPatch ? `end of patch ${l.endOfPatch} (${relativeDays(today, l.endOfPatch)})` : null, l.endOfAvailability ? `end of availability ${l.endOfAvailability} (${relativeDays(today, l.endOfAvailability)})` : null].filter(Boolean);
      const parts = [`• *${lineName(l)}*: ${LINE_STATE_LABEL[lineState(l, lines, today, notices)]}`, ...dates, plan ? `📋 ${planText(plan, today)}` : null, upgrade && !plan ? `upgrade: ${upgrade.label}` : null];
      out.push(parts.filter(Boolean).join(' · '));
    }
    if (shown.length > MAX_LINES) out.push(`…and ${shown.length - MAX_LINES} more: narrow it, e.g. \`/radar status ${(shown[0]?.framework ?? 'pytorch')}\``);
  }
  return out.join('\n');
}

async function silences(deps: ActionDeps, teams: TeamConfig[]): Promise<string> {
  const now = deps.clock();
  const [stored, plans] = await Promise.all([deps.silences.active(now), deps.plans.all()]);
  const out: string[] = [];
  for (const team of teams) {
    const today = localDate(now, team.timezone);
    const inForce = silencesInForce(team, stored, now);
    const own = plans.filter((p) => p.teamId === team.id && p.status === 'planned');
    out.push(`*${team.name}*${inForce.length === 0 && own.length === 0 ? ': no silences, no plans' : ''}`);
    for (const s of inForce) {
      out.push(`• ${s.kind === 'mute' ? '🔇 muted' : '⏰ snoozed'} ${silenceScope(s)} until ${untilDay(s.until, team)} (${s.origin}${s.by ? `, ${s.by}` : ''})${s.reason ? `: ${escapeSlack(s.reason)}` : ''}`);
    }
    for (const p of own) out.push(`• 📋 ${planText(p, today)}${p.by ? ` (${p.by})` : ''}`);
  }
  return out.join('\n');
}
