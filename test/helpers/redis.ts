import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Queues } from '../../src/queue/queues.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key/queue prefix per test, so tests share one Redis without seeing each other. */
export function uniquePrefix(name: string): string {
  return `rrtest-${name}-${randomBytes(4).toString('hex')}`;
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
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
export async function waitForIdle(queues: Queues, timeoutMs = 20_000, options: { held?: boolean } = {}): Promise<void> {
  let quiet = 0;
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
  await waitFor(async () => {
    const counts = await Promise.all(
      [queues.poll, queues.parse, queues.match, queues.deliver, queues.digest, queues.remind, queues.watchdog].map(async (q) => {
        const c = await q.getJobCounts(...states);
        if (options.held && c.delayed) {
          const soon = (await q.getDelayed()).filter((j) => j.timestamp + (j.opts.delay ?? 0) - Date.now() < 60_000);
          c.delayed = soon.length;
        }
        return c;
      }),
    );
    const busy = counts.some((c) => Object.values(c).some((n) => Number(n) > 0));
    quiet = busy ? 0 : quiet + 1;
    return quiet >= 3;
  }, 'queues to drain', timeoutMs);
}
