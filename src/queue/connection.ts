import { Redis, type RedisOptions } from 'ioredis';
import { redactText, redactUrl } from '../redact.js';

/** What to do, by what went wrong: an absent Redis, or one that answers but refuses us. */
function adviceFor(reason: string): string {
  if (/WRONGPASS|NOAUTH|invalid (?:username|password)|NOPERM/i.test(reason)) return 'Redis answered but refused the credentials: check the user and password in REDIS_URL.';
  if (/DB index is out of range|invalid DB index/i.test(reason)) return 'Redis answered but has no such database: check the /<db> number at the end of REDIS_URL.';
  if (/wrong version number|ssl|tls|EPROTO/i.test(reason)) return 'the TLS setting does not match the server: use redis:// for a plain server, rediss:// for TLS.';
  return 'Start one with:  docker compose up -d redis\nor:              redis-server --daemonize yes --bind 127.0.0.1 --port 6379\nor point REDIS_URL at a running Redis.';
}

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = redactText((cause as Error)?.message ?? String(cause));
    super(`cannot use Redis at ${redactUrl(url)} (${reason}).\n${adviceFor(reason)}`, { cause });
    this.name = 'RedisUnavailableError';
  }
}

/** Worker/queue connection: BullMQ requires maxRetriesPerRequest null for blocking commands. */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
  // Failures reach us through the commands that fail and through RedisHealth's listeners; without
  // any listener ioredis would print a raw stack for every reconnect attempt.
  redis.on('error', () => undefined);
  return redis;
}

/** Fails fast with a helpful message instead of retrying forever when Redis is not there. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  // commandTimeout: a Redis that accepts the connection but never answers (frozen, or not Redis at
  // all) fails here instead of holding `start` forever.
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, commandTimeout: timeoutMs, retryStrategy: () => null });
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
    throw new RedisUnavailableError(url, informative);
  } finally {
    probe.disconnect();
  }
}
