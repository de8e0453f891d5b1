// Entrypoint logic: start the scheduler, the workers of the chosen stages and (optionally) the HTTP
// server against one Redis; close everything on SIGINT/SIGTERM. `release-radar start` runs every
// stage in one process; `release-radar worker <stage>` runs one, so users scale out by starting
// more worker processes.
import { Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { applyConfig, buildDeps, closeDeps, type BuildOptions } from '../src/app.js';
import { ConfigError, configFingerprint, loadConfig, type AppConfig } from '../src/config/load.js';
import { InstanceRegistry } from '../src/stores/instances.js';
import { configuredSecrets } from '../src/config/secrets.js';
import { redactText, registerSecrets } from '../src/redact.js';
import type { Env } from '../src/config/env.js';
import { startHttpServer, startSlackListener, type HttpServer } from '../src/http/server.js';
import { createDeliverProcessor } from '../src/processors/deliver.js';
import type { Deps } from '../src/processors/deps.js';
import { createDigestProcessor } from '../src/processors/digest.js';
import { createMatchProcessor } from '../src/processors/match.js';
import { createParseProcessor } from '../src/processors/parse.js';
import { createPollProcessor } from '../src/processors/poll.js';
import { createRemindProcessor } from '../src/processors/remind.js';
import { StateGuard } from '../src/processors/state-guard.js';
import { createWatchdogProcessor, redisOutageKey } from '../src/processors/watchdog.js';
import { assertRedisReachable, createRedis } from '../src/queue/connection.js';
import { ConsumptionCanary } from '../src/queue/canary.js';
import { QUEUE, type Stage } from '../src/queue/names.js';
import { pollEvery, syncSchedulers } from '../src/queue/schedules.js';
import { withDeadline } from '../src/deadline.js';
import { interactiveMode } from '../src/slack-app/mode.js';

export interface ServiceOptions extends BuildOptions {
  stages: readonly Stage[];
  scheduler: boolean;
  http: boolean;
  /** Deliveries run concurrently across channels. */
  deliverConcurrency?: number;
  /** How often the state guard checks that Redis still holds our state (default: half the shortest poll interval, at most 30 s). */
  stateCheckMs?: number;
}

export interface ReloadResult {
  ok: boolean;
  message: string;
}

export interface Service {
  deps: Deps;
  workers: Worker[];
  http: HttpServer | null;
  /** HTTP mode's own listener for /slack/* (SLACK_HTTP_PORT), when configured. */
  slackHttp: HttpServer | null;
  /** Present in processes that keep the schedulers (`start`, `worker --scheduler`). */
  guard: StateGuard | null;
  instances: InstanceRegistry;
  /** Proves each stage of this process takes jobs (src/queue/canary.ts). */
  canary: ConsumptionCanary;
  /** Read the config files again; apply them if valid (SIGHUP, POST /-/reload). */
  reload(): Promise<ReloadResult>;
  close(): Promise<void>;
}

const PROCESSORS: Record<Stage, (deps: Deps) => Processor> = {
  poll: createPollProcessor,
  parse: createParseProcessor,
  match: createMatchProcessor,
  deliver: createDeliverProcessor,
  digest: createDigestProcessor,
  remind: createRemindProcessor,
  watchdog: createWatchdogProcessor,
};

// Deliver concurrency comes from DELIVER_CONCURRENCY (env).
const CONCURRENCY: Record<Exclude<Stage, 'deliver'>, number> = { poll: 8, parse: 2, match: 4, digest: 2, remind: 2, watchdog: 1 };

export async function startService(env: Env, config: AppConfig, logger: Logger, options: ServiceOptions): Promise<Service> {
  registerSecrets(configuredSecrets(env, config));
  await assertRedisReachable(env);
  const deps = buildDeps(env, config, logger, options);
  const workers: Worker[] = [];
  const workerConnections: Redis[] = [];
  // The processors are built once per stage: a replaced worker keeps its stage's state (sweeps in
  // flight, said-once warnings).
  const instanceId = randomUUID();
  const concurrencyOf = (stage: Stage): number => (stage === 'deliver' ? (options.deliverConcurrency ?? env.DELIVER_CONCURRENCY) : CONCURRENCY[stage]);
  const canary = new ConsumptionCanary(deps, options.stages, {
    everyMs: env.CANARY_EVERY_MS,
    deadlineMs: env.CANARY_DEADLINE_MS,
    instanceId: instanceId.slice(0, 8),
    onStuck: (stage) => replaceWorker(stage),
    concurrency: Object.fromEntries(options.stages.map((s) => [s, concurrencyOf(s)])),
  });
  // A canary proves the stage takes jobs; it does nothing else.
  const processors = new Map(options.stages.map((stage) => [stage, canary.watch(stage, PROCESSORS[stage](deps)) as Processor] as const));
  const startWorker = (stage: Stage): { worker: Worker; connection: Redis } => {
    // Each worker gets its own connection: blocking commands must not share one.
    const connection = createRedis(env);
    deps.health.watch(connection, stage);
    const worker = new Worker(QUEUE[stage], processors.get(stage) ?? null, {
      connection,
      prefix: deps.prefix,
      concurrency: concurrencyOf(stage),
      // A killed worker's jobs are taken over after the lock expires and the stalled check runs.
      lockDuration: env.JOB_LOCK_MS,
      stalledInterval: env.JOB_LOCK_MS,
      // A job whose worker died is taken over; allow that several times (a crash loop must not
      // turn into a silently failed delivery: BullMQ's default gives up after one).
      maxStalledCount: 10,
    });
    worker.on('failed', (job, err) => logger.warn({ stage, jobId: job?.id, err: err.message }, 'job failed'));
    // While Redis is away every worker reports connection errors several times a second: the health
    // tracker logs one line per outage instead.
    worker.on('error', (err) => {
      if (deps.health.error(err, stage)) return;
      // A job that was running when Redis lost its data cannot be finished: its key is gone. The
      // state guard reports the loss as a whole; each such job is one line, not an error storm.
      if (/Missing key for job/.test(err.message)) logger.warn({ event: 'job-lost', stage, err: err.message }, 'a running job vanished from Redis (state lost?)');
      else logger.error({ stage, err: err.message }, 'worker error');
    });
    return { worker, connection };
  };
  for (const stage of options.stages) {
    const { worker, connection } = startWorker(stage);
    workers.push(worker);
    workerConnections.push(connection);
  }
  /**
   * What an operator does with a worker that stopped taking jobs (the canary found it): a new
   * worker on a new connection takes its place. The old one is closed without waiting for its
   * jobs (their locks lapse and the new worker takes them over as stalled) and its connection
   * dropped, so whatever state it was stuck in goes with it.
   */
  const replaceWorker = async (stage: Stage): Promise<void> => {
    const index = workers.findIndex((w) => w.name === QUEUE[stage]);
    const old = workers[index];
    const oldConnection = workerConnections[index];
    if (index < 0 || !old || !oldConnection) return;
    const fresh = startWorker(stage);
    workers[index] = fresh.worker;
    workerConnections[index] = fresh.connection;
    deps.metrics.workersReplaced.inc({ stage });
    logger.warn({ event: 'worker-replaced', stage }, `stage ${stage} stopped taking jobs: its worker was replaced by a new one on a new connection`);
    await withDeadline(old.close(true), 5_000, 'closing the stuck worker').catch(() => undefined);
    oldConnection.disconnect();
  };
  // Redis refusing writes (out of memory, read-only replica, failed save) makes every worker retry
  // in a tight loop: pause them until the health probe sees writes succeed again.
  deps.health.startProbe(deps.redis, `${deps.prefix}:health-probe`);
  deps.health.onChange((state) => {
    if (state === 'refusing') for (const w of workers) void w.pause(true).catch(() => undefined);
    else if (state === 'up') for (const w of workers) if (w.isPaused()) void w.resume();
    // Remembered in Redis, so the watchdog (in whichever process) does not report every source as
    // stale for polls that could not run while Redis was away.
    const ended = deps.health.lastProblem();
    if (state === 'up' && ended) void deps.redis.set(redisOutageKey(deps.prefix), JSON.stringify({ from: ended.from.toISOString(), to: ended.to.toISOString() }), 'EX', 7 * 86_400).catch(() => undefined);
    // A claim whose re-planning was lost with the outage would hold its source for a whole lease.
    if (state === 'up' && ended && options.scheduler) {
      void deps.polls
        .releaseLeases(deps.config.sources.map((s) => ({ id: s.id, everyMs: pollEvery(s) })), Date.now())
        .then((ids) => ids.length > 0 && logger.info({ event: 'poll-leases-released', sources: ids.length }, 'sources held by a claim from before the outage are due again'))
        .catch(() => undefined);
    }
  });
  let guard: StateGuard | null = null;
  if (options.scheduler) {
    await syncSchedulers(deps, config);
    guard = new StateGuard(deps, { checkEveryMs: options.stateCheckMs ?? stateCheckInterval(config) });
    await guard.start();
  }
  canary.start();
  const instances = new InstanceRegistry(deps.redis, deps.prefix, { id: instanceId, stages: [...options.stages], scheduler: options.scheduler, startedAt: deps.clock().toISOString() }, deps.clock);
  const heartbeat = async (): Promise<void> => {
    if (!deps.health.status().up) return;
    await instances.heartbeat(configFingerprint(deps.config)).catch(() => undefined);
  };
  await heartbeat();
  const beat = setInterval(() => void heartbeat(), 15_000);
  beat.unref();

  // Alertmanager's reload: validate first; an invalid file changes nothing and says why; a valid one
  // replaces the config every stage reads at its next job and re-plans the schedulers.
  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, message: '' });
  const reload = (): Promise<ReloadResult> => {
    // One reload at a time; a failed one never blocks the next (the chain never rejects).
    reloading = reloading.then(async (): Promise<ReloadResult> => {
      let next: AppConfig;
      try {
        next = await loadConfig(env.CONFIG_DIR);
      } catch (err) {
        const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
        logger.error({ event: 'config-reload-refused', problems }, 'configuration reload refused; the running configuration stays in force');
        return { ok: false, message: `invalid configuration, nothing changed:\n${problems.map((p) => `  - ${p}`).join('\n')}` };
      }
      const change = describeChange(deps.config, next);
      for (const warning of next.warnings) logger.warn({ event: 'config-warning' }, warning);
      registerSecrets(configuredSecrets(env, next));
      applyConfig(deps, next);
      try {
        // Redis away or refusing writes must not hold the caller (SIGHUP, POST /-/reload) forever.
        if (options.scheduler) await withDeadline(syncSchedulers(deps, next), 10_000, 're-planning the schedulers');
        await withDeadline(heartbeat(), 5_000, 'recording the new config');
      } catch (err) {
        const reason = redactText((err as Error).message);
        logger.error({ event: 'config-reload-incomplete', ...change, err: reason }, 'configuration applied, but the schedulers could not be re-planned');
        return { ok: false, message: `configuration applied in this process (${change.summary}), but the schedulers could not be re-planned: ${reason}. Reload again once Redis accepts writes; the state guard also repairs missing schedulers.` };
      }
      logger.info({ event: 'config-reloaded', ...change }, 'configuration reloaded');
      return { ok: true, message: `configuration reloaded: ${change.summary}` };
    }).catch((err: unknown): ReloadResult => {
      const reason = redactText((err as Error).message);
      logger.error({ event: 'config-reload-failed', err: reason }, 'configuration reload failed');
      return { ok: false, message: `reload failed: ${reason}` };
    });
    return reloading;
  };
  // Buttons and /radar: in the processes that serve HTTP (the all-in-one `start`, or the front).
  // Bolt is loaded only where it is used.
  const slackApp = options.http && interactiveMode(env) ? (await import('../src/slack-app/app.js')).createSlackApp(deps, env) : null;
  const http = options.http ? await startHttpServer(deps, { host: env.HTTP_HOST, port: env.HTTP_PORT, guard, instances, reload, canary, slack: slackApp?.http ?? null, inventoryTokens: env.INVENTORY_TOKENS, ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}) }) : null;
  const slackListener = slackApp?.http && env.SLACK_HTTP_PORT !== undefined ? await startSlackListener(deps, slackApp.http, env.SLACK_HTTP_HOST, env.SLACK_HTTP_PORT) : null;
  let slackStopped = false;
  if (slackApp) {
    // Socket Mode connects out; Slack being unreachable at start must not stop the service (the
    // client reconnects by itself once connected; a first failure is tried again here).
    const connect = (): void =>
      void (slackStopped ? Promise.resolve() : slackApp.start()).catch((err: unknown) => {
        logger.error({ event: 'slack-app-start-failed', mode: slackApp.mode, err: redactText((err as Error).message) }, 'could not connect the Slack app; trying again in 30 s');
        setTimeout(connect, 30_000).unref();
      });
    connect();
  }
  logger.info(
    { stages: options.stages, scheduler: options.scheduler, http: http?.url ?? null, slack: deps.slack.mode, slackButtons: slackApp?.mode ?? 'off', slackHttp: slackListener?.url ?? null, email: deps.email.mode, outbox: env.OUTBOX_DIR },
    'release-radar started',
  );

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      guard?.stop();
      canary.stop();
      clearInterval(beat);
      if (deps.health.status().up) await instances.leave().catch(() => undefined);
      deps.health.stop();
      slackStopped = true;
      await slackApp?.stop();
      await slackListener?.close();
      await http?.close();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(workerConnections.map((c) => c.quit().catch(() => c.disconnect())));
      await closeDeps(deps);
    })();
    return closing;
  };
  return { deps, workers, http, slackHttp: slackListener, guard, canary, instances, reload, close };
}

