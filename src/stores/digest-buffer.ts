// Events waiting for a team's digest. A hash keyed by event id makes buffering idempotent; taking
// the buffer is an atomic RENAME so two digest workers racing cannot both send the same events.
import type { Redis } from 'ioredis';
import { ReleaseEventSchema, type ReleaseEvent } from '../domain/events.js';

export class DigestBuffer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(teamId: string): string {
    return `${this.prefix}:digest:${teamId}`;
  }

  private takenKey(teamId: string, digestId: string): string {
    return `${this.prefix}:digest-taken:${teamId}:${digestId}`;
  }

  async add(teamId: string, events: ReleaseEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.redis.hset(this.key(teamId), Object.fromEntries(events.map((e) => [e.id, JSON.stringify(e)])));
  }

  /**
   * Moves the buffer aside under `digestId` and returns its events. Calling again with the same
   * digestId (a retried job) returns the same events; another digestId finds the buffer empty.
   */
  async take(teamId: string, digestId: string): Promise<ReleaseEvent[]> {
    const taken = this.takenKey(teamId, digestId);
    if ((await this.redis.exists(taken)) === 0) {
      try {
        await this.redis.renamenx(this.key(teamId), taken);
      } catch (err) {
        if (!/no such key/i.test((err as Error).message)) throw err;
      }
    }
    const raw = await this.redis.hvals(taken);
    return raw
      .map((r) => ReleaseEventSchema.safeParse(JSON.parse(r)))
      .filter((r) => r.success)
      .map((r) => r.data)
      .sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
  }

  /** After the digest is sent, the taken events are kept a while for inspection, then expire. */
  async finish(teamId: string, digestId: string): Promise<void> {
    await this.redis.expire(this.takenKey(teamId, digestId), 14 * 24 * 3600);
  }

  async pending(teamId: string): Promise<number> {
    return this.redis.hlen(this.key(teamId));
  }
}
