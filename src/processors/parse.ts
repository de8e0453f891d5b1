import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Processor } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import type { ReleaseEvent } from '../domain/events.js';
import { extractEntries, type ExtractedNote } from '../ingest/extract.js';
import { parseFeed } from '../ingest/feed.js';
import { productKey } from '../ingest/notes.js';
import { tableChangeToEvent } from '../ingest/table-events.js';
import { diffTables, linesOfTable, parseVersionsTable } from '../ingest/versions-table.js';
import { JOB, jobId } from '../queue/names.js';
import { MatchJobSchema, ParseJobSchema, type MatchJob, type ParseJob } from '../queue/payloads.js';
import type { Deps } from './deps.js';
import { alertOperator } from './operator.js';
import { currentRecovery } from './state-guard.js';
import { sourceById } from '../config/lookup.js';

export interface ParseResult {
  baseline: boolean;
  events: number;
  /** A newer document of this source had already been parsed; this one was not applied. */
  stale?: boolean;
}

// Two documents of one source must not be parsed at the same time: both would diff against the
// same snapshot and seen sets, and the older one could be stored over the newer. A per-source lock;
// a job that finds it taken waits a moment as a delayed job (no attempt spent).
const LOCK_MS = 60_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Document → new events → one match job. The first successful parse of a source is its baseline
 * and alerts nobody. Notes (or the table snapshot) are marked seen only after the match job is
 * durably queued; a crash in between re-parses into the same job id and the ledger stops resends.
 */
