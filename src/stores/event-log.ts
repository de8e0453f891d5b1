// The events release-radar produced, newest first, capped: for the status page's "recent events"
// and for `release-radar backtest --history` (replaying what really came in through a draft config).
import type { Redis } from 'ioredis';
import { ReleaseEventSchema, type ReleaseEvent } from '../domain/events.js';

const KEEP = 10_000;

export class EventLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:events:log`;
  }

  async record(events: ReleaseEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.redis.multi().lpush(this.key, ...events.map((e) => JSON.stringify(e))).ltrim(this.key, 0, KEEP - 1).exec();
  }

  /** Newest first. */
  async recent(limit = 50): Promise<ReleaseEvent[]> {
    const raw = await this.redis.lrange(this.key, 0, limit - 1);
    return raw.flatMap((r) => {
      const parsed = ReleaseEventSchema.safeParse(JSON.parse(r));
      return parsed.success ? [parsed.data] : [];
    });
  }
}
