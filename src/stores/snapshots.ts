// Last versions-table snapshot per source; the first one is the baseline.
import type { Redis } from 'ioredis';
import type { VersionRow } from '../ingest/versions-table.js';

export class SnapshotStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sourceId: string): string {
    return `${this.prefix}:snapshot:${sourceId}`;
  }

  async get(sourceId: string): Promise<{ takenAt: string; rows: VersionRow[] } | null> {
    const raw = await this.redis.get(this.key(sourceId));
    return raw ? (JSON.parse(raw) as { takenAt: string; rows: VersionRow[] }) : null;
  }

  async put(sourceId: string, rows: VersionRow[], at: Date): Promise<void> {
    await this.redis.set(this.key(sourceId), JSON.stringify({ takenAt: at.toISOString(), rows }));
  }
}