export function createParseProcessor(deps: Deps): Processor<unknown, ParseResult> {
  return async (job, token) => {
    const data = ParseJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed parse job: ${data.error.message}`);
    const payload = data.data;
    const source = sourceById(deps.config, payload.sourceId);
    if (!source) {
      deps.logger.info({ event: 'parse-skipped', source: payload.sourceId }, 'document of a source that is not in this process\'s config: skipped');
      return { baseline: false, events: 0 };
    }
    const lockKey = `${deps.prefix}:parse-lock:${source.id}`;
    const lockToken = randomUUID();
    if ((await deps.redis.set(lockKey, lockToken, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      await job.moveToDelayed(Date.now() + 250 + Math.floor(Math.random() * 250), token);
      throw new DelayedError();
    }
    try {
      const state = await deps.sources.get(source.id);
      if (state.lastParsedFetchedAt && payload.fetchedAt < state.lastParsedFetchedAt) return { baseline: false, events: 0, stale: true };
      const body = await deps.redis.get(payload.bodyKey);
      if (body === null) throw new UnrecoverableError(`document ${payload.bodyKey} expired before it was parsed`);
      const now = deps.clock();
      try {
        const result = source.kind === 'feed' ? await parseFeedSource(deps, source, payload, body, now) : await parseTableSource(deps, source, payload, body, now);
        await deps.sources.update(source.id, { lastParsedFetchedAt: payload.fetchedAt });
        return result;
      } catch (err) {
        if (err instanceof UnrecoverableError) throw err;
        const code = (err as { code?: string }).code ?? 'parse-error';
        const reason = (err as Error).message;
        await deps.sources.markFailing(source.id, code.startsWith('parse-') ? code : `parse-${code}`, reason, now);
        await deps.sources.keepFailedBody(source.id, payload.bodyKey);
        deps.logger.warn({ source: source.id, code, reason }, 'document could not be parsed; source marked failing, raw body kept');
        throw new UnrecoverableError(`${source.id}: ${reason}`);
      }
    } finally {
      await deps.redis.eval(RELEASE, 1, lockKey, lockToken);
    }
  };
}

async function enqueueMatch(deps: Deps, source: SourceConfig, payload: ParseJob, events: ReleaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Validated before it is queued (the producer's side of the boundary).
  const match: MatchJob = MatchJobSchema.parse({ sourceId: source.id, batchId: payload.bodyHash, events });
  await deps.queues.match.add(JOB.match, match, { jobId: jobId('match', source.id, payload.bodyHash) });
  await deps.eventLog.record(events);
  for (const e of events) deps.metrics.events.inc({ kind: e.kind });
}

async function parseFeedSource(deps: Deps, source: SourceConfig, payload: ParseJob, body: string, now: Date): Promise<ParseResult> {
  const { entries } = await parseFeed(body);
  const notes: ExtractedNote[] = await extractEntries(entries, { source: source.id, ...(source.products ? { products: source.products } : {}) });
  const entryIds = [...new Set(entries.map((e) => e.id))];
  const noteIds = notes.map((n) => n.noteId);
  await recordUnread(deps, source, entries, notes, now);
  // What the notes say about end of support is knowledge even in the baseline (history).
  await recordEndOfSupportNotices(deps, notes.flatMap((n) => n.events));
  const filter = productsFilterKey(source.products);
  if (!(await deps.seen.hasBaseline(source.id))) {
    await deps.seen.markSeen(source.id, entryIds, noteIds, now);
    await deps.sources.update(source.id, { baselineAt: now.toISOString(), failing: false, lastError: null, lastErrorCode: null, productsFilter: filter });
    deps.logger.info({ source: source.id, entries: entries.length, notes: notes.length }, 'baseline recorded; nothing sent');
    await reportRecoveryBaseline(deps, source, notes);
    return { baseline: true, events: 0 };
  }
  const knownNotes = await deps.seen.knownNotes(source.id, noteIds);
  const knownEntries = await deps.seen.knownEntries(source.id, entryIds);
  // A changed `products:` filter brings in notes of entries seen long ago (their product was
  // filtered out then): they are a baseline for the new products, not news.
  const recorded = (await deps.sources.get(source.id)).productsFilter;
  if (recorded !== null && recorded !== filter) {
    const widened = notes.filter((n) => knownEntries.has(n.entryId) && !knownNotes.has(n.noteId));
    await deps.seen.markSeen(source.id, [], widened.map((n) => n.noteId), now);
    for (const n of widened) knownNotes.add(n.noteId);
    deps.logger.info({ event: 'products-filter-changed', source: source.id, from: recorded, to: filter, baselined: widened.length }, 'products filter changed: notes of entries already seen are taken as a baseline, not alerted');
  }
  if (recorded !== filter) await deps.sources.update(source.id, { productsFilter: filter });
  const fresh = notes.filter((n) => !knownNotes.has(n.noteId));
  // Oldest first, so alerts arrive in the order things happened.
  const events = fresh
    .flatMap((n) => n.events.map((e) => ({ ...e, update: knownEntries.has(n.entryId) })))
    .sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
  await enqueueMatch(deps, source, payload, events);
  await deps.seen.markSeen(source.id, entryIds, fresh.map((n) => n.noteId), now);
  // New entries that yield no event at all usually mean the page changed its format: the watchdog
  // tells the operator.
  // An entry with no note for this source's products (the all-products feed) is not silent; an
  // entry with no content at all is.
  const withNotes = new Set(notes.map((n) => n.entryId));
  const blank = (id: string): boolean => (entries.find((e) => e.id === id)?.html ?? '').replace(/<[^>]*>/g, '').trim() === '';
  const newEntries = entryIds.filter((id) => !knownEntries.has(id) && (!source.products || withNotes.has(id) || blank(id)));
  const silentEntries = newEntries.filter((id) => !events.some((e) => e.entryId === id)).length;
  await deps.sources.update(source.id, { failing: false, lastError: null, lastErrorCode: null, silentEntries });
  return { baseline: false, events: events.length };
}

/** The products filter as recorded with the seen notes: order, case and plurals do not matter. */
function productsFilterKey(products: string[] | undefined): string {
  return products ? [...new Set(products.map(productKey))].sort().join('|') : '';
}

/**
 * A baseline taken after Redis lost its state (see state-guard.ts) is not a first start: notes
 * published while the state was gone were never alerted. They are not sent to teams (the baseline
 * cannot tell them from notes sent before the loss), but the operator gets their list, once per
 * source and recovery, so nothing is silently lost.
 */
async function reportRecoveryBaseline(deps: Deps, source: SourceConfig, notes: ExtractedNote[]): Promise<void> {
  const recovery = await currentRecovery(deps);
  if (!recovery) return;
  // Entries are dated by day (Google: midnight Pacific), so the window opens a day early.
  const from = new Date(Date.parse(recovery.lostAfter) - 24 * 3600_000).toISOString();
  const inWindow = notes.flatMap((n) => n.events).filter((e) => (e.publishedAt ?? '') >= from);
  const first = await deps.redis.set(`${deps.prefix}:recovery-reported:${recovery.id}:${source.id}`, '1', 'EX', 14 * 24 * 3600, 'NX');
  if (first !== 'OK') return;
  // Nothing dated in the window: the operator's one state-lost message already said all there is.
  if (source.kind === 'feed' && inWindow.length === 0) {
    deps.logger.info({ event: 'recovery-baseline', source: source.id, recovery: recovery.id }, 're-baselined after lost state; no entry dated in the window');
    return;
  }
  const list = inWindow.slice(0, 30).map((e) => `- ${(e.publishedAt ?? '').slice(0, 10)} ${e.title}${e.url ? ` (${e.url})` : ''}`);
  const text =
    source.kind === 'versions-table'
      ? `Source ${source.id} recorded a new snapshot of its supported-versions table after Redis lost its state. Changes made to the table between ${recovery.lostAfter} and ${recovery.detectedAt} are not reported as changes; its current end dates are known again and reminders continue from them.`
      : inWindow.length === 0
      ? `Source ${source.id} recorded a new baseline after Redis lost its state; none of its entries is dated after ${recovery.lostAfter}, so nothing was missed.`
      : `Source ${source.id} recorded a new baseline after Redis lost its state. These ${inWindow.length} event(s) come from entries dated in or just before the window ${recovery.lostAfter} – ${recovery.detectedAt} and were NOT sent to teams (they may or may not have been sent before the loss):\n${list.join('\n')}${inWindow.length > 30 ? `\n… and ${inWindow.length - 30} more` : ''}`;
  await alertOperator(deps, `recovery-baseline|${recovery.id}|${source.id}`, `Source ${source.id} re-baselined after lost state (${inWindow.length} event(s) in the window)`, text, source.homepage ?? null);
}

/**
 * Statements the reader could not tell the kind of (they went out as "other" events): counted per
 * source for /metrics, the newest shown on the status page, so an operator sees what the reader
 * does not understand yet instead of it passing silently.
 */
async function recordUnread(deps: Deps, source: SourceConfig, entries: { id: string; title: string; publishedAt: string | null }[], notes: ExtractedNote[], now: Date): Promise<void> {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const unread = notes
    .flatMap((n) => n.unread.map((s) => ({ entry: byId.get(n.entryId), text: s.context ? `${s.context} ${s.text}` : s.text })))
    .sort((a, b) => (b.entry?.publishedAt ?? '').localeCompare(a.entry?.publishedAt ?? ''));
  await deps.sources.setUnread(
    source.id,
    unread.map((u) => ({ source: source.id, entry: u.entry?.title ?? '', text: u.text.slice(0, 300), reason: 'no kind of change understood (sent as "other")', at: now.toISOString() })),
  );
  deps.metrics.unreadStatements.set({ source: source.id }, unread.length);
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
    await reportRecoveryBaseline(deps, source, []);
    return { baseline: true, events: 0 };
  }
  const events = diffTables(previous.rows, table.rows).map((c) => tableChangeToEvent(c, source.id, source.homepage ?? payload.url, now));
  await enqueueMatch(deps, source, payload, events);
  await deps.snapshots.put(source.id, table.rows, now);
  await deps.sources.update(source.id, { failing: false, lastError: null, lastErrorCode: null });
  return { baseline: false, events: events.length };
}
