// Team inventories in Redis: one hash per team, one field per way in (source), each a whole
// document replaced atomically when it is sent again (HSET of one field: two pushes at once leave
// one of them, never a mix). A set lists the teams that have any, so matching reads only those.
// Escalation state (last escalation per line) lives beside it.
//
// When Redis forgets, pushed inventories are gone until the next push or import (CI pushes on every
// deploy): exposure then shows only `runs:` from teams.yaml, and the status page says no inventory
// was pushed. Nothing is invented in between.
import type { Redis } from 'ioredis';
import { InventoryDocSchema, type ExposureEscalationState, type InventoryDoc } from '../domain/exposure.js';
import { INVENTORY_LIMITS, InventoryFormatError } from '../inventory/formats.js';

export class InventoryStore {
  /**
   * The parsed documents of every team, as of a version number every write increments: the match
   * stage, the status page and /metrics read them often, and re-reading megabytes of JSON each
   * time is what let a few large pushes slow every request (one GET of the version instead).
   */
  private cache: { version: string; at: number; docs: Map<string, InventoryDoc[]> } | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get versionKey(): string {
    return `${this.prefix}:inventory-version`;
  }

  private docsKey(teamId: string): string {
    return `${this.prefix}:inventory:${teamId}`;
  }

  private get teamsKey(): string {
    return `${this.prefix}:inventory-teams`;
  }

  private escalationsKey(teamId: string): string {
    return `${this.prefix}:inventory-escalations:${teamId}`;
  }

  /** Stores one source of a team's inventory, replacing it whole; refused past the sources limit. */
  async put(teamId: string, doc: InventoryDoc): Promise<void> {
    const valid = InventoryDocSchema.parse(doc);
    const key = this.docsKey(teamId);
    if (!(await this.redis.hexists(key, valid.source)) && (await this.redis.hlen(key)) >= INVENTORY_LIMITS.sourcesPerTeam) {
      throw new InventoryFormatError(`team ${teamId} already has ${INVENTORY_LIMITS.sourcesPerTeam} inventory sources: push to one of them, or remove one (release-radar inventory remove ${teamId} --source …)`);
    }
    await this.redis.multi().hset(key, valid.source, JSON.stringify(valid)).sadd(this.teamsKey, teamId).incr(this.versionKey).exec();
  }

  /** Removes one source of a team's inventory; true when there was one. */
  async remove(teamId: string, source: string): Promise<boolean> {
    const [removed] = ((await this.redis.multi().hdel(this.docsKey(teamId), source).incr(this.versionKey).exec()) ?? []) as [Error | null, number][];
    return removed?.[1] === 1;
  }

  async docs(teamId: string): Promise<InventoryDoc[]> {
    return (await this.allDocs()).get(teamId) ?? [];
  }

  /** The pushed documents of every team that has any: read again only when a write happened since. */
  async allDocs(): Promise<Map<string, InventoryDoc[]>> {
    const version = (await this.redis.get(this.versionKey)) ?? '0';
    // Bounded in age too: a Redis that restarted empty and counted up to the same version again.
    if (this.cache?.version === version && Date.now() - this.cache.at < 60_000) return this.cache.docs;
    const docs = await this.readAll();
    this.cache = { version, at: Date.now(), docs };
    return docs;
  }

  private async readAll(): Promise<Map<string, InventoryDoc[]>> {
    const teams = await this.redis.smembers(this.teamsKey);
    const out = new Map<string, InventoryDoc[]>();
    if (teams.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const t of teams) pipeline.hgetall(this.docsKey(t));
    const results = (await pipeline.exec()) ?? [];
    teams.forEach((t, i) => {
      const [err, value] = results[i] ?? [null, {}];
      if (!err) out.set(t, parseDocs(value as Record<string, string>));
    });
    return out;
  }

  async escalations(teamId: string): Promise<Map<string, ExposureEscalationState>> {
    const raw = await this.redis.hgetall(this.escalationsKey(teamId));
    return new Map(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as ExposureEscalationState]));
  }

  async escalated(teamId: string, lineKey: string, state: ExposureEscalationState): Promise<void> {
    await this.redis.hset(this.escalationsKey(teamId), lineKey, JSON.stringify(state));
  }

  /** Lines no longer in use (or back in support) start their ladder afresh next time. */
  async forgetEscalations(teamId: string, keep: ReadonlySet<string>): Promise<void> {
    const fields = await this.redis.hkeys(this.escalationsKey(teamId));
    const gone = fields.filter((f) => !keep.has(f));
    if (gone.length > 0) await this.redis.hdel(this.escalationsKey(teamId), ...gone);
  }
}

/** A document that no longer parses (written by another version) is skipped, not fatal. */
function parseDocs(raw: Record<string, string>): InventoryDoc[] {
  const out: InventoryDoc[] = [];
  for (const value of Object.values(raw)) {
    try {
      const doc = InventoryDocSchema.safeParse(JSON.parse(value));
      if (doc.success) out.push(doc.data as InventoryDoc);
    } catch {
      /* unreadable JSON: skipped */
    }
  }
  return out;
}
