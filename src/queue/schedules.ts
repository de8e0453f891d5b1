// One BullMQ job scheduler per source (poll every N) and two per team (digest, and the daily
// reminder check, at local times in the team's time zone). upsertJobScheduler is idempotent, so a redeploy never doubles schedules;
// schedulers for sources or teams removed from config are removed.
import type { AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import { parseDuration } from '../domain/duration.js';
import { JOB } from './names.js';
import type { Queues } from './queues.js';

const DAY_NUMBER = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 } as const;

export function digestCron(team: TeamConfig): string {
  const [h, m] = team.digest.at.split(':').map(Number);
  const dow = team.digest.every === 'weekly' ? String(DAY_NUMBER[team.digest.day]) : '*';
  return `${m ?? 0} ${h ?? 9} * * ${dow}`;
}

export const pollSchedulerId = (sourceId: string): string => `poll-${sourceId}`;
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

/** Every scheduler the config asks for: one poll per source, a digest and a reminder check per team, the watchdog. */
export function desiredSchedulers(config: AppConfig): DesiredScheduler[] {
  const out: DesiredScheduler[] = [];
  for (const source of config.sources) {
    const every = parseDuration(source.every) ?? 600_000;
    out.push({ queue: 'poll', id: pollSchedulerId(source.id), repeat: { every }, template: { name: JOB.poll, data: { sourceId: source.id } }, graceMs: Math.max(60_000, 3 * every) });
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

export async function syncSchedulers(queues: Queues, config: AppConfig): Promise<void> {
  const desired = desiredSchedulers(config);
  for (const s of desired) await upsertScheduler(queues, s);
  // Schedulers of sources or teams removed from the config are removed.
  for (const name of ['poll', 'digest', 'remind'] as const) {
    const wanted = new Set(desired.filter((s) => s.queue === name).map((s) => s.id));
    for (const s of await queues[name].getJobSchedulers(0, -1)) {
      const key = s.id ?? s.key;
      if (key && !wanted.has(key)) await queues[name].removeJobScheduler(key);
    }
  }
}

/**
 * Schedulers that are missing, or whose next run is long overdue: a scheduler whose next job was
 * lost (a write refused while Redis was out of memory, a job deleted by hand) never runs again by
 * itself. Each one found is re-created; returns what was repaired.
 */
export async function repairSchedulers(queues: Queues, config: AppConfig, now: number): Promise<{ missing: string[]; overdue: string[] }> {
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
  return { missing, overdue };
}
