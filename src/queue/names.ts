// Queue and job names, declared once. Stages follow the data flow: poll → parse → match → deliver,
// plus digest and remind (per-team schedules) and the dead-letter queue for permanent delivery failures.
export const QUEUE = {
  poll: 'poll',
  parse: 'parse',
  match: 'match',
  deliver: 'deliver',
  digest: 'digest',
  remind: 'remind',
  watchdog: 'watchdog',
  deadLetter: 'dead-letter',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export const JOB = {
  poll: 'poll-source',
  /** Polls every source that is due (src/stores/poll-plan.ts). */
  pollSweep: 'poll-sweep',
  parse: 'parse-document',
  match: 'match-events',
  slack: 'send-slack',
  email: 'send-email',
  digest: 'send-digest',
  remind: 'send-reminders',
  watchdog: 'check-sources',
  deadLetter: 'dead-letter',
  /** A no-op job that proves a stage's workers take jobs (src/queue/canary.ts). */
  canary: 'canary',
} as const;

export const STAGES = ['poll', 'parse', 'match', 'deliver', 'digest', 'remind', 'watchdog'] as const;
export type Stage = (typeof STAGES)[number];

/** BullMQ custom job ids must not contain ':'; ours are built from hex ids and config ids. */
export function jobId(...parts: string[]): string {
  return parts.join('-').replace(/:/g, '_');
}
