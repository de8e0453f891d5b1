// Slack threads per (team, channel, framework version line): the channel holds one living message
// per line (its lifecycle parent: state, dates, plan, upgrade, kept current with chat.update) and
// everything about the line — patches, date moves, reminders — goes in its thread, instead of a
// wall of messages.
import type { Redis } from 'ioredis';
import { runScript } from './scripts.js';

const RETENTION_SECONDS = 180 * 24 * 3600;

export class ThreadStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(threadKey: string): string {
    return `${this.prefix}:thread:${threadKey}`;
  }

  private indexKey(teamId: string): string {
    return `${this.prefix}:threads:${teamId}`;
  }

  async get(threadKey: string): Promise<string | null> {
    return this.redis.get(this.key(threadKey));
  }

  /** The first message of a thread wins; returns the thread's root ts. */
  async remember(threadKey: string, ts: string): Promise<string> {
    const ok = await this.redis.set(this.key(threadKey), ts, 'EX', RETENTION_SECONDS, 'NX');
    const teamId = threadKey.split('|')[0] ?? '';
    if (teamId) await this.redis.sadd(this.indexKey(teamId), threadKey);
    return ok === 'OK' ? ts : ((await this.redis.get(this.key(threadKey))) ?? ts);
  }

  /** The thread keys of a team's lines (for keeping their parents current). */
  async keysOf(teamId: string): Promise<string[]> {
    return this.redis.smembers(this.indexKey(teamId));
  }

  /** What the parent shows now (a hash of it), so an unchanged parent is not edited again. */
  async parentShown(threadKey: string): Promise<string | null> {
    return this.redis.get(`${this.key(threadKey)}:shown`);
  }

  async setParentShown(threadKey: string, hash: string): Promise<void> {
    await this.redis.set(`${this.key(threadKey)}:shown`, hash, 'EX', RETENTION_SECONDS);
  }

  /**
   * One delivery at a time starts a line's thread (posts its parent): two alerts about a new line
   * at once must not post two parents. The lock is held for at most `ms`. Taking it also marks the
   * thread "posting" until `finishStart`: a mark already there means an earlier holder may have
   * posted and died before recording it, so the channel's history is looked at first. One script:
   * a first message to a channel makes three trips to Redis for its parent, not eight.
   */
  async beginStart(threadKey: string, owner: string, ms = 30_000): Promise<'taken' | 'started' | 'interrupted-before'> {
    const base = this.key(threadKey);
    const r = await runScript(this.redis, BEGIN_START, [`${base}:starting`, `${base}:posting`], [owner, ms, 3600]);
    return r === 0 ? 'taken' : r === 2 ? 'interrupted-before' : 'started';
  }

  /**
   * The parent is posted: remembered as the thread's root (unless another root got there first),
   * what it shows recorded, the posting mark and the lock cleared, in one transaction. Returns
   * the thread's root ts.
   */
  async finishStart(threadKey: string, ts: string, shownHash: string): Promise<string> {
    const base = this.key(threadKey);
    const teamId = threadKey.split('|')[0] ?? '';
    const multi = this.redis.multi().set(base, ts, 'EX', RETENTION_SECONDS, 'NX');
    if (teamId) multi.sadd(this.indexKey(teamId), threadKey);
    multi.set(`${base}:shown`, shownHash, 'EX', RETENTION_SECONDS).del(`${base}:posting`, `${base}:starting`).get(base);
    const replies = (await multi.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    return (replies.at(-1)?.[1] as string | null) ?? ts;
  }

  /** Gives the lock back after a start that did not finish (the post failed, or was found posted). */
  async unlockStart(threadKey: string): Promise<void> {
    await this.redis.del(`${this.key(threadKey)}:starting`);
  }
}

// KEYS: lock, posting mark. ARGV: owner, lock ms, mark seconds. 0: held by another; 1: taken;
// 2: taken, and an earlier holder's mark was still there.
const BEGIN_START = `
if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') == false then return 0 end
local interrupted = redis.call('exists', KEYS[2])
redis.call('set', KEYS[2], '1', 'EX', ARGV[3])
return 1 + interrupted
`;
