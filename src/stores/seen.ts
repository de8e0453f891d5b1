// Which entries and notes of a source have been seen. "New" is decided by these persisted sets,
// never by a time window or memory, so a late run loses nothing and a restart replays nothing.
import type { Redis } from 'ioredis';

export class SeenStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private notesKey(sourceId: string): string {
    return `${this.prefix}:seen:${sourceId}:notes`;
  }

  private entriesKey(sourceId: string): string {
    return `${this.prefix}:seen:${sourceId}:entries`;
  }

  private baselineKey(sourceId: string): string {
    return `${this.prefix}:seen:${sourceId}:baseline`;
  }

  async hasBaseline(sourceId: string): Promise<boolean> {
    return (await this.redis.exists(this.baselineKey(sourceId))) === 1;
  }

  /** Which of these note ids are already known. */
  async knownNotes(sourceId: string, noteIds: string[]): Promise<Set<string>> {
    if (noteIds.length === 0) return new Set();
    const flags = await this.redis.smismember(this.notesKey(sourceId), ...noteIds);
    return new Set(noteIds.filter((_, i) => flags[i] === 1));
  }

  async knownEntries(sourceId: string, entryIds: string[]): Promise<Set<string>> {
    if (entryIds.length === 0) return new Set();
    const flags = await this.redis.smismember(this.entriesKey(sourceId), ...entryIds);
    return new Set(entryIds.filter((_, i) => flags[i] === 1));
  }

  /** Called only after the events of these notes are durably queued. */
  async markSeen(sourceId: string, entryIds: string[], noteIds: string[], at: Date): Promise<void> {
    const multi = this.redis.multi();
    if (noteIds.length > 0) multi.sadd(this.notesKey(sourceId), ...noteIds);
    if (entryIds.length > 0) multi.sadd(this.entriesKey(sourceId), ...entryIds);
    multi.set(this.baselineKey(sourceId), at.toISOString(), 'NX');
    await multi.exec();
  }
}
