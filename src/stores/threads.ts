// Slack threads per (team, channel, framework version line): the channel holds one living message
// per line (its lifecycle parent: state, dates, plan, upgrade, kept current with chat.update) and
// everything about the line — patches, date moves, reminders — goes in its thread, instead of a
// wall of messages.
import type { Redis } from 'ioredis';

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
   * at once must not post two parents. Held for at most `ms`.
   */
  async lockStart(threadKey: string, owner: string, ms = 30_000): Promise<boolean> {
    return (await this.redis.set(`${this.key(threadKey)}:starting`, owner, 'PX', ms, 'NX')) === 'OK';
  }

  async unlockStart(threadKey: string): Promise<void> {
    await this.redis.del(`${this.key(threadKey)}:starting`);
  }

  /**
   * Set just before a parent is posted, cleared once it is remembered: still set when the next
   * delivery takes the lock means the post may have happened and was never recorded (the poster
   * died), so the channel's history is looked at first.
   */
  async markStarting(threadKey: string): Promise<void> {
    await this.redis.set(`${this.key(threadKey)}:posting`, '1', 'EX', 3600);
  }

  async startWasInterrupted(threadKey: string): Promise<boolean> {
    return (await this.redis.exists(`${this.key(threadKey)}:posting`)) === 1;
  }

  async clearStarting(threadKey: string): Promise<void> {
    await this.redis.del(`${this.key(threadKey)}:posting`);
  }
}
