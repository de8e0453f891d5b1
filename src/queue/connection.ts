import { Redis, type RedisOptions } from 'ioredis';
import { redactText, redactUrl } from '../redact.js';

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach Redis at ${redactUrl(url)} (${redactText((cause as Error)?.message ?? String(cause))}).\n` +
        'Start one with:  docker compose up -d redis\n' +
        'or:              redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n' +
        'or point REDIS_URL at a running Redis.',
      { cause },
    );
    this.name = 'RedisUnavailableError';
  }
}

/** Worker/queue connection: BullMQ requires maxRetriesPerRequest null for blocking commands. */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/** Fails fast with a helpful message instead of retrying forever when Redis is not there. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new RedisUnavailableError(url, err);
  } finally {
    probe.disconnect();
  }
}
