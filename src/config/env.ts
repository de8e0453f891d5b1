// The only place that reads process.env. Everything else receives a typed Env.
import { z } from 'zod';

const EnvSchema = z.object({
  CONFIG_DIR: z.string().default('./config'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue; lets several installations share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('release-radar'),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Base URL of the Slack Web API. Credentials do not belong in it (the token does that). */
  SLACK_API_URL: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol) && !new URL(u).username && !new URL(u).password, { message: 'expected an http(s) URL without credentials (the token goes in SLACK_BOT_TOKEN)' })
    .optional(),
  SMTP_URL: z.string().min(1).optional(),
  MAIL_FROM: z.string().default('release-radar <release-radar@localhost>'),
  OUTBOX_DIR: z.string().default('./outbox'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  /**
   * Where people reach this service's HTTP server (behind a proxy, say): alerts then link to the
   * team calendar. Without it, no link to this service is put in alerts (127.0.0.1 means nothing
   * to a reader).
   */
  PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), { message: 'expected an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Enables Bull Board at /admin/queues for requests carrying this token (Bearer, or Basic password). */
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * Allow source URLs (and their redirects) that resolve to loopback, private or link-local
   * addresses. Off by default: a source must not be a way into the internal network.
   */
  ALLOW_PRIVATE_SOURCES: z.stringbool().default(false),
  /** Minimum time between two Slack messages to one channel (Slack allows about one per second). */
  SLACK_CHANNEL_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
  /**
   * How long a worker holds a job before another worker may take it over (BullMQ lock duration and
   * stalled check). A killed worker's jobs are picked up after at most about twice this.
   */
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** First retry delay of a failed delivery; it doubles with each of the 8 attempts. */
  DELIVER_BACKOFF_MS: z.coerce.number().int().min(10).default(5_000),
  /** Deliveries one process sends at once (across channels; pacing is per channel). */
  DELIVER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(32),
  /** How often each process puts a canary job on each stage it runs (0: off). */
  CANARY_EVERY_MS: z.coerce.number().int().min(0).default(30_000),
  /** A canary not taken by a worker within this long means the stage stopped consuming. */
  CANARY_DEADLINE_MS: z.coerce.number().int().min(100).default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings (FOO= in a shell) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `environment: ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(lines.join('\n'));
  }
  return result.data;
}
