// What runs by itself: one poll sweep (a BullMQ job scheduler that polls every source that is due,
// planned in src/stores/poll-plan.ts), two schedulers per team (digest, and the daily reminder
// check, at local times in the team's time zone) and the watchdog. upsertJobScheduler is
// idempotent, so a redeploy never doubles schedules; schedulers of teams removed from the config
// are removed, and so are their sources from the poll plan.
import type { AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import { parseDuration } from '../domain/duration.js';
import { JOB } from './names.js';
import type { Queues } from './queues.js';
import type { PollPlan } from '../stores/poll-plan.js';

/** What planning needs: the queues (job schedulers) and the poll plan. */
export interface Planner {
  queues: Queues;
  polls: PollPlan;
}

const DAY_NUMBER = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 } as const;

export function digestCron(team: TeamConfig): string {
  const [h, m] = team.digest.at.split(':').map(Number);
  const dow = team.digest.every === 'weekly' ? String(DAY_NUMBER[team.digest.day]) : '*';
  return `${m ?? 0} ${h ?? 9} * * ${dow}`;
}

/** Names a source's place in the poll plan in messages ("no poll scheduler for source x"). */
export const pollSchedulerId = (sourceId: string): string => `poll-${sourceId}`;
export const POLL_SWEEP_SCHEDULER_ID = 'poll-sweep';

/**
 * How often the sweep looks for due sources: a quarter of the shortest poll interval, between
 * 250 ms and 5 s (a source is polled at most that late).
 */
export function sweepEvery(config: AppConfig): number {
  const shortest = Math.min(...config.sources.map(pollEvery));
  return Math.max(250, Math.min(5_000, Math.floor(shortest / 4)));
}

export const pollEvery = (source: { every: string }): number => parseDuration(source.every) ?? 600_000;

/** How late a source's poll may be before it counts as stuck (the sweep stopped). */
export const pollGraceMs = (source: { every: string }): number => Math.max(60_000, 3 * pollEvery(source));
export const digestSchedulerId = (teamId: string): string => `digest-${teamId}`;
export const remindSchedulerId = (teamId: string): string => `remind-${teamId}`;
export const WATCHDOG_SCHEDULER_ID = 'watchdog';

export function reminderCron(team: TeamConfig): string {
  const [h, m] = team.reminders.at.split(':').map(Number);
  return `${m ?? 0} ${h ?? 9} * * *`;
}

export interface DesiredScheduler {
  queue: 'poll' | 'digest' | 'remind' | 'watchdog';
  id: string;
  repeat: { every: number } | { pattern: string; tz: string };
  template: { name: string; data: Record<string, string> };
  /** How late its next run may be before it counts as stuck (a lost next job). */
  graceMs: number;
}

/** Every scheduler the config asks for: the poll sweep, a digest and a reminder check per team, the watchdog. */
export function desiredSchedulers(config: AppConfig): DesiredScheduler[] {
  const out: DesiredScheduler[] = [];
  if (config.sources.length > 0) {
    const every = sweepEvery(config);
    out.push({ queue: 'poll', id: POLL_SWEEP_SCHEDULER_ID, repeat: { every }, template: { name: JOB.pollSweep, data: {} }, graceMs: Math.max(60_000, 12 * every) });
  }
  for (const team of config.teams) {
    out.push({ queue: 'digest', id: digestSchedulerId(team.id), repeat: { pattern: digestCron(team), tz: team.timezone }, template: { name: JOB.digest, data: { teamId: team.id } }, graceMs: 30 * 60_000 });
    out.push({ queue: 'remind', id: remindSchedulerId(team.id), repeat: { pattern: reminderCron(team), tz: team.timezone }, template: { name: JOB.remind, data: { teamId: team.id } }, graceMs: 30 * 60_000 });
  }
  const every = parseDuration(config.watchdog.every) ?? 300_000;
  out.push({ queue: 'watchdog', id: WATCHDOG_SCHEDULER_ID, repeat: { every }, template: { name: JOB.watchdog, data: {} }, graceMs: Math.max(60_000, 3 * every) });
  return out;
}

