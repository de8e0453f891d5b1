// Slack threads per (team, channel, framework version): the first alert about "PyTorch 2.4" in a
// channel starts a thread, later ones about the same version reply in it, so a channel reads as one
// conversation per version instead of a wall of messages.
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

  async get(threadKey: string): Promise<string | null> {
    return this.redis.get(this.key(threadKey));
  }

  /** The first message of a thread wins; returns the thread's root ts. */
  async remember(threadKey: string, ts: string): Promise<string> {
    const ok = await this.redis.set(this.key(threadKey), ts, 'EX', RETENTION_SECONDS, 'NX');
    return ok === 'OK' ? ts : ((await this.redis.get(this.key(threadKey))) ?? ts);
  }
}
