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
  /** Statements of the last parsed document whose kind the parser did not understand. */
  unreadStatements: number;
  /** The configured URL that answered last (sources may list several, in order of preference). */
  activeUrl: string | null;
  /** Where that URL led after redirects. */
  finalUrl: string | null;
  /** fetchedAt of the newest document parsed: an older one arriving late is not applied over it. */
  lastParsedFetchedAt: string | null;
  /** The `products:` filter the seen notes were recorded under ("" = none; null = not recorded yet). */
  productsFilter: string | null;
}

/** A statement the parser read but could not classify (shown on the status page). */
export interface UnreadStatement {
  source: string;
  entry: string;
  text: string;
  reason: string;
  at: string;
}

const UNREAD_KEPT = 20;

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
    unreadStatements: Number(h.unreadStatements ?? 0),
    activeUrl: s('activeUrl'),
    finalUrl: s('finalUrl'),
    lastParsedFetchedAt: s('lastParsedFetchedAt'),
    productsFilter: s('productsFilter'),
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
    const hasFields = Object.keys(fields).length > 0;
    if (hasFields && remove.length === 0) {
      await this.redis.hset(this.key(sourceId), fields);
      return;
    }
    const multi = this.redis.multi();
    if (hasFields) multi.hset(this.key(sourceId), fields);
    if (remove.length > 0) multi.hdel(this.key(sourceId), ...remove);
    await multi.exec();
  }

  /** `update`, writing only the fields whose value differs from `state` (read just before). */
  async updateChanged(sourceId: string, state: SourceState, patch: Partial<SourceState>): Promise<void> {
    const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && state[k as keyof SourceState] !== v));
    if (Object.keys(changed).length > 0) await this.update(sourceId, changed);
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

  private unreadKey(sourceId: string): string {
    return `${this.prefix}:unread:${sourceId}`;
  }

  /** Replaces the source's latest unread statements (from its last parsed document). */
  async setUnread(sourceId: string, statements: UnreadStatement[]): Promise<void> {
    const multi = this.redis.multi().del(this.unreadKey(sourceId));
    const kept = statements.slice(0, UNREAD_KEPT);
    if (kept.length > 0) multi.rpush(this.unreadKey(sourceId), ...kept.map((u) => JSON.stringify(u)));
    multi.hset(this.key(sourceId), 'unreadStatements', String(statements.length));
    await multi.exec();
  }

  /** The latest unread statements of these sources, newest documents first, at most `limit`. */
  async unread(sourceIds: string[], limit: number): Promise<UnreadStatement[]> {
    const pipeline = this.redis.pipeline();
    for (const id of sourceIds) pipeline.lrange(this.unreadKey(id), 0, limit - 1);
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .flatMap(([err, list]) => (err ? [] : (list as string[]).map((raw) => JSON.parse(raw) as UnreadStatement)))
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit);
  }

  async keepFailedBody(sourceId: string, bodyKey: string): Promise<void> {
    // COPY keeps the document even after the parse job's body expires.
    await this.redis.copy(bodyKey, this.failedBodyKey(sourceId), 'REPLACE');
  }
}
