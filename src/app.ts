// Builds the dependencies every process shares from validated env + config. Nothing here runs
// at import time; entrypoints in workers/ call buildDeps and close what they built.
import type { Logger } from 'pino';
import type { Env } from './config/env.js';
import type { AppConfig } from './config/load.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createEmailNotifier } from './notify/email.js';
import type { EmailNotifier, SlackNotifier } from './notify/notifier.js';
import { createEmailOutbox, createSlackOutbox } from './notify/outbox.js';
import { createSlackNotifier } from './notify/slack.js';
import { createRedis } from './queue/connection.js';
import { RedisHealth } from './queue/redis-health.js';
import { closeQueues, createQueues } from './queue/queues.js';
import type { Deps } from './processors/deps.js';
import { DeliveryLedger } from './stores/ledger.js';
import { PollPlan } from './stores/poll-plan.js';
import { DigestBuffer } from './stores/digest-buffer.js';
import { SeenStore } from './stores/seen.js';
import { SnapshotStore } from './stores/snapshots.js';
import { LifecycleStore, ReminderLog } from './stores/lifecycle.js';
import { SilenceStore } from './stores/silences.js';
import { PlanStore } from './stores/plans.js';
import { InventoryStore } from './stores/inventory.js';
import { interactiveMode } from './slack-app/mode.js';
import { ChannelPacer } from './stores/pacer.js';
import { ThreadStore } from './stores/threads.js';
import { EventLog } from './stores/event-log.js';
import { SourceStateStore } from './stores/source-state.js';

export interface BuildOptions {
  clock?: () => Date;
  metrics?: Metrics;
  fetch?: { timeoutMs?: number; maxBytes?: number };
}

export function createNotifiers(env: Env, logger?: Logger): { slack: SlackNotifier; email: EmailNotifier } {
  const slack = env.SLACK_BOT_TOKEN
    ? createSlackNotifier({ token: env.SLACK_BOT_TOKEN, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}), ...(logger ? { logger } : {}) })
    : createSlackOutbox(env.OUTBOX_DIR);
  const email = env.SMTP_URL ? createEmailNotifier({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM }) : createEmailOutbox(env.OUTBOX_DIR, env.MAIL_FROM);
  return { slack, email };
}

export function buildDeps(env: Env, config: AppConfig, logger: Logger, options: BuildOptions = {}): Deps {
  const redis = createRedis(env);
  const clock = options.clock ?? (() => new Date());
  const health = new RedisHealth(logger, clock);
  health.watchMain(redis);
  const metrics = options.metrics ?? createMetrics();
  // ResilientRedis: the main connection and its copies (queues', workers') report revivals here.
  redis.on('revived', () => metrics.redisRevived.inc());
  const prefix = env.QUEUE_PREFIX;
  const { slack, email } = createNotifiers(env, logger);
  return {
    config,
    teams: new Map(config.teams.map((t) => [t.id, t])),
    redis,
    health,
    prefix,
    queues: createQueues(redis, prefix, {
      deliverBackoffMs: env.DELIVER_BACKOFF_MS,
      onError: (err, queue) => {
        if (!health.error(err, `queue:${queue}`)) logger.error({ queue, err: err.message }, 'queue error');
      },
    }),
    sources: new SourceStateStore(redis, prefix),
    polls: new PollPlan(redis, prefix),
    seen: new SeenStore(redis, prefix),
    snapshots: new SnapshotStore(redis, prefix),
    ledger: new DeliveryLedger(redis, prefix),
    digests: new DigestBuffer(redis, prefix),
    lifecycle: new LifecycleStore(redis, prefix),
    reminderLog: new ReminderLog(redis, prefix),
    silences: new SilenceStore(redis, prefix),
    plans: new PlanStore(redis, prefix),
    inventory: new InventoryStore(redis, prefix),
    slackButtons: interactiveMode(env) !== null,
    pacer: new ChannelPacer(redis, prefix, env.SLACK_CHANNEL_INTERVAL_MS),
    threads: new ThreadStore(redis, prefix),
    eventLog: new EventLog(redis, prefix),
    slack,
    email,
    clock,
    logger,
    metrics,
    publicUrl: env.PUBLIC_URL ?? null,
    fetch: { ...options.fetch, allowPrivate: env.ALLOW_PRIVATE_SOURCES },
  };
}

/** A new config for every stage of this process: each reads deps.config at its next job. */
export function applyConfig(deps: Deps, config: AppConfig): void {
  deps.config = config;
  deps.teams = new Map(config.teams.map((t) => [t.id, t]));
}

export async function closeDeps(deps: Deps): Promise<void> {
  deps.health.stop();
  await closeQueues(deps.queues);
  await Promise.all([deps.slack.close(), deps.email.close()]);
  await deps.redis.quit().catch(() => deps.redis.disconnect());
}
