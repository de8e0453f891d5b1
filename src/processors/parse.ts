import { UnrecoverableError, type Processor } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import type { ReleaseEvent } from '../domain/events.js';
import { extractEntries, type ExtractedNote } from '../ingest/extract.js';
import { parseFeed } from '../ingest/feed.js';
import { tableChangeToEvent } from '../ingest/table-events.js';
import { diffTables, linesOfTable, parseVersionsTable } from '../ingest/versions-table.js';
import { JOB, jobId } from '../queue/names.js';
import { ParseJobSchema, type MatchJob, type ParseJob } from '../queue/payloads.js';
import type { Deps } from './deps.js';

export interface ParseResult {
  baseline: boolean;
  events: number;
}

/**
 * Document → new events → one match job. The first successful parse of a source is its baseline
 * and alerts nobody. Notes (or the table snapshot) are marked seen only after the match job is
 * durably queued; a crash in between re-parses into the same job id and the ledger stops resends.
 */
export function createParseProcessor(deps: Deps): Processor<unknown, ParseResult> {
  return async (job) => {
    const data = ParseJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed parse job: ${data.error.message}`);
    const payload = data.data;
    const source = deps.config.sources.find((s) => s.id === payload.sourceId);
    if (!source) throw new UnrecoverableError(`source "${payload.sourceId}" is not configured`);
    const body = await deps.redis.get(payload.bodyKey);
    if (body === null) throw new UnrecoverableError(`document ${payload.bodyKey} expired before it was parsed`);
    const now = deps.clock();
    try {
      return source.kind === 'feed' ? await parseFeedSource(deps, source, payload, body, now) : await parseTableSource(deps, source, payload, body, now);
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      const code = (err as { code?: string }).code ?? 'parse-error';
      const reason = (err as Error).message;
      await deps.sources.markFailing(source.id, code.startsWith('parse-') ? code : `parse-${code}`, reason, now);
      await deps.sources.keepFailedBody(source.id, payload.bodyKey);
      deps.logger.warn({ source: source.id, code, reason }, 'document could not be parsed; source marked failing, raw body kept');
      throw new UnrecoverableError(`${source.id}: ${reason}`);
    }
  };
}

async function enqueueMatch(deps: Deps, source: SourceConfig, payload: ParseJob, events: ReleaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  const match: MatchJob = { sourceId: source.id, batchId: payload.bodyHash, events };
  await deps.queues.match.add(JOB.match, match, { jobId: jobId('match', source.id, payload.bodyHash) });
  await deps.eventLog.record(events);
  for (const e of events) deps.metrics.events.inc({ kind: e.kind });
}

async function parseFeedSource(deps: Deps, source: SourceConfig, payload: ParseJob, body: string, now: Date): Promise<ParseResult> {
  const { entries } = await parseFeed(body);
  const notes: ExtractedNote[] = await extractEntries(entries, { source: source.id, ...(source.products ? { products: source.products } : {}) });
  const entryIds = [...new Set(entries.map((e) => e.id))];
  const noteIds = notes.map((n) => n.noteId);
  // What the notes say about end of support is knowledge even in the baseline (history).
  await recordEndOfSupportNotices(deps, notes.flatMap((n) => n.events));
  if (!(await deps.seen.hasBaseline(source.id))) {
    await deps.seen.markSeen(source.id, entryIds, noteIds, now);
    await deps.sources.update(source.id, { baselineAt: now.toISOString(), failing: false, lastError: null, lastErrorCode: null });
    deps.logger.info({ source: source.id, entries: entries.length, notes: notes.length }, 'baseline recorded; nothing sent');
    return { baseline: true, events: 0 };
  }
  const knownNotes = await deps.seen.knownNotes(source.id, noteIds);
  const knownEntries = await deps.seen.knownEntries(source.id, entryIds);
  const fresh = notes.filter((n) => !knownNotes.has(n.noteId));
  // Oldest first, so alerts arrive in the order things happened.
  const events = fresh
    .flatMap((n) => n.events.map((e) => ({ ...e, update: knownEntries.has(n.entryId) })))
    .sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
  await enqueueMatch(deps, source, payload, events);
  await deps.seen.markSeen(source.id, entryIds, fresh.map((n) => n.noteId), now);
  // New entries that yield no event at all usually mean the page changed its format: the watchdog
  // tells the operator.
  const newEntries = entryIds.filter((id) => !knownEntries.has(id));
  const silentEntries = newEntries.filter((id) => !events.some((e) => e.entryId === id)).length;
  await deps.sources.update(source.id, { failing: false, lastError: null, lastErrorCode: null, silentEntries });
  return { baseline: false, events: events.length };
}

async function recordEndOfSupportNotices(deps: Deps, events: ReleaseEvent[]): Promise<void> {
  for (const e of events) {
    if (e.kind !== 'end-of-support-reached' || !e.framework || !e.version || !/^\d+(\.\d+)*$/.test(e.version) || !e.publishedAt) continue;
    await deps.lifecycle.addNotice({ framework: e.framework, version: e.version, scope: e.scope ?? 'exact', date: e.publishedAt.slice(0, 10) });
  }
}

async function parseTableSource(deps: Deps, source: SourceConfig, payload: ParseJob, body: string, now: Date): Promise<ParseResult> {
  const table = parseVersionsTable(body);
  for (const w of table.warnings) deps.logger.warn({ source: source.id, ...w }, 'versions table: date needs attention');
  // Lifecycle knowledge first, so alerts matched from this diff suggest upgrades from the new dates.
  // Replaying the same page is harmless: unchanged dates do not raise revisions.
  await deps.lifecycle.replaceSource(source.id, linesOfTable(table.rows, source.id, now));
  const previous = await deps.snapshots.get(source.id);
  if (!previous) {
    await deps.snapshots.put(source.id, table.rows, now);
    await deps.sources.update(source.id, { baselineAt: now.toISOString(), failing: false, lastError: null, lastErrorCode: null });
    return { baseline: true, events: 0 };
  }
  const events = diffTables(previous.rows, table.rows).map((c) => tableChangeToEvent(c, source.id, source.homepage ?? payload.url, now));
  await enqueueMatch(deps, source, payload, events);
  await deps.snapshots.put(source.id, table.rows, now);
  await deps.sources.update(source.id, { failing: false, lastError: null, lastErrorCode: null });
  return { baseline: false, events: events.length };
}
