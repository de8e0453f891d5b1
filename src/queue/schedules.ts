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

export async function syncSchedulers(queues: Queues, config: AppConfig): Promise<void> {
  const wantedPolls = new Set<string>();
  for (const source of config.sources) {
    const id = pollSchedulerId(source.id);
    wantedPolls.add(id);
    await queues.poll.upsertJobScheduler(id, { every: parseDuration(source.every) ?? 600_000 }, { name: JOB.poll, data: { sourceId: source.id } });
  }
  const wantedDigests = new Set<string>();
  for (const team of config.teams) {
    const id = digestSchedulerId(team.id);
    wantedDigests.add(id);
    await queues.digest.upsertJobScheduler(id, { pattern: digestCron(team), tz: team.timezone }, { name: JOB.digest, data: { teamId: team.id } });
  }
  const wantedReminders = new Set<string>();
  for (const team of config.teams) {
    const id = remindSchedulerId(team.id);
    wantedReminders.add(id);
    await queues.remind.upsertJobScheduler(id, { pattern: reminderCron(team), tz: team.timezone }, { name: JOB.remind, data: { teamId: team.id } });
  }
  await queues.watchdog.upsertJobScheduler(WATCHDOG_SCHEDULER_ID, { every: parseDuration(config.watchdog.every) ?? 300_000 }, { name: JOB.watchdog, data: {} });
  for (const [queue, wanted] of [[queues.poll, wantedPolls], [queues.digest, wantedDigests], [queues.remind, wantedReminders]] as const) {
    for (const s of await queue.getJobSchedulers(0, -1)) {
      const key = s.id ?? s.key;
      if (key && !wanted.has(key)) await queue.removeJobScheduler(key);
    }
  }
}
