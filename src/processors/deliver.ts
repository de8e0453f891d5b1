import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { renderContextFor } from '../render/context.js';
import { TABLE_EVENT_KINDS, type EventKind } from '../domain/events.js';
import { refreshLineParent, slackRenderContext, startLineThread, ThreadStartingError } from './line-threads.js';
import { alertEmail, digestEmail, escalationEmail, exposureEscalationEmail, reminderEmail, toEmail, type EmailMessage } from '../render/email.js';
import { renderSlackAlert, renderSlackDigest, renderSlackEscalation, renderSlackExposureEscalation, renderSlackReminders, type SlackMessage } from '../render/slack.js';
import type { RenderContext } from '../render/present.js';
import { DeliveryError } from '../notify/notifier.js';
import { HISTORY_SCOPES } from '../notify/slack.js';
import type { Claim } from '../stores/ledger.js';
import { JOB } from '../queue/names.js';
import { redactText } from '../redact.js';
import { DeliverJobSchema, type DeadLetter, type DeliverJob } from '../queue/payloads.js';
import type { Deps } from './deps.js';

/** News that can change what a line's lifecycle parent shows (its dates, its state). */
const PARENT_CHANGING_KINDS: ReadonlySet<EventKind> = new Set<EventKind>([...TABLE_EVENT_KINDS, 'end-of-support-reached', 'deprecation']);

export type DeliverOutcome = 'sent' | 'already-sent' | 'found-in-history';

/**
 * One delivery = one send. The ledger is claimed before the send and finalized after it:
 * a retried or stalled job that finds "sent" does nothing. Failures are classified by the adapter:
 * permanent → dead-letter queue, no retry; rate-limited → wait Retry-After without spending an
 * attempt; transient → BullMQ retries with backoff, and the last failed attempt is dead-lettered.
 */
