// The only place that reads process.env. Everything else receives a typed Env.
import { z } from 'zod';

/** "host:port, host:port" → addresses (Sentinel, Cluster). */
const Addresses = z
  .string()
  .transform((text) => text.split(',').map((a) => a.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'expected host:port'))
      .min(1, 'expected at least one host:port')
      .transform((list) => list.map((a) => ({ host: a.slice(0, a.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(a.slice(a.lastIndexOf(':') + 1)) }))),
  );

const EnvSchema = z.object({
  CONFIG_DIR: z.string().default('./config'),
  /** A single Redis (redis:// or rediss://, user, password and database in the URL). */
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /**
   * Redis behind Sentinel: the sentinels' addresses ("host:26379,host2:26379") and the master's
   * name. The master's credentials go in REDIS_USERNAME / REDIS_PASSWORD, the sentinels' in
   * REDIS_SENTINEL_PASSWORD. REDIS_URL is then not used.
   */
  REDIS_SENTINELS: Addresses.optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /**
   * A Redis Cluster: some of its nodes ("host:7000,host:7001"). Every key and queue then shares one
   * hash slot through a hash-tagged QUEUE_PREFIX ("{release-radar}", added when missing), so
   * BullMQ's scripts and ours see all their keys on one node. REDIS_URL is then not used.
   */
  REDIS_CLUSTER_NODES: Addresses.optional(),
  /** Credentials for Sentinel or Cluster mode (a single Redis takes them in REDIS_URL). */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Prefix of every Redis key and BullMQ queue; lets several installations share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^(?:[A-Za-z0-9_-]+|\{[A-Za-z0-9_-]+\})$/, 'letters, digits, _ and -, optionally inside one {hash tag}').default('release-radar'),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Base URL of the Slack Web API. Credentials do not belong in it (the token does that). */
  SLACK_API_URL: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol) && !new URL(u).username && !new URL(u).password, { message: 'expected an http(s) URL without credentials (the token goes in SLACK_BOT_TOKEN)' })
    .optional(),
  /**
   * Slack buttons and the /radar command. With an app-level token (xapp-…, scope
   * connections:write) release-radar connects out through Socket Mode: no inbound port. With a
   * signing secret instead, Slack posts to /slack/interactions and /slack/commands on this
   * service's HTTP server, and every request is verified. Neither: alerts carry no buttons.
   */
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'an app-level token starts with xapp- (Basic Information → App-Level Tokens, scope connections:write)').optional(),
  SLACK_SIGNING_SECRET: z.string().min(16, 'the signing secret from Basic Information → App Credentials (32 hex characters)').optional(),
  /**
   * HTTP mode only: serve /slack/interactions and /slack/commands on a listener of their own (and
   * nothing else there), so it can face the internet while the rest stays on HTTP_HOST.
   */
  SLACK_HTTP_HOST: z.string().default('0.0.0.0'),
  SLACK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
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
  /**
   * Per-team tokens for `PUT /teams/<team>/inventory`, from INVENTORY_TOKEN_<TEAM> (the team id in
   * capitals, dashes as underscores: INVENTORY_TOKEN_ML_PLATFORM for ml-platform). A team without
   * one cannot push (the PUT is refused); imports from the CLI need no token.
   */
  INVENTORY_TOKENS: z.record(z.string(), z.string()).default({}),
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
  const env = result.data;
  // A fresh object per call: zod hands out the same default object every time.
  const tokens: Record<string, string> = {};
  for (const [key, value] of Object.entries(cleaned)) {
    const m = /^INVENTORY_TOKEN_([A-Z0-9_]+)$/.exec(key);
    if (!m?.[1] || !value) continue;
    if (value.length < 16) throw new EnvError(`environment: ${key}: at least 16 characters (a team's inventory decides what it is escalated about); generate one with \`openssl rand -hex 24\``);
    tokens[m[1].toLowerCase().replaceAll('_', '-')] = value;
  }
  env.INVENTORY_TOKENS = tokens;
  if (env.REDIS_SENTINELS && env.REDIS_CLUSTER_NODES) throw new EnvError('environment: REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: choose Sentinel or Cluster');
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_MASTER) throw new EnvError('environment: REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (the master name the sentinels monitor, e.g. mymaster)');
  if (env.REDIS_SENTINEL_MASTER && !env.REDIS_SENTINELS) throw new EnvError('environment: REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER (the sentinels\' host:port list)');
  // In a cluster, BullMQ's scripts touch several keys of a queue at once: they must share a slot.
  if (env.REDIS_CLUSTER_NODES && !env.QUEUE_PREFIX.startsWith('{')) env.QUEUE_PREFIX = `{${env.QUEUE_PREFIX}}`;
  return env;
}

/** The environment variable that holds a team's inventory token. */
export const inventoryTokenVar = (teamId: string): string => `INVENTORY_TOKEN_${teamId.toUpperCase().replaceAll('-', '_')}`;
