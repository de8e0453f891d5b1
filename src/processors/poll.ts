import { createHash } from 'node:crypto';
import { UnrecoverableError, type Processor } from 'bullmq';
import { fetchDocument, FetchError } from '../ingest/fetch.js';
import { JOB, jobId } from '../queue/names.js';
import { PollJobSchema, type ParseJob } from '../queue/payloads.js';
import type { Deps } from './deps.js';

const BODY_TTL_SECONDS = 7 * 24 * 3600;

export type PollOutcome = 'changed' | 'unchanged' | 'failed';

/** Fetches one source; only a changed document goes on to the parse stage. */
export function createPollProcessor(deps: Deps): Processor<unknown, { outcome: PollOutcome }> {
  return async (job) => {
    const data = PollJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed poll job: ${data.error.message}`);
    const source = deps.config.sources.find((s) => s.id === data.data.sourceId);
    if (!source) throw new UnrecoverableError(`source "${data.data.sourceId}" is not configured`);
    const now = deps.clock();
    const state = await deps.sources.get(source.id);

    let result: Awaited<ReturnType<typeof fetchDocument>>;
    try {
      result = await fetchDocument(source.url, { validators: { etag: state.etag, lastModified: state.lastModified }, ...deps.fetch });
    } catch (err) {
      const code = err instanceof FetchError ? `fetch-${err.code}` : 'fetch-error';
      await deps.sources.markFailing(source.id, code, (err as Error).message, now);
      deps.metrics.polls.inc({ source: source.id, outcome: 'failed' });
      deps.logger.warn({ source: source.id, code, err: (err as Error).message }, 'poll failed');
      return { outcome: 'failed' };
    }

    // A document that failed to parse stays failing until it changes; only fetch errors clear here.
    const clearsFailure = !state.lastErrorCode || state.lastErrorCode.startsWith('fetch-');
    const healthy = clearsFailure ? { failing: false, lastError: null, lastErrorCode: null } : {};
    if (result.status === 'not-modified') {
      await deps.sources.update(source.id, { ...healthy, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString() });
      deps.metrics.polls.inc({ source: source.id, outcome: 'unchanged' });
      return { outcome: 'unchanged' };
    }
    const hash = createHash('sha256').update(result.text).digest('hex').slice(0, 32);
    const validators = { etag: result.etag, lastModified: result.lastModified };
    if (hash === state.lastHash) {
      await deps.sources.update(source.id, { ...healthy, ...validators, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString() });
      deps.metrics.polls.inc({ source: source.id, outcome: 'unchanged' });
      return { outcome: 'unchanged' };
    }

    const bodyKey = deps.sources.bodyKey(source.id, hash);
    await deps.redis.set(bodyKey, result.text, 'EX', BODY_TTL_SECONDS);
    const payload: ParseJob = { sourceId: source.id, bodyKey, bodyHash: hash, fetchedAt: now.toISOString(), url: result.url };
    await deps.queues.parse.add(JOB.parse, payload, { jobId: jobId('parse', source.id, hash) });
    // Validators and hash are recorded only once the parse job is durably queued.
    await deps.sources.update(source.id, { ...validators, lastHash: hash, lastPollAt: now.toISOString(), lastSuccessAt: now.toISOString(), lastChangeAt: now.toISOString(), ...(clearsFailure ? healthy : {}) });
    deps.metrics.polls.inc({ source: source.id, outcome: 'changed' });
    deps.logger.info({ source: source.id, bytes: result.bytes, hash }, 'source changed');
    return { outcome: 'changed' };
  };
}
