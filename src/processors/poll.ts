import { createHash } from 'node:crypto';
import { UnrecoverableError, type Processor } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import { stableId } from '../domain/ids.js';
import { DEFAULT_TIMEOUT_MS, fetchDocument, FetchError, type FetchResult } from '../ingest/fetch.js';
import { JOB, jobId } from '../queue/names.js';
import { pollEvery } from '../queue/schedules.js';
import { PollJobSchema, type ParseJob } from '../queue/payloads.js';
import { redactUrl } from '../redact.js';
import type { SourceState } from '../stores/source-state.js';
import type { Deps } from './deps.js';
import { alertOperator } from './operator.js';
import { sourceById, sourcesById } from '../config/lookup.js';

const BODY_TTL_SECONDS = 7 * 24 * 3600;

export type PollOutcome = 'changed' | 'unchanged' | 'failed';

interface Attempt {
  url: string;
  error: FetchError | Error;
}

/**
 * The poll stage. A `poll-sweep` job (one scheduler for every source) polls the sources that are
 * due; a `poll-source` job polls one source now (tests, `release-radar poll`, the demo).
 */
export function createPollProcessor(deps: Deps): Processor<unknown, { outcome: PollOutcome } | { polled: number }> {
  // Sweeps come every few seconds; while sources hang, at most two run at once in a process, so
  // the poll workers' other slots stay free (explicit polls, the canary).
  let sweeping = 0;
  return async (job) => {
    if (job.name === JOB.pollSweep) {
      if (sweeping >= 2) return { polled: 0 };
      sweeping++;
      try {
        return { polled: await sweep(deps) };
      } finally {
        sweeping--;
      }
    }
    const data = PollJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed poll job: ${data.error.message}`);
    const source = sourceById(deps.config, data.data.sourceId);
    if (!source) {
      // Removed from the config since the job was queued (a reload), or a process with an older config.
      deps.logger.info({ event: 'poll-skipped', source: data.data.sourceId }, 'poll of a source that is not in this process\'s config: skipped');
      return { outcome: 'unchanged' };
    }
    return { outcome: await pollSource(deps, source, await deps.sources.get(source.id)) };
  };
}

// Sources claimed and polled at once by one sweep.
const SWEEP_BATCH = 32;

/**
 * Polls every source that is due, in batches: one claim (its lease starts then, and lasts as long
 * as a source's slowest possible poll plus a margin) for up to 32 sources, polled at once, each
 * re-planned as soon as it is done. One source's failure is that source's (marked failing,
 * logged); it never stops the sweep. Scheduling runs on the wall clock, as BullMQ's schedulers do.
 */
async function sweep(deps: Deps): Promise<number> {
  const byId = sourcesById(deps.config);
  const timeoutMs = deps.fetch.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const leaseMs = Math.max(0, ...deps.config.sources.map((s) => s.urls.length * timeoutMs)) + 30_000;
  let polled = 0;
  for (;;) {
    const due = await deps.polls.claimDue(Date.now(), SWEEP_BATCH, leaseMs);
    if (due.length === 0) break;
    const unknown = due.filter((d) => !byId.has(d.id));
    if (unknown.length > 0) {
      // Not in this process's config (an older one, before a reload reached it): given back as
      // they were, for a process that knows them.
      await deps.polls.reschedule(new Map(unknown.map((d) => [d.id, d.dueAt])));
      deps.logger.info({ event: 'poll-skipped', sources: unknown.map((d) => d.id) }, 'due sources not in this process\'s config: left to the others');
    }
    const states = await deps.sources.getMany(due.filter((d) => byId.has(d.id)).map((d) => d.id));
    await Promise.all(
      due.map(async (d) => {
        const source = byId.get(d.id);
        const state = states.get(d.id);
        if (!source || !state) return;
        try {
          await pollSource(deps, source, state);
        } catch (err) {
          deps.logger.error({ source: source.id, err: redactUrl((err as Error).message) }, 'poll crashed');
        }
        polled++;
        // On the source's own rhythm (due + interval); a sweep that fell behind does not poll it
        // twice in a row. Planned as soon as it is done.
        const every = pollEvery(source);
        await deps.polls.reschedule(new Map([[source.id, Math.max(d.dueAt + every, Date.now() + every / 2)]]));
      }),
    );
    if (due.length < SWEEP_BATCH || unknown.length === due.length) break;
  }
  return polled;
}

/**
 * Fetches one source; only a changed document goes on to the parse stage. A source may list several
 * URLs in order of preference (Google's docs move from cloud.google.com to docs.cloud.google.com):
 * every poll tries them in that order and uses the first that answers, so the preferred one takes
 * over again as soon as it works. When a source moves (a permanent redirect, a 404/410 on the
 * preferred URL, a fallback taking over) the operator is told once.
 */
export async function pollSource(deps: Deps, source: SourceConfig, state: SourceState): Promise<PollOutcome> {
  const now = deps.clock();

  const attempts: Attempt[] = [];
  let answered: { url: string; result: FetchResult } | null = null;
  for (const url of source.urls) {
    // Validators belong to the URL that issued them.
    const validators = redactUrl(url) === state.activeUrl ? { etag: state.etag, lastModified: state.lastModified } : {};
    try {
      answered = { url, result: await fetchDocument(url, { validators, ...deps.fetch }) };
      break;
    } catch (err) {
      attempts.push({ url, error: err as Error });
    }
  }
  await tellIfMoved(deps, source, state, attempts, answered);
  if (!answered) {
    const last = attempts[attempts.length - 1]?.error;
    const code = last instanceof FetchError ? `fetch-${last.code}` : 'fetch-error';
    const message = attempts.map((a) => a.error.message).join('; then ');
    await deps.sources.markFailing(source.id, code, message, now);
    deps.metrics.polls.inc({ source: source.id, outcome: 'failed' });
    deps.logger.warn({ source: source.id, code, err: message }, 'poll failed');
    return 'failed';
  }
  const { url, result } = answered;
  // Stored and shown without credentials: they live in the config, not in Redis.
  const where = { activeUrl: redactUrl(url), finalUrl: redactUrl(result.url) };

  // A document that failed to parse stays failing until it changes; only fetch errors clear here.
  const clearsFailure = !state.lastErrorCode || state.lastErrorCode.startsWith('fetch-');
  const healthy = clearsFailure ? { failing: false, lastError: null, lastErrorCode: null } : {};
  if (result.status === 'not-modified') {
    // The steady state of 1,000 sources: write only what changed (usually the two times).
    await deps.sources.updateChanged(source.id, state, { ...healthy, ...where, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString() });
    deps.metrics.polls.inc({ source: source.id, outcome: 'unchanged' });
    return 'unchanged';
  }
  const hash = createHash('sha256').update(result.text).digest('hex').slice(0, 32);
  const validators = { etag: result.etag, lastModified: result.lastModified };
  const bodyKey = deps.sources.bodyKey(source.id, hash);
  const enqueueParse = async (suffix: string[]): Promise<void> => {
    await deps.redis.set(bodyKey, result.text, 'EX', BODY_TTL_SECONDS);
    const payload: ParseJob = { sourceId: source.id, bodyKey, bodyHash: hash, fetchedAt: now.toISOString(), url: redactUrl(result.url) };
    await deps.queues.parse.add(JOB.parse, payload, { jobId: jobId('parse', source.id, hash, ...suffix) });
  };
  if (hash === state.lastHash) {
    // An unchanged document that failed to parse is parsed again now and then (every 10 minutes at
    // most): a parse that failed for a passing reason, or a parser fixed by an upgrade, heals
    // without waiting for Google to change the page.
    if (state.lastErrorCode?.startsWith('parse-')) await enqueueParse(['retry', String(Math.floor(now.getTime() / 600_000))]);
    await deps.sources.updateChanged(source.id, state, { ...healthy, ...validators, ...where, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString() });
    deps.metrics.polls.inc({ source: source.id, outcome: 'unchanged' });
    return 'unchanged';
  }

  await enqueueParse([]);
  // Validators and hash are recorded only once the parse job is durably queued.
  await deps.sources.update(source.id, { ...validators, ...where, lastHash: hash, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString(), lastChangeAt: now.toISOString(), ...(clearsFailure ? healthy : {}) });
  deps.metrics.polls.inc({ source: source.id, outcome: 'changed' });
  deps.logger.info({ source: source.id, url: redactUrl(result.url), bytes: result.bytes, hash }, 'source changed');
  return 'changed';
}

/** One operator message per move (the incident id is derived from what moved, so it is sent once). */
async function tellIfMoved(deps: Deps, source: SourceConfig, state: SourceState, attempts: Attempt[], answered: { url: string; result: FetchResult } | null): Promise<void> {
  const notices: { key: string; title: string; text: string }[] = [];
  const preferred = source.urls[0];
  // With fallbacks, a dead preferred URL is masked (the source stays healthy), so it is told here.
  // A source with one URL that answers 404 fails, and the watchdog tells that once per incident.
  for (const a of source.urls.length > 1 ? attempts : []) {
    if (a.url !== preferred || !(a.error instanceof FetchError) || (a.error.status !== 404 && a.error.status !== 410)) continue;
    notices.push({
      key: `gone|${a.url}|${a.error.status}`,
      title: `Source ${source.id}: its preferred URL answers HTTP ${a.error.status}`,
      text: `${redactUrl(a.url)} answers HTTP ${a.error.status}${answered ? `; ${redactUrl(answered.url)} answered instead` : ' and no other configured URL answered'}. Update sources.yaml (sources[id=${source.id}].urls) or check with \`release-radar doctor\`.`,
    });
  }
  if (answered) {
    for (const r of answered.result.redirects.filter((x) => x.permanent)) {
      notices.push({
        key: `redirect|${r.from}|${r.to}`,
        title: `Source ${source.id} moved permanently`,
        text: `${redactUrl(r.from)} answers ${r.status} (moved permanently) to ${redactUrl(r.to)}. It is followed; put the new URL first in sources.yaml (sources[id=${source.id}].urls).`,
      });
    }
    if (answered.url !== preferred && redactUrl(answered.url) !== state.activeUrl) {
      notices.push({
        key: `fallback|${answered.url}`,
        title: `Source ${source.id} now uses a fallback URL`,
        text: `${redactUrl(preferred ?? '')} did not answer (${attempts.map((a) => a.error.message).join('; ') || 'no answer'}); ${redactUrl(answered.url)} answered and is used until the preferred URL works again.`,
      });
    }
  }
  for (const n of notices) {
    const first = await deps.redis.set(`${deps.prefix}:source-moved:${source.id}:${stableId(n.key)}`, deps.clock().toISOString(), 'EX', 30 * 24 * 3600, 'NX');
    if (first === 'OK') await alertOperator(deps, `source-moved|${source.id}|${n.key}`, n.title, n.text, source.homepage ?? null, 'info');
  }
}
