import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, waitUntilIdle } from '../../src/queue/idle.js';
import type { Queues } from '../../src/queue/queues.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key/queue prefix per test, so tests share one Redis without seeing each other. */
export function uniquePrefix(name: string): string {
  return `rrtest-${name}-${randomBytes(4).toString('hex')}`;
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Every queue empty (nothing waiting, active, delayed) three checks in a row. With `held`, delayed
 * jobs that are held on purpose (quiet hours, snoozes: longer than a minute) do not count.
 */
export function waitForIdle(queues: Queues, timeoutMs = 20_000, options: { held?: boolean } = {}): Promise<void> {
  return waitUntilIdle(queues, { timeoutMs, ...(options.held ? { ignoreDelayedBeyondMs: 60_000 } : {}) });
}
