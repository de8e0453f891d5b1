// Lua scripts run by their SHA1 (EVALSHA): the script text crosses the wire once per Redis, not
// on every call (the ledger claims a delivery a thousand times a second). A Redis that does not
// know the script yet (first call, a restart, a failover) answers NOSCRIPT, and it is sent whole.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

export async function runScript(redis: Redis, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!/NOSCRIPT/.test((err as Error).message)) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
