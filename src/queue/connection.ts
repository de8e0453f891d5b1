// Connections to Redis: a single server (REDIS_URL), a master found through Sentinel
// (REDIS_SENTINELS + REDIS_SENTINEL_MASTER), or a Redis Cluster (REDIS_CLUSTER_NODES).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Env } from '../config/env.js';
import { redactText, redactUrl } from '../redact.js';

/** The part of the environment that says where Redis is. */
export type RedisTarget = Pick<Env, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_MASTER' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_CLUSTER_NODES' | 'REDIS_USERNAME' | 'REDIS_PASSWORD'>;

/** Only where Redis is, out of a whole environment. */
export function redisTargetOf(env: RedisTarget): RedisTarget {
  const { REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_SENTINEL_PASSWORD, REDIS_CLUSTER_NODES, REDIS_USERNAME, REDIS_PASSWORD } = env;
  const all = { REDIS_URL, REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_SENTINEL_PASSWORD, REDIS_CLUSTER_NODES, REDIS_USERNAME, REDIS_PASSWORD };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as RedisTarget;
}

/** Where Redis is, for messages (no credentials). */
export function describeRedis(target: RedisTarget): string {
  const list = (a: { host: string; port: number }[]): string => a.map((x) => `${x.host}:${x.port}`).join(',');
  if (target.REDIS_SENTINELS) return `master "${target.REDIS_SENTINEL_MASTER ?? ''}" through sentinels ${list(target.REDIS_SENTINELS)}`;
  if (target.REDIS_CLUSTER_NODES) return `the cluster of ${list(target.REDIS_CLUSTER_NODES)}`;
  return redactUrl(target.REDIS_URL);
}

const credentials = (target: RedisTarget): RedisOptions => ({ ...(target.REDIS_USERNAME ? { username: target.REDIS_USERNAME } : {}), ...(target.REDIS_PASSWORD ? { password: target.REDIS_PASSWORD } : {}) });

/** What a revived connection reports (event 'revived'), for the log and /metrics. */
export interface Revival {
  /** The error that ended the connection, as ioredis gave it. */
  reason: string;
  /** How many revivals in a row, without a ready connection in between. */
  attempt: number;
}

/**
 * A connection that does not stay closed unless it was closed on purpose.
 *
 * ioredis gives up on a connection for good (status "end", every later command fails with
 * "Connection is closed") when a connect attempt is cancelled while it runs. With Sentinel that
 * happens in a failover: the FailoverDetector of the previous connection, still subscribed to
 * +switch-master, cancels the connect that is just asking a sentinel for the master (ioredis 5.x,
 * SentinelConnector.connect throws CONNECTION_CLOSED when `connecting` turned false). It was seen
 * as one failover run in twelve that never delivered again, and BullMQ's worker connections, made with
 * duplicate(), can end the same way: a worker that silently stops consuming.
 *
 * So a close we did not ask for (quit() or disconnect() without reconnect) is followed by a new
 * connect, after the delay the connection's own retryStrategy gives; a retryStrategy that returns
 * no number (a probe that must fail fast) keeps ioredis' behaviour. Copies made with duplicate()
 * are resilient too, and report their revivals through the original's 'revived' event.
 */
export class ResilientRedis extends Redis {
  private closedOnPurpose: boolean;
  private revivals: number;
  private lastError: string;

  /** `url` (redis://…), when given, wins over the same settings in `options`, as in ioredis. */
  constructor(options: RedisOptions, url?: string) {
    // ioredis skips an undefined argument.
    super(url as string, options);
    this.closedOnPurpose = false;
    this.revivals = 0;
    this.lastError = '';
    this.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    // A ready connection starts over: the next revival counts from 1 and reports its own error.
    this.on('ready', () => {
      this.revivals = 0;
      this.lastError = '';
    });
    this.on('end', () => this.reviveUnlessClosedOnPurpose());
  }

  override connect(callback?: () => void): Promise<void> {
    this.closedOnPurpose = false;
    return super.connect(callback);
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.closedOnPurpose = true;
    super.disconnect(reconnect);
  }

  // quit() and every other command pass here; QUIT is a close on purpose.
  override sendCommand(...args: Parameters<Redis['sendCommand']>): ReturnType<Redis['sendCommand']> {
    if (args[0].name === 'quit') this.closedOnPurpose = true;
    return super.sendCommand(...args);
  }

  override duplicate(override?: Partial<RedisOptions>): ResilientRedis {
    const copy = new ResilientRedis({ ...this.options, ...override });
    copy.on('revived', (revival: Revival) => this.emit('revived', revival));
    return copy;
  }

