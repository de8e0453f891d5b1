// "Has everything that was started finished?": for the demo's step-by-step story and for tests.
// BullMQ has no such query; the queues are idle when none has a job waiting, running or due soon,
// seen three times in a row (a finishing job adds the next stage's job before it completes).
import { Cluster, type Redis } from 'ioredis';
import type { Queues } from './queues.js';

const BUSY_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface IdleOptions {
  timeoutMs?: number;
  /**
   * Delayed jobs due later than this are not waited for: held on purpose (quiet hours, snoozes,
   * a long backoff). Default: every delayed job counts.
   */
  ignoreDelayedBeyondMs?: number;
  pollMs?: number;
}

export async function waitUntilIdle(queues: Queues, options: IdleOptions = {}): Promise<void> {
  const { timeoutMs = 20_000, pollMs = 25 } = options;
  const started = Date.now();
  let quiet = 0;
  const busy = async (): Promise<boolean> => {
    const counts = await Promise.all(
      [queues.poll, queues.parse, queues.match, queues.deliver, queues.digest, queues.remind, queues.watchdog].map(async (q) => {
        const c = await q.getJobCounts(...BUSY_STATES);
        if (c.delayed) {
          // A job scheduler's next run (the poll sweep every few seconds, tomorrow's digest) is
          // always there: it is not work that was started.
          const horizon = options.ignoreDelayedBeyondMs === undefined ? Infinity : Date.now() + options.ignoreDelayedBeyondMs;
          c.delayed = (await q.getDelayed()).filter((j) => !j.repeatJobKey && j.timestamp + (j.opts.delay ?? 0) < horizon).length;
        }
        return c;
      }),
    );
    return counts.some((c) => Object.values(c).some((n) => Number(n) > 0));
  };
  while (quiet < 3) {
    if (Date.now() - started > timeoutMs) throw new Error(`the queues did not drain within ${timeoutMs} ms`);
    quiet = (await busy()) ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Delete every key under `prefix:` (SCAN, never KEYS: the Redis may be shared and large). SCAN
 * walks one server: on a Cluster, every master is walked.
 */
export async function deleteKeysWithPrefix(redis: Redis | Cluster, prefix: string): Promise<number> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let deleted = 0;
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      // One DEL per key on a Cluster node: the keys of one prefix share a slot only when it is hash-tagged.
      if (keys.length > 0) deleted += redis instanceof Cluster ? (await Promise.all(keys.map((k) => server.del(k)))).reduce((a, b) => a + b, 0) : await server.del(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}
