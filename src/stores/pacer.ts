// Per-channel pacing for Slack (about one message per second per channel) that never holds back
// other channels: each delivery reserves the next free slot of its channel in Redis and waits for
// it as a delayed job, so a burst to one channel spreads out while every other channel keeps going
// (Alertmanager's issue #2769 is the per-queue alternative). Wall-clock time on purpose: this is
// about Slack's real rate limit, not about the business clock.
import type { Redis } from 'ioredis';

// KEYS[1]: the channel's next free time; KEYS[2]: this delivery's reserved slot (so a delayed job
// that comes back keeps its slot instead of reserving another). ARGV: now (ms), interval (ms).
const RESERVE = `
local slot = redis.call('GET', KEYS[2])
local now = tonumber(ARGV[1])
if slot then return tonumber(slot) - now end
local interval = tonumber(ARGV[2])
local s = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], s + interval, 'PX', s - now + interval + 60000)
redis.call('SET', KEYS[2], s, 'PX', s - now + 600000)
return s - now
`;

export class ChannelPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Minimum time between two messages to one channel. */
    readonly intervalMs = 1_000,
  ) {}

  /** Milliseconds this delivery must wait before sending to `channel` (0 = now). */
  async reserve(channel: string, deliveryId: string): Promise<number> {
    const [wait] = await this.reserveMany([{ channel, deliveryId }]);
    return wait ?? 0;
  }

  /**
   * Slots for many deliveries in one round trip, in order. Producers reserve when they enqueue, so
   * a delivery waits for its slot as a delayed job from the start instead of being picked up, found
   * early and delayed (twice the work for every message after a channel's first).
   */
  async reserveMany(deliveries: { channel: string; deliveryId: string }[]): Promise<number[]> {
    if (this.intervalMs <= 0 || deliveries.length === 0) return deliveries.map(() => 0);
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const d of deliveries) pipeline.eval(RESERVE, 2, `${this.prefix}:pace:${d.channel}`, `${this.prefix}:pace-slot:${d.deliveryId}`, now, this.intervalMs);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, wait]) => {
      if (err) throw err;
      return Math.max(0, Number(wait));
    });
  }
}
