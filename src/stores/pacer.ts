// Per-channel pacing for Slack (about one message per second per channel) that never holds back
// other channels: each delivery reserves the next free slot of its channel in Redis and waits for
// it as a delayed job, so a burst to one channel spreads out while every other channel keeps going
// (Alertmanager's issue #2769 is the per-queue alternative). Wall-clock time on purpose: this is
// about Slack's real rate limit, not about the business clock.
import type { Redis } from 'ioredis';
import { runScript } from './scripts.js';

// KEYS, in pairs: a channel's next free time, then this delivery's reserved slot (so a delayed job
// that comes back keeps its slot instead of reserving another). ARGV: now (ms), interval (ms).
// One script call reserves a whole batch: a fan-out to 10,000 channels is 10 calls, not 10,000.
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local waits = {}
for i = 1, #KEYS, 2 do
  local slot = redis.call('GET', KEYS[i + 1])
  if slot then
    waits[#waits + 1] = tonumber(slot) - now
  else
    local s = math.max(now, tonumber(redis.call('GET', KEYS[i]) or '0'))
    redis.call('SET', KEYS[i], s + interval, 'PX', s - now + interval + 60000)
    redis.call('SET', KEYS[i + 1], s, 'PX', s - now + 600000)
    waits[#waits + 1] = s - now
  end
end
return waits
`;
const BATCH = 1_000;

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
    const waits: number[] = [];
    for (let i = 0; i < deliveries.length; i += BATCH) {
      const keys = deliveries.slice(i, i + BATCH).flatMap((d) => [`${this.prefix}:pace:${d.channel}`, `${this.prefix}:pace-slot:${d.deliveryId}`]);
      const reply = (await runScript(this.redis, RESERVE, keys, [now, this.intervalMs])) as number[];
      waits.push(...reply.map((w) => Math.max(0, Number(w))));
    }
    return waits;
  }
}
