// The delivery ledger: one record per (events, team, target), claimed with SET NX before a send and
// finalized after it. A retried or stalled job finds "sent" and skips. Only a process that died
// inside the send itself leaves "sending" behind; the next attempt then sends again (at-least-once
// inside that window, documented in the README).
import type { Redis } from 'ioredis';

export type ClaimResult = 'claimed' | 'already-sent' | 'reclaimed';

const RETENTION_SECONDS = 90 * 24 * 3600;

export class DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(deliveryId: string): string {
    return `${this.prefix}:ledger:${deliveryId}`;
  }

  async claim(deliveryId: string, attempt: string): Promise<ClaimResult> {
    const ok = await this.redis.set(this.key(deliveryId), `sending:${attempt}`, 'EX', RETENTION_SECONDS, 'NX');
    if (ok === 'OK') return 'claimed';
    const state = await this.redis.get(this.key(deliveryId));
    if (state?.startsWith('sent')) return 'already-sent';
    // "sending" from an attempt that never finished: it may or may not have reached the receiver.
    await this.redis.set(this.key(deliveryId), `sending:${attempt}`, 'EX', RETENTION_SECONDS);
    return 'reclaimed';
  }

  async finalize(deliveryId: string, ref: string): Promise<void> {
    await this.redis.set(this.key(deliveryId), `sent:${ref}`, 'EX', RETENTION_SECONDS);
  }

  /** The send failed for sure (an error came back): the next attempt may send. */
  async release(deliveryId: string): Promise<void> {
    await this.redis.del(this.key(deliveryId));
  }

  async state(deliveryId: string): Promise<string | null> {
    return this.redis.get(this.key(deliveryId));
  }
}