/** Half the shortest poll interval, between 1 s and 30 s: lost schedulers come back within one poll interval. */
function stateCheckInterval(config: AppConfig): number {
  const shortest = Math.min(...config.sources.map(pollEvery));
  return Math.max(1_000, Math.min(30_000, Math.floor(shortest / 2)));
}

/** What changed between two configs, in words and counts. */
export function describeChange(before: AppConfig, after: AppConfig): { summary: string; sources: Record<string, string[]>; teams: Record<string, string[]> } {
  const diff = <T extends { id: string }>(a: T[], b: T[]): Record<string, string[]> => {
    const old = new Map(a.map((x) => [x.id, JSON.stringify(x)]));
    const now = new Map(b.map((x) => [x.id, JSON.stringify(x)]));
    return {
      added: [...now.keys()].filter((id) => !old.has(id)),
      removed: [...old.keys()].filter((id) => !now.has(id)),
      changed: [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id)),
    };
  };
  const sources = diff(before.sources, after.sources);
  const teams = diff(before.teams, after.teams);
  const part = (name: string, d: Record<string, string[]>): string => `${name} +${d.added?.length ?? 0} -${d.removed?.length ?? 0} ~${d.changed?.length ?? 0}`;
  return { summary: `${part('sources', sources)}, ${part('teams', teams)}`, sources, teams };
}

/**
 * Runs until SIGINT/SIGTERM, then shuts down cleanly: within 15 s, or at once on a second signal
 * (a shutdown during a Redis outage must not hang). SIGHUP reloads the config.
 */
export function handleSignals(service: Service, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish within 15 s (Redis unreachable?); exiting');
      process.exit(1);
    }, 15_000);
    deadline.unref();
    service
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => {
    void service
      .reload()
      .then((r) => (r.ok ? logger.info({ signal: 'SIGHUP' }, r.message) : logger.error({ signal: 'SIGHUP' }, r.message)))
      .catch((err: unknown) => logger.error({ signal: 'SIGHUP', err: (err as Error).message }, 'reload failed'));
  });
  // A long-running service logs a stray rejection (with redaction) instead of dying of it.
  process.on('unhandledRejection', (err: unknown) => logger.error({ event: 'unhandled-rejection', err: redactText((err as Error)?.message ?? String(err)) }, 'unhandled promise rejection'));
}
