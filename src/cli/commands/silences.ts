// mute / snooze / silences / unmute: Alertmanager-style silences with an expiry, stored in the
// service's Redis so every worker applies them at once. Mutes drop matching alerts (and the match
// stage logs why); snoozes hold them until the snooze ends.
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../../domain/duration.js';
import { parseUntil } from '../../domain/time.js';
import { configSilences, silenceScope, type Silence } from '../../domain/matching.js';
import { SubscribedFrameworkSchema } from '../../config/schema.js';
import { isValidRange } from '../../domain/versions.js';
import { SilenceStore } from '../../stores/silences.js';
import { PlanStore } from '../../stores/plans.js';
import { planText, type Plan } from '../../domain/plans.js';
import { localDate } from '../../domain/time.js';
import { findTeam, loadAll, out, outJson, withRedis } from '../context.js';

interface UntilOptions {
  for?: string;
  until?: string;
  reason: string;
}

function untilOf(opts: UntilOptions, timezone: string, now = new Date()): string {
  if (opts.for && opts.until) throw new InvalidArgumentError('give --for or --until, not both');
  if (opts.for) {
    const ms = parseDuration(opts.for);
    if (ms === null) throw new InvalidArgumentError(`--for: expected a duration like "2h", "3d" (got "${opts.for}")`);
    return new Date(now.getTime() + ms).toISOString();
  }
  if (opts.until) {
    // The same rule as teams.yaml: a real full date (the start of that day in the team's zone) or a date-time with its zone.
    const t = parseUntil(opts.until, timezone);
    if (!t) throw new InvalidArgumentError(`--until: expected a real full ISO date or date-time with a zone, e.g. "2026-12-31" or "2026-12-31T18:00:00Z" (got "${opts.until}")`);
    if (t.getTime() <= now.getTime()) throw new InvalidArgumentError(`--until ${opts.until} is in the past`);
    return t.toISOString();
  }
  throw new InvalidArgumentError('say how long: --for <duration> or --until <date>');
}

function describe(s: Silence): string {
  return `${s.id.padEnd(22)} ${s.teamId.padEnd(16)} ${s.kind.padEnd(7)} ${silenceScope(s).padEnd(24)} until ${s.until}  ${s.origin}${s.by ? ` (${s.by})` : ''}${s.reason ? `  "${s.reason}"` : ''}`;
}

function describePlan(p: Plan, today: string): string {
  return `${`plan-${p.framework}-${p.line}`.padEnd(22)} ${p.teamId.padEnd(16)} ${'plan'.padEnd(7)} ${planText(p, today)}  slack${p.by ? ` (${p.by})` : ''}`;
}

export function registerSilenceCommands(program: Command): void {
  program
    .command('mute')
    .description("drop a team's alerts (or one subscription's) until a time; reminders pause too")
    .argument('<team>', 'team id from teams.yaml')
    .option('--subscription <index|name>', 'mute only this subscription')
    .option('--for <duration>', 'how long, e.g. 8h, 3d')
    .option('--until <date>', 'until this ISO date or date-time')
    .option('--reason <text>', 'shown in logs and previews', '')
    .action(async (teamId: string, opts: UntilOptions & { subscription?: string }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      let subscription: number | null = null;
      if (opts.subscription !== undefined) {
        const byName = team.subscriptions.findIndex((s) => s.name === opts.subscription);
        subscription = byName >= 0 ? byName : /^\d+$/.test(opts.subscription) ? Number(opts.subscription) : -1;
        if (subscription < 0 || subscription >= team.subscriptions.length) throw new InvalidArgumentError(`team ${team.id} has no subscription "${opts.subscription}"`);
      }
      const until = untilOf(opts, team.timezone);
      const s = await withRedis(env, (redis) =>
        new SilenceStore(redis, env.QUEUE_PREFIX).add({ teamId: team.id, kind: 'mute', subscription, framework: null, versions: null, until, reason: opts.reason }),
      );
      out(`muted: ${describe(s)}`);
    });

  program
    .command('snooze')
    .description("hold a team's alerts (all, or about one framework / version range) until a time; they are delivered then")
    .argument('<team>', 'team id from teams.yaml')
    .option('--framework <name>', 'only alerts about this framework (pytorch, tensorflow, base, r, jax, other, general)')
    .option('--versions <range>', 'only this version range, e.g. 2.4 or ">=2.3 <2.6"')
    .option('--for <duration>', 'how long, e.g. 8h, 3d')
    .option('--until <date>', 'until this ISO date or date-time')
    .option('--reason <text>', 'shown in logs and previews', '')
    .action(async (teamId: string, opts: UntilOptions & { framework?: string; versions?: string }) => {
      const { env, config } = await loadAll();
      const team = findTeam(config, teamId);
      const framework = opts.framework === undefined ? null : SubscribedFrameworkSchema.safeParse(opts.framework);
      if (framework && !framework.success) throw new InvalidArgumentError(`--framework: unknown framework "${opts.framework ?? ''}"`);
      if (opts.versions !== undefined && !isValidRange(opts.versions)) throw new InvalidArgumentError(`--versions: invalid range "${opts.versions}"`);
      const until = untilOf(opts, team.timezone);
      const s = await withRedis(env, (redis) =>
        new SilenceStore(redis, env.QUEUE_PREFIX).add({
          teamId: team.id,
          kind: 'snooze',
          subscription: null,
          framework: framework ? framework.data : null,
          versions: opts.versions ?? null,
          until,
          reason: opts.reason,
        }),
      );
      out(`snoozed: ${describe(s)}`);
    });

  program
    .command('silences')
    .description('list mutes, snoozes and upgrade plans in force (from teams.yaml, the command line and Slack buttons)')
    .option('--json', 'the silences (and plans, kind "plan") as one JSON array', false)
    .action(async (opts: { json: boolean }) => {
      const { env, config } = await loadAll();
      const now = new Date();
      const [stored, plans] = await withRedis(env, (redis) => Promise.all([new SilenceStore(redis, env.QUEUE_PREFIX).active(now), new PlanStore(redis, env.QUEUE_PREFIX).all()]));
      const all = [...config.teams.flatMap(configSilences).filter((s) => s.until > now.toISOString()), ...stored];
      const open = plans.filter((p) => p.status === 'planned');
      if (opts.json) {
        outJson([...all, ...open.map((p) => ({ kind: 'plan', ...p }))]);
        return;
      }
      for (const s of all) out(describe(s));
      const zone = (teamId: string): string => config.teams.find((t) => t.id === teamId)?.timezone ?? 'UTC';
      for (const p of open) out(describePlan(p, localDate(now, zone(p.teamId))));
      if (all.length === 0 && open.length === 0) out('no mutes, snoozes or plans in force');
    });

  program
    .command('unmute')
    .description('end a mute or snooze set from the command line (config ones: edit teams.yaml)')
    .argument('<id>', 'silence id, as printed by mute / snooze / silences')
    .action(async (id: string) => {
      const { env } = await loadAll();
      const removed = await withRedis(env, (redis) => new SilenceStore(redis, env.QUEUE_PREFIX).remove(id));
      if (!removed) throw new InvalidArgumentError(`no silence "${id}" (config silences are edited in teams.yaml)`);
      out(`removed ${id}`);
    });
}