export function createDeliverProcessor(deps: Deps): Processor<unknown, { outcome: DeliverOutcome; ref?: string }> {
  const warnings: LookupWarnings = { refused: false };
  return async (job, token) => {
    const data = DeliverJobSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`malformed delivery job: ${data.error.message}`);
    const d = data.data;
    const team = deps.teams.get(d.teamId);
    const teamName = team?.name ?? d.teamId;
    const channelType = d.target.type;

    if (d.target.type === 'slack') {
      // Pace per channel: wait for this delivery's slot as a delayed job, without an attempt spent
      // and without holding a worker slot that other channels could use.
      const wait = await deps.pacer.reserve(d.target.channel, d.deliveryId);
      // Usually the slot was reserved when the job was enqueued and the job waited for it; a few
      // milliseconds of timer jitter are not worth another trip through the delayed set.
      if (wait > 20 && token) {
        deps.metrics.deliveries.inc({ channel: channelType, outcome: 'paced' });
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
    }
    const claim = await deps.ledger.claim(d.deliveryId, `${job.id ?? ''}#${job.attemptsMade}`);
    if (claim.result === 'already-sent') {
      deps.metrics.deliveries.inc({ channel: channelType, outcome: 'duplicate-skipped' });
      deps.logger.info({ event: 'delivery', deliveryId: d.deliveryId, team: d.teamId, outcome: 'already-sent' }, 'delivery already sent; skipped');
      return { outcome: 'already-sent' };
    }
    let sent: { ref: string; outcome: DeliverOutcome };
    try {
      sent = await sendOnce(deps, d, teamName, claim, warnings);
    } catch (err) {
      if (err instanceof ThreadStartingError && token) {
        // Nothing was sent: the claim goes back, and the delivery waits as a delayed job (no attempt spent).
        await deps.ledger.release(d.deliveryId, claim, false);
        await job.moveToDelayed(Date.now() + err.retryInMs, token);
        throw new DelayedError();
      }
      const failure = err instanceof DeliveryError ? err : new DeliveryError('transient', 'unknown', (err as Error).message, null, { cause: err, mayHaveArrived: true });
      // Refused for sure: the next attempt sends. Perhaps arrived: the next attempt looks first.
      await deps.ledger.release(d.deliveryId, claim, failure.mayHaveArrived);
      deps.logger.warn({ deliveryId: d.deliveryId, team: d.teamId, target: channelType, code: failure.code, failure: failure.failure }, 'delivery failed');
      if (failure.failure === 'rate-limited' && token) {
        deps.metrics.deliveries.inc({ channel: channelType, outcome: 'rate-limited' });
        await job.moveToDelayed(Date.now() + (failure.retryAfterMs ?? 1_000), token);
        throw new DelayedError();
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (failure.failure === 'permanent' || lastAttempt) {
        await deadLetter(deps, job, failure);
        deps.metrics.deliveries.inc({ channel: channelType, outcome: 'dead-lettered' });
        throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
      }
      deps.metrics.deliveries.inc({ channel: channelType, outcome: 'retrying' });
      throw failure;
    }
    // Outside the try: the message is out. If recording that fails (Redis gone), the claim stays
    // "sending" and the retry looks in Slack's history instead of posting again.
    await deps.ledger.finalize(d.deliveryId, sent.ref);
    deps.metrics.deliveries.inc({ channel: channelType, outcome: sent.outcome === 'sent' ? 'sent' : 'found-in-history' });
    deps.logger.info({ event: 'delivery', deliveryId: d.deliveryId, team: d.teamId, purpose: d.purpose, target: d.target.type === 'slack' ? d.target.channel : `email (${d.target.to.length} recipient${d.target.to.length === 1 ? '' : 's'})`, via: d.target.type === 'slack' ? deps.slack.mode : deps.email.mode, outcome: sent.outcome, ref: sent.ref, attempt: job.attemptsMade + 1 }, sent.outcome === 'sent' ? 'delivered' : 'delivered by an earlier attempt (found in the channel history); not posted again');
    return { outcome: sent.outcome, ref: sent.ref };
  };
}

/** Said once per process: the first refused history lookup (the token lacks a history scope). */
interface LookupWarnings {
  refused: boolean;
}

function slackMessage(d: DeliverJob, teamName: string, ctx: RenderContext): SlackMessage {
  const first = d.events[0];
  switch (d.purpose) {
    case 'reminder':
      return renderSlackReminders(teamName, d.reminders, ctx);
    case 'escalation':
      return renderSlackEscalation(teamName, d.escalations, ctx);
    case 'exposure-escalation':
      return renderSlackExposureEscalation(teamName, d.exposed, ctx);
    case 'digest':
      return renderSlackDigest(teamName, d.events, ctx, d.reminders, d.extras);
    case 'alert':
      return first && d.events.length === 1 ? renderSlackAlert(first, d.extras[first.id], ctx) : renderSlackDigest(teamName, d.events, ctx, [], d.extras);
  }
}

function emailMessage(d: DeliverJob, teamName: string, ctx: RenderContext): Promise<EmailMessage> {
  switch (d.purpose) {
    case 'reminder':
      return toEmail(reminderEmail(teamName, d.reminders, ctx.now));
    case 'escalation':
      return toEmail(escalationEmail(teamName, d.escalations, ctx.today));
    case 'exposure-escalation':
      return toEmail(exposureEscalationEmail(teamName, d.exposed, ctx.today, ctx.now));
    case 'digest':
      return toEmail(digestEmail(teamName, d.events, ctx, d.reminders, d.extras));
    case 'alert':
      return toEmail(alertEmail(teamName, d.events, d.extras, ctx));
  }
}

/**
 * Alerts and reminders about one framework version line share a Slack thread per (team, channel,
 * line): "PyTorch 2.4.0" and "PyTorch 2.4" both go in PyTorch 2.4's, under its lifecycle parent
 * (line-threads.ts). Notes about many versions ("2.3 and earlier") and general notes stay top-level.
 */
export function threadKeyOf(d: DeliverJob): string | null {
  if (d.target.type !== 'slack') return null;
  const key = (framework: string, version: string): string | null => {
    const line = /^(\d+)(?:\.(\d+|x))?/.exec(version);
    return line ? [d.teamId, d.target.type === 'slack' ? d.target.channel : '', framework, `${line[1]}.${line[2] ?? 'x'}`].join('|') : null;
  };
  if (d.purpose === 'alert') {
    const e = d.events[0];
    if (d.events.length !== 1 || !e?.framework || !e.version || e.scope !== 'exact') return null;
    return key(e.framework, e.version);
  }
  if (d.purpose === 'reminder') {
    // A reminder delivery about one line (the remind stage sends one per line to Slack).
    const lines = new Set(d.reminders.map((r) => `${r.line.framework}|${r.line.version ?? ''}`));
    const r = d.reminders[0];
    if (lines.size !== 1 || !r?.line.version) return null;
    return key(r.line.framework, r.line.version);
  }
  return null;
}

/**
 * Sends the delivery, unless an earlier attempt whose outcome is unknown (killed mid-send, Redis
 * lost before "sent" was recorded) already did: for Slack, the channel's history is searched for
 * the delivery id in the message metadata first. Email has no such lookup; a resend carries the
 * same Message-ID, so mail clients that collapse duplicates do so.
 */
async function sendOnce(deps: Deps, d: DeliverJob, teamName: string, claim: Claim, warnings: LookupWarnings): Promise<{ ref: string; outcome: DeliverOutcome }> {
  // Written for the team's own date ("in 54 days") and links.
  const ctx = renderContextFor(deps.config, deps.teams.get(d.teamId), deps.clock(), deps.publicUrl);
  if (d.target.type === 'email') {
    if (claim.result === 'reclaimed') {
      deps.metrics.uncertainRetries.inc({ channel: 'email', resolution: 'resent-same-message-id' });
      deps.logger.info({ deliveryId: d.deliveryId, team: d.teamId }, 'an earlier attempt of this email may have been sent; sending again with the same Message-ID');
    }
    return { ref: await deps.email.send(d.target.to, await emailMessage(d, teamName, ctx), d.deliveryId), outcome: 'sent' };
  }
  // Buttons on messages about one line, when clicks can reach us.
  const slackCtx = d.purpose === 'digest' ? ctx : await slackRenderContext(deps, d.teamId, ctx);
  const threadKey = threadKeyOf(d);
  // The line's thread: its lifecycle parent is posted first when the channel has none yet.
  const threadTs = threadKey ? ((await startLineThread(deps, threadKey, d.deliveryId, claim, slackCtx)) ?? (await deps.threads.get(threadKey))) : null;
  const thread = threadTs ? { threadTs } : {};
  if (claim.result === 'reclaimed') {
    const lookup = await deps.slack.findDelivered(d.target.channel, d.deliveryId, claim.since, thread);
    if ('refused' in lookup) {
      deps.metrics.uncertainRetries.inc({ channel: 'slack', resolution: 'resent-unchecked' });
      deps.metrics.slackHistoryLookup.set(0);
      if (!warnings.refused) {
        warnings.refused = true;
        const why = lookup.refused === 'channel_not_listed' ? 'add channels:read (and groups:read for private channels) so channel names can be turned into ids' : lookup.refused === 'history_too_long' ? 'the channel had over 10,000 messages since the first attempt' : 'add the channels:history and groups:history scopes';
        deps.logger.warn({ deliveryId: d.deliveryId, channel: d.target.channel, code: lookup.refused, needs: HISTORY_SCOPES }, `Slack refused to show the channel history (${lookup.refused}): a retry after an unknown outcome posts again and may duplicate a message (at-least-once); ${why}. Said once.`);
      }
    } else if (lookup.found) {
      deps.metrics.uncertainRetries.inc({ channel: 'slack', resolution: 'found' });
      deps.metrics.slackHistoryLookup.set(1);
      // A thread root found this way is the thread's root from now on.
      if (threadKey && !threadTs) await deps.threads.remember(threadKey, lookup.found);
      return { ref: lookup.found, outcome: 'found-in-history' };
    } else {
      deps.metrics.uncertainRetries.inc({ channel: 'slack', resolution: 'not-found' });
      deps.metrics.slackHistoryLookup.set(1);
    }
  }
  const ts = await deps.slack.send(d.target.channel, slackMessage(d, teamName, slackCtx), d.deliveryId, thread);
  // The message is out: failing to remember it as the thread root must not fail the delivery.
  if (threadKey && !threadTs) await deps.threads.remember(threadKey, ts).catch((err: unknown) => deps.logger.warn({ deliveryId: d.deliveryId, err: (err as Error).message }, 'could not remember the Slack thread root'));
  // What was just said may change what the line's parent shows: a date moved, a line removed, a
  // reminder (the calendar moved on). Other news (a patch, a fix) leaves the parent as it is.
  if (threadKey && threadTs && (d.purpose === 'reminder' || d.events.some((e) => PARENT_CHANGING_KINDS.has(e.kind)))) await refreshLineParent(deps, threadKey, slackCtx);
  return { ref: ts, outcome: 'sent' };
}

async function deadLetter(deps: Deps, job: Job, failure: DeliveryError): Promise<void> {
  const letter: DeadLetter = {
    queue: job.queueName,
    jobName: job.name,
    jobId: job.id ?? null,
    data: job.data,
    code: failure.code,
    reason: redactText(failure.message),
    failedAt: deps.clock().toISOString(),
  };
  await deps.queues.deadLetter.add(JOB.deadLetter, letter, { jobId: `dl-${job.id ?? Date.now()}` });
}
