// What we know about end dates, in Redis: the lifecycle lines of each versions-table source (with
// how often each date moved) and the end-of-support notices read from release notes.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { EndOfSupportNoticeSchema, LifecycleLineSchema, mergeLines, type EndOfSupportNotice, type LifecycleLine } from '../domain/lifecycle.js';

const LinesSchema = z.array(LifecycleLineSchema);

export class LifecycleStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get linesKey(): string {
    return `${this.prefix}:lifecycle:lines`;
  }

  private get noticesKey(): string {
    return `${this.prefix}:lifecycle:notices`;
  }

  /** Replace a source's lines with what its page says now; dates that moved raise their revision. */
  async replaceSource(sourceId: string, lines: LifecycleLine[]): Promise<LifecycleLine[]> {
    const raw = await this.redis.hget(this.linesKey, sourceId);
    const previous = raw ? LinesSchema.parse(JSON.parse(raw)) : [];
    const merged = mergeLines(previous, lines);
    await this.redis.hset(this.linesKey, sourceId, JSON.stringify(merged));
    return merged;
  }

  async lines(): Promise<LifecycleLine[]> {
    const all = await this.redis.hgetall(this.linesKey);
    return Object.values(all).flatMap((raw) => LinesSchema.parse(JSON.parse(raw)));
  }

  /** Keeps the earliest date said for the same (framework, version, scope). */
  async addNotice(notice: EndOfSupportNotice): Promise<void> {
    const field = `${notice.framework}|${notice.version}|${notice.scope}`;
    const raw = await this.redis.hget(this.noticesKey, field);
    if (raw && EndOfSupportNoticeSchema.parse(JSON.parse(raw)).date <= notice.date) return;
    await this.redis.hset(this.noticesKey, field, JSON.stringify(notice));
  }

  async notices(): Promise<EndOfSupportNotice[]> {
    return Object.values(await this.redis.hgetall(this.noticesKey)).map((raw) => EndOfSupportNoticeSchema.parse(JSON.parse(raw)));
  }
}

/** Reminder keys already sent (or superseded), per team: what makes each threshold fire once. */
export class ReminderLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(teamId: string): string {
    return `${this.prefix}:reminders:done:${teamId}`;
  }

  async done(teamId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.key(teamId)));
  }

  async settle(teamId: string, keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.sadd(this.key(teamId), ...keys);
  }
}
