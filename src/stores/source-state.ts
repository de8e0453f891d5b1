// Per-source state in Redis: HTTP validators, last body hash, baseline, health.
import type { Redis } from 'ioredis';

export interface SourceState {
  etag: string | null;
  lastModified: string | null;
  lastHash: string | null;
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastChangeAt: string | null;
  failing: boolean;
  lastError: string | null;
  lastErrorCode: string | null;
  baselineAt: string | null;
  /** New entries of the last changed document that parsed to zero events (a format change?). */
  silentEntries: number;
}

function stateOf(h: Record<string, string>): SourceState {
  const s = (k: string): string | null => h[k] ?? null;
  return {
    etag: s('etag'),
    lastModified: s('lastModified'),
    lastHash: s('lastHash'),
    lastPollAt: s('lastPollAt'),
    lastSuccessAt: s('lastSuccessAt'),
    lastChangeAt: s('lastChangeAt'),
    failing: h.failing === '1',
    lastError: s('lastError'),
    lastErrorCode: s('lastErrorCode'),
    baselineAt: s('baselineAt'),
    silentEntries: Number(h.silentEntries ?? 0),
  };
}

export class SourceStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sourceId: string): string {
    return `${this.prefix}:source:${sourceId}`;
  }

  async get(sourceId: string): Promise<SourceState> {
    return stateOf(await this.redis.hgetall(this.key(sourceId)));
  }

  /** Many sources in one round trip (status page, metrics, watchdog over 1,000 sources). */
  async getMany(sourceIds: string[]): Promise<Map<string, SourceState>> {
    const pipeline = this.redis.pipeline();
    for (const id of sourceIds) pipeline.hgetall(this.key(id));
    const replies = (await pipeline.exec()) ?? [];
    return new Map(
      sourceIds.map((id, i) => {
        const [err, h] = replies[i] ?? [null, {}];
        if (err) throw err;
        return [id, stateOf(h as Record<string, string>)];
      }),
    );
  }

  async update(sourceId: string, patch: Partial<SourceState>): Promise<void> {
    const fields: Record<string, string> = {};
    const remove: string[] = [];
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) remove.push(k);
      else if (typeof v === 'boolean') fields[k] = v ? '1' : '0';
      else if (v !== undefined) fields[k] = String(v);
    }
    const multi = this.redis.multi();
    if (Object.keys(fields).length > 0) multi.hset(this.key(sourceId), fields);
    if (remove.length > 0) multi.hdel(this.key(sourceId), ...remove);
    await multi.exec();
  }

  async markFailing(sourceId: string, code: string, message: string, at: Date): Promise<void> {
    await this.update(sourceId, { failing: true, lastError: message, lastErrorCode: code, lastPollAt: at.toISOString() });
  }

  async markHealthy(sourceId: string, at: Date): Promise<void> {
    await this.update(sourceId, { failing: false, lastError: null, lastErrorCode: null, lastPollAt: at.toISOString(), lastSuccessAt: at.toISOString() });
  }

  /** Raw documents: kept by hash for the parse stage, and the last failing one for diagnosis. */
  bodyKey(sourceId: string, hash: string): string {
    return `${this.prefix}:body:${sourceId}:${hash}`;
  }

  failedBodyKey(sourceId: string): string {
    return `${this.prefix}:failed-body:${sourceId}`;
  }

  async keepFailedBody(sourceId: string, bodyKey: string): Promise<void> {
    // COPY keeps the document even after the parse job's body expires.
    await this.redis.copy(bodyKey, this.failedBodyKey(sourceId), 'REPLACE');
  }
}
