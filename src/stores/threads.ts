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
   * at once must not post two parents. The lock is held for at most `ms`. In the same script: a
   * root recorded since the caller last looked is returned instead (the delivery that held the
   * lock may have just finished), and taking the lock marks the thread "posting" until
   * `finishStart`. A mark already there means an earlier holder may have posted and died before
   * recording it, so the channel's history is looked at first.
   */
  async beginStart(threadKey: string, owner: string, ms = 30_000): Promise<{ state: 'taken' | 'started' | 'interrupted-before' } | { state: 'exists'; root: string }> {
    const base = this.key(threadKey);
    const r = await runScript(this.redis, BEGIN_START, [base, `${base}:starting`, `${base}:posting`], [owner, ms, 3600]);
    if (typeof r === 'string') return { state: 'exists', root: r };
    return { state: r === 0 ? 'taken' : r === 2 ? 'interrupted-before' : 'started' };
  }

  /**
   * The parent is posted: remembered as the thread's root (unless another root got there first)
   * and what it shows recorded; the posting mark and the lock are cleared only while `owner`
   * still holds the lock (a holder slower than the lock must not clear its successor's). Returns
   * the thread's root ts.
   */
  async finishStart(threadKey: string, owner: string, ts: string, shownHash: string): Promise<string> {
    const base = this.key(threadKey);
    const teamId = threadKey.split('|')[0] ?? '';
    const root = await runScript(this.redis, FINISH_START, [base, `${base}:shown`, `${base}:starting`, `${base}:posting`, this.indexKey(teamId)], [ts, shownHash, RETENTION_SECONDS, owner, threadKey, teamId ? 1 : 0]);
    return typeof root === 'string' ? root : ts;
  }

  /** Gives the lock back after a start that did not finish (the post failed, or was found posted), if `owner` still holds it. */
  async unlockStart(threadKey: string, owner: string): Promise<void> {
    await runScript(this.redis, UNLOCK_START, [`${this.key(threadKey)}:starting`], [owner]);
  }
}

// KEYS: root, lock, posting mark. ARGV: owner, lock ms, mark seconds. The root when there is one;
// else 0: held by another; 1: taken; 2: taken, and an earlier holder's mark was still there.
const BEGIN_START = `
local root = redis.call('get', KEYS[1])
if root then return root end
if redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') == false then return 0 end
local interrupted = redis.call('exists', KEYS[3])
redis.call('set', KEYS[3], '1', 'EX', ARGV[3])
return 1 + interrupted
`;

// KEYS: root, shown, lock, posting mark, team index. ARGV: ts, shown hash, retention s, owner,
// thread key, 1 when there is a team index.
const FINISH_START = `
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[3], 'NX')
if ARGV[6] == '1' then redis.call('sadd', KEYS[5], ARGV[5]) end
redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3])
if redis.call('get', KEYS[3]) == ARGV[4] then redis.call('del', KEYS[3], KEYS[4]) end
return redis.call('get', KEYS[1])
`;

const UNLOCK_START = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
