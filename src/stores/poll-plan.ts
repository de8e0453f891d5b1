// When each source is next due to be polled: one sorted set, score = due time (ms). A sweep job
// (one BullMQ job scheduler for all sources) claims the sources that are due and polls them in one
// go, so 1,000 sources answering 304 cost a few jobs a minute instead of 1,000.
//
// Claiming moves a source's due time a lease into the future in the same script, so two sweeps
// never poll one source twice, and a sweep that dies mid-way loses nothing: its sources come due
// again when the lease ends. After the poll, the source is planned one interval after the claim.
import type { Redis } from 'ioredis';
import { runScript } from './scripts.js';

const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[3]), due[i]) end
return due
`;

export class PollPlan {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:poll:due`;
  }

  /**
   * Every configured source planned (a new one due now; a known one keeps its time), and, with
   * `remove`, the ones no longer configured removed (start and reload do; the periodic repair
   * only adds, so two processes with different configs do not undo each other). Returns the ids
   * that were missing.
   */
  async plan(sourceIds: string[], now: number, options: { remove: boolean } = { remove: true }): Promise<string[]> {
    const known = await this.dueTimes(sourceIds);
    const missing = sourceIds.filter((id) => !known.has(id));
    const pipeline = this.redis.pipeline();
    for (const id of missing) pipeline.zadd(this.key, 'NX', now, id);
    if (options.remove) {
      const wanted = new Set(sourceIds);
      const removed = (await this.planned()).filter((id) => !wanted.has(id));
      if (removed.length > 0) pipeline.zrem(this.key, ...removed);
    }
    // A pipeline reports each command's error in its result (Redis refusing writes): raise it.
    const failed = ((await pipeline.exec()) ?? []).find(([err]) => err)?.[0];
    if (failed) throw failed;
    return missing;
  }

  /** Claims up to `limit` due sources for `leaseMs` (see above): each with the time it was due. */
  async claimDue(now: number, limit: number, leaseMs: number): Promise<{ id: string; dueAt: number }[]> {
    const flat = (await runScript(this.redis, CLAIM, [this.key], [now, limit, leaseMs])) as string[];
    const out: { id: string; dueAt: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] ?? '', dueAt: Number(flat[i + 1]) });
    return out;
  }

  /** Plans the next polls of these sources (after a sweep polled them). */
  async reschedule(next: Map<string, number>): Promise<void> {
    if (next.size === 0) return;
    // XX: a source removed from the plan while it was being polled (a reload) stays removed.
    await this.redis.zadd(this.key, 'XX', ...[...next].flatMap(([id, at]) => [at, id]));
  }

  /**
   * After Redis was away (a failover may lose the writes that planned a source's next poll after
   * its claim), sources planned further out than their own interval are due now.
   */
  async releaseLeases(sources: { id: string; everyMs: number }[], now: number): Promise<string[]> {
    const due = await this.dueTimes(sources.map((s) => s.id));
    const stuck = sources.filter((s) => (due.get(s.id) ?? 0) > now + s.everyMs).map((s) => s.id);
    if (stuck.length > 0) await this.redis.zadd(this.key, 'XX', ...stuck.flatMap((id) => [now, id]));
    return stuck;
  }

  /** Every planned source id. */
  async planned(): Promise<string[]> {
    return this.redis.zrange(this.key, 0, -1);
  }

  /** Due times of these sources (absent: not planned). */
  async dueTimes(sourceIds: string[]): Promise<Map<string, number>> {
    if (sourceIds.length === 0) return new Map();
    const scores = await this.redis.zmscore(this.key, ...sourceIds);
    const out = new Map<string, number>();
    sourceIds.forEach((id, i) => {
      const s = scores[i];
      if (s !== null && s !== undefined) out.set(id, Number(s));
    });
    return out;
  }
}
