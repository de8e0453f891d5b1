// Mutes and snoozes set from the command line (`release-radar mute|snooze|unmute`) and from Slack
// buttons, in Redis so every worker sees them at once. Config ones live in teams.yaml; matching reads both.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Silence } from '../domain/matching.js';

const SilenceSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  kind: z.enum(['mute', 'snooze']),
  subscription: z.number().int().nullable(),
  framework: z.string().nullable(),
  versions: z.string().nullable(),
  until: z.string(),
  reason: z.string(),
  origin: z.enum(['config', 'cli', 'slack']),
  by: z.string().nullable().optional(),
});

export class SilenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:silences`;
  }

  async add(s: Omit<Silence, 'id' | 'origin'>): Promise<Silence> {
    const silence: Silence = { ...s, id: `${s.kind}-${randomBytes(4).toString('hex')}`, origin: 'cli' };
    await this.redis.hset(this.key, silence.id, JSON.stringify(silence));
    return silence;
  }

  /**
   * Writes a silence under its own id (a Slack click derives it from what was asked, so a double
   * click or a redelivered interaction writes the same record once). True when it was new.
   */
  async put(silence: Silence): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, silence.id, JSON.stringify(silence))) === 1;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key, id)) > 0;
  }

  async all(): Promise<Silence[]> {
    return Object.values(await this.redis.hgetall(this.key)).map((raw) => SilenceSchema.parse(JSON.parse(raw)) as Silence);
  }

  /** Silences still in force; expired ones are removed on the way. */
  async active(now: Date): Promise<Silence[]> {
    const all = await this.all();
    const expired = all.filter((s) => s.until <= now.toISOString());
    if (expired.length > 0) await this.redis.hdel(this.key, ...expired.map((s) => s.id));
    return all.filter((s) => s.until > now.toISOString());
  }
}
