// Which release-radar processes share this Redis prefix, and with which configuration. Two
// processes with different configs on one prefix (a rolling deploy, a forgotten old process)
// route alerts differently depending on which one picks a job up; the status page, /metrics and
// the log say so instead of letting it pass silently.
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

export interface InstanceInfo {
  id: string;
  host: string;
  pid: number;
  configHash: string;
  stages: string[];
  scheduler: boolean;
  startedAt: string;
  seenAt: string;
}

/** How long an instance that stopped sending heartbeats is still counted. */
const ALIVE_MS = 90_000;

export class InstanceRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly self: Omit<InstanceInfo, 'seenAt' | 'configHash' | 'host' | 'pid'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private key(): string {
    return `${this.prefix}:instances`;
  }

  async heartbeat(configHash: string): Promise<void> {
    const info: InstanceInfo = { ...this.self, host: hostname(), pid: process.pid, configHash, seenAt: this.clock().toISOString() };
    await this.redis.hset(this.key(), this.self.id, JSON.stringify(info));
  }

  /** Every live instance, this one included; long-gone ones are removed. */
  async live(): Promise<InstanceInfo[]> {
    const all = await this.redis.hgetall(this.key());
    const now = this.clock().getTime();
    const out: InstanceInfo[] = [];
    for (const [id, raw] of Object.entries(all)) {
      const info = JSON.parse(raw) as InstanceInfo;
      if (now - Date.parse(info.seenAt) > ALIVE_MS) await this.redis.hdel(this.key(), id);
      else out.push(info);
    }
    return out;
  }

  async leave(): Promise<void> {
    await this.redis.hdel(this.key(), this.self.id);
  }
}