export async function upsertScheduler(queues: Queues, s: DesiredScheduler): Promise<void> {
  await queues[s.queue].upsertJobScheduler(s.id, s.repeat, s.template);
}

export async function syncSchedulers(planner: Planner, config: AppConfig, now = Date.now()): Promise<void> {
  const { queues } = planner;
  const desired = desiredSchedulers(config);
  await planner.polls.plan(config.sources.map((s) => s.id), now);
  const existing = new Map<string, { every?: number | null; pattern?: string | null; tz?: string | null; name?: string }>();
  for (const name of ['poll', 'digest', 'remind', 'watchdog'] as const) {
    for (const s of await queues[name].getJobSchedulers(0, -1)) existing.set(`${name}|${s.id ?? s.key}`, s);
  }
  // A restart with 10,000 teams must not rewrite 20,000 unchanged schedulers (each computes its
  // next cron time): only new or changed ones are written, 50 at a time.
  const changed = desired.filter((s) => {
    const e = existing.get(`${s.queue}|${s.id}`);
    if (!e || e.name !== s.template.name) return true;
    return 'every' in s.repeat ? Number(e.every) !== s.repeat.every : e.pattern !== s.repeat.pattern || e.tz !== s.repeat.tz;
  });
  for (let i = 0; i < changed.length; i += 50) await Promise.all(changed.slice(i, i + 50).map((s) => upsertScheduler(queues, s)));
  // Schedulers of teams removed from the config are removed (and per-source poll schedulers of
  // versions before the sweep).
  for (const name of ['poll', 'digest', 'remind'] as const) {
    const wanted = new Set(desired.filter((s) => s.queue === name).map((s) => s.id));
    for (const key of [...existing.keys()].filter((k) => k.startsWith(`${name}|`)).map((k) => k.slice(name.length + 1))) {
      if (!wanted.has(key)) await queues[name].removeJobScheduler(key);
    }
  }
}

/**
 * Schedulers that are missing, or whose next run is long overdue: a scheduler whose next job was
 * lost (a write refused while Redis was out of memory, a job deleted by hand) never runs again by
 * itself. Each one found is re-created; returns what was repaired.
 */
export async function repairSchedulers(planner: Planner, config: AppConfig, now: number): Promise<{ missing: string[]; overdue: string[] }> {
  const { queues } = planner;
  const desired = desiredSchedulers(config);
  const existing = new Map<string, { next?: number }>();
  for (const name of ['poll', 'digest', 'remind', 'watchdog'] as const) {
    for (const s of await queues[name].getJobSchedulers(0, -1)) existing.set(`${name}|${s.id ?? s.key}`, s);
  }
  const missing: string[] = [];
  const overdue: string[] = [];
  for (const s of desired) {
    const found = existing.get(`${s.queue}|${s.id}`);
    if (!found) missing.push(s.id);
    else if (found.next !== undefined && now - found.next > s.graceMs) overdue.push(s.id);
    else continue;
    if (found) await queues[s.queue].removeJobScheduler(s.id);
    await upsertScheduler(queues, s);
  }
  // Every source in the poll plan, none long overdue (that would mean the sweep stopped running).
  const ids = config.sources.map((s) => s.id);
  const due = await planner.polls.dueTimes(ids);
  const unplanned = ids.filter((id) => !due.has(id));
  if (unplanned.length > 0) for (const id of await planner.polls.plan(unplanned, now, { remove: false })) missing.push(pollSchedulerId(id));
  const late = config.sources.filter((s) => (due.get(s.id) ?? now) < now - pollGraceMs(s));
  if (late.length > 0) {
    overdue.push(...late.map((s) => pollSchedulerId(s.id)));
    const sweep = desired.find((s) => s.id === POLL_SWEEP_SCHEDULER_ID);
    if (sweep && !overdue.includes(sweep.id) && !missing.includes(sweep.id)) {
      await queues.poll.removeJobScheduler(sweep.id);
      await upsertScheduler(queues, sweep);
    }
  }
  return { missing, overdue };
}
