// Job payloads as zod schemas: producers validate before enqueueing, processors safeParse and fail
// a malformed job as unrecoverable instead of retrying it.
import { z } from 'zod';
import { ReleaseEventSchema } from '../domain/events.js';
import { AlertExtrasSchema, ReminderSchema } from '../domain/reminders.js';
import { PlanSchema } from '../domain/plans.js';
import { ExposureEscalationSchema } from '../domain/exposure.js';

export const PollJobSchema = z.object({ sourceId: z.string() });
export type PollJob = z.infer<typeof PollJobSchema>;

export const ParseJobSchema = z.object({
  sourceId: z.string(),
  /** Redis key holding the fetched document (kept for diagnosis if it fails to parse). */
  bodyKey: z.string(),
  bodyHash: z.string(),
  fetchedAt: z.string(),
  url: z.string(),
});
export type ParseJob = z.infer<typeof ParseJobSchema>;

export const MatchJobSchema = z.object({
  sourceId: z.string(),
  /** Identifies what one poll found; one email per team groups it. */
  batchId: z.string(),
  events: z.array(ReleaseEventSchema).min(1),
});
export type MatchJob = z.infer<typeof MatchJobSchema>;

export const SlackTargetSchema = z.object({ type: z.literal('slack'), channel: z.string() });
export const EmailTargetSchema = z.object({ type: z.literal('email'), to: z.array(z.string()).min(1) });
export const TargetSchema = z.discriminatedUnion('type', [SlackTargetSchema, EmailTargetSchema]);
export type Target = z.infer<typeof TargetSchema>;

/** Everything of a delivery but its events (producers validate a shared event once, not per job). */
export const DeliverEnvelopeSchema = z.object({
  /** Ledger key: one send per (events, team, target). */
  deliveryId: z.string(),
  teamId: z.string(),
  target: TargetSchema,
  /**
   * "alert" for immediate deliveries, "digest" for the scheduled summary, "reminder" before end
   * dates, "escalation" for an upgrade plan past its date (to the team's escalation target),
   * "exposure-escalation" for a line the team runs that lost support.
   */
  purpose: z.enum(['alert', 'digest', 'reminder', 'escalation', 'exposure-escalation']),
  /** Exposure escalations: lines the team runs past their end of patch (or availability). */
  exposed: z.array(ExposureEscalationSchema).default([]),
  /** Escalation deliveries: the overdue plans, with the line's end dates as of planning. */
  escalations: z.array(z.object({ plan: PlanSchema, endOfPatch: z.string().nullable(), endOfAvailability: z.string().nullable(), daysOverdue: z.number().int() })).default([]),
  /** Reminder deliveries: what is due. Digests: the upcoming end dates section. */
  reminders: z.array(ReminderSchema).default([]),
  /** Per event id: upgrade suggestion and new reminder schedule, computed for this team when matched. */
  extras: z.record(z.string(), AlertExtrasSchema).default({}),
  /** Held by quiet hours or a snooze: not sent before this ISO time. */
  notBefore: z.string().nullable().default(null),
});

/** A delivery says something: events, reminders, or escalations of either kind. */
export function hasContent(d: { events: unknown[]; reminders: unknown[]; escalations: unknown[]; exposed: unknown[] }): boolean {
  return d.events.length > 0 || d.reminders.length > 0 || d.escalations.length > 0 || d.exposed.length > 0;
}

export const DeliverJobSchema = z
  .object({
    ...DeliverEnvelopeSchema.shape,
    events: z.array(ReleaseEventSchema).default([]),
  })
  .refine(hasContent, { message: 'a delivery needs events, reminders or escalations' });
export type DeliverJob = z.infer<typeof DeliverJobSchema>;
/** What producers build; defaults (no reminders, no extras) are filled in by validation. */
export type DeliverJobInput = z.input<typeof DeliverJobSchema>;

export const DigestJobSchema = z.object({ teamId: z.string() });
export type DigestJob = z.infer<typeof DigestJobSchema>;

export const RemindJobSchema = z.object({ teamId: z.string() });
export type RemindJob = z.infer<typeof RemindJobSchema>;

export const DeadLetterSchema = z.object({
  queue: z.string(),
  jobName: z.string(),
  jobId: z.string().nullable(),
  data: z.unknown(),
  code: z.string(),
  reason: z.string(),
  failedAt: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