  private reviveUnlessClosedOnPurpose(): void {
    if (this.closedOnPurpose) return;
    const delay = this.options.retryStrategy?.(++this.revivals);
    if (typeof delay !== 'number') return;
    const revival: Revival = { reason: this.lastError || 'Connection is closed', attempt: this.revivals };
    setTimeout(() => {
      if (this.closedOnPurpose || this.status !== 'end') return;
      this.emit('revived', revival);
      this.connect().catch(() => undefined); // a failed attempt ends again and comes back here
    }, delay).unref();
  }
}

/**
 * One connection to wherever Redis is. After a Sentinel failover the old master turns replica and
 * answers READONLY: reconnect (ioredis asks the sentinels for the new master) and resend.
 *
 * A Cluster connection is returned typed as Redis: ioredis' Cluster speaks the same commands, and
 * every key we use shares the hash-tagged prefix's slot, so multi-key scripts stay on one node.
 * It is not a ResilientRedis, and needs not be: the race above is in ioredis' SentinelConnector,
 * which a Cluster does not use. Its node connections are made never to reconnect on their own
 * (ioredis 5 ConnectionPool: retryStrategy null, a lost node is found again through MOVED and a
 * slots refresh), and the Cluster itself reconnects after any close it did not ask for, as long
 * as clusterRetryStrategy returns a delay (the default always does; we return none only for a
 * probe that must fail fast).
 */
function connect(target: RedisTarget, options: RedisOptions): Redis {
  if (target.REDIS_SENTINELS) {
    return new ResilientRedis({
      ...options,
      ...credentials(target),
      sentinels: target.REDIS_SENTINELS,
      name: target.REDIS_SENTINEL_MASTER ?? 'mymaster',
      ...(target.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: target.REDIS_SENTINEL_PASSWORD } : {}),
      failoverDetector: true,
      reconnectOnError: (err) => (/READONLY/.test(err.message) ? 2 : false),
    });
  }
  if (target.REDIS_CLUSTER_NODES) {
    const { lazyConnect, ...redisOptions } = options;
    const cluster = new Cluster(target.REDIS_CLUSTER_NODES, {
      redisOptions: { ...redisOptions, ...credentials(target) },
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      enableReadyCheck: true,
      // A probe that must fail fast must not retry the cluster forever either.
      ...(options.retryStrategy ? { clusterRetryStrategy: () => null } : {}),
    });
    return cluster as unknown as Redis;
  }
  return new ResilientRedis(options, target.REDIS_URL);
}

/** What to do, by what went wrong: an absent Redis, or one that answers but refuses us. */
function adviceFor(reason: string): string {
  if (/WRONGPASS|NOAUTH|invalid (?:username|password)|NOPERM/i.test(reason)) return 'Redis answered but refused the credentials: check the user and password in REDIS_URL.';
  if (/DB index is out of range|invalid DB index/i.test(reason)) return 'Redis answered but has no such database: check the /<db> number at the end of REDIS_URL.';
  if (/wrong version number|ssl|tls|EPROTO/i.test(reason)) return 'the TLS setting does not match the server: use redis:// for a plain server, rediss:// for TLS.';
  return 'Start one with:  docker compose up -d redis\nor:              redis-server --daemonize yes --bind 127.0.0.1 --port 6379\nor point REDIS_URL at a running Redis.';
}

export class RedisUnavailableError extends Error {
  constructor(where: string, cause: unknown) {
    const reason = redactText((cause as Error)?.message ?? String(cause));
    super(`cannot use Redis at ${where} (${reason}).\n${adviceFor(reason)}`, { cause });
    this.name = 'RedisUnavailableError';
  }
}

/** Worker/queue connection: BullMQ requires maxRetriesPerRequest null for blocking commands. */
export function createRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  const redis = connect(target, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
  // Failures reach us through the commands that fail and through RedisHealth's listeners; without
  // any listener ioredis would print a raw stack for every reconnect attempt.
  redis.on('error', () => undefined);
  return redis;
}

/** Fails fast with a helpful message instead of retrying forever when Redis is not there. */
export async function assertRedisReachable(target: RedisTarget, timeoutMs = 3_000): Promise<void> {
  // commandTimeout: a Redis that accepts the connection but never answers (frozen, or not Redis at
  // all) fails here instead of holding `start` forever.
  const probe = connect(target, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, commandTimeout: timeoutMs, retryStrategy: () => null });
  // The connection's own errors say why (WRONGPASS, a bad DB index); the rejected connect() often
  // only says "Connection is closed".
  const seen: Error[] = [];
  probe.on('error', (err: Error) => seen.push(err));
  try {
    await probe.connect();
    await probe.ping();
    // ioredis goes on after a failed SELECT (a database number that does not exist): we do not.
    const failed = seen[0];
    if (failed) throw failed;
  } catch (err) {
    const first = seen[0];
    const informative = first && !/Connection is closed/i.test(first.message) ? first : err;
    throw new RedisUnavailableError(describeRedis(target), informative);
  } finally {
    probe.disconnect();
  }
}
