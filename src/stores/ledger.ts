// The delivery ledger: one record per (events, team, target), claimed with SET NX before a send and
// finalized after it. A retried or stalled job finds "sent" and skips.
//
// Only an attempt that died inside the send itself (killed, lost Redis before recording the answer)
// leaves "sending" behind: its outcome is unknown. The next attempt gets `reclaimed` with the time
// of the first unknown attempt, so it can ask the receiver (Slack's channel history) whether the
// message arrived before sending again. That time survives further failed attempts ("uncertain"),
// so a later retry still looks back far enough.
//
// Values: "sending|<attempt>|<since ms>", "uncertain|<since ms>", "sent:<ref>".
import type { Redis } from 'ioredis';
import { runScript } from './scripts.js';

export type Claim =
  | { result: 'claimed'; since: number }
  | { result: 'already-sent'; ref: string }
  /** An earlier attempt's outcome is unknown: it may have reached the receiver at `since` or later. */
  | { result: 'reclaimed'; since: number };

const RETENTION_SECONDS = 90 * 24 * 3600;

// One round trip, atomic: two attempts racing (a stalled job run twice) cannot both think they
// claimed a fresh record.
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'sending|' .. ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
  return {'claimed', ''}
end
if string.sub(v, 1, 5) == 'sent:' then return {'already-sent', string.sub(v, 6)} end
local since = string.match(v, '|(%d+)$') or ARGV[2]
redis.call('SET', KEYS[1], 'sending|' .. ARGV[1] .. '|' .. since, 'EX', ARGV[3])
return {'reclaimed', since}
`;

export class DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(deliveryId: string): string {
    return `${this.prefix}:ledger:${deliveryId}`;
  }

  async claim(deliveryId: string, attempt: string, now = Date.now()): Promise<Claim> {
    const [result, value] = (await runScript(this.redis, CLAIM, [this.key(deliveryId)], [attempt.replace(/\|/g, '/'), now, RETENTION_SECONDS])) as [string, string];
    if (result === 'already-sent') return { result, ref: value };
    if (result === 'reclaimed') return { result, since: Number(value) };
    return { result: 'claimed', since: now };
  }

  async finalize(deliveryId: string, ref: string): Promise<void> {
    await this.redis.set(this.key(deliveryId), `sent:${ref}`, 'EX', RETENTION_SECONDS);
  }

  /**
   * This attempt failed. When the receiver said so itself, the next attempt may send; when the
   * message may have arrived anyway (a timeout, a reset, a 5xx), or an earlier attempt's outcome
   * was already unknown, the next attempt is told so ("uncertain", with the earliest time).
   */
  async release(deliveryId: string, claim: Claim, mayHaveArrived: boolean): Promise<void> {
    if (claim.result === 'reclaimed' || (claim.result === 'claimed' && mayHaveArrived)) await this.redis.set(this.key(deliveryId), `uncertain|${claim.since}`, 'EX', RETENTION_SECONDS);
    else await this.redis.del(this.key(deliveryId));
  }

  async state(deliveryId: string): Promise<string | null> {
    return this.redis.get(this.key(deliveryId));
  }
}
