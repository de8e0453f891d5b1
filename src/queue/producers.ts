import { JOB } from './names.js';
import { ReleaseEventSchema, type ReleaseEvent } from '../domain/events.js';
import { DeliverEnvelopeSchema, hasContent, type DeliverJob, type DeliverJobInput } from './payloads.js';
import type { Queues } from './queues.js';
import type { ChannelPacer } from '../stores/pacer.js';

/**
 * Validates and enqueues delivery jobs; the job id is the ledger's delivery id. A held delivery
 * (quiet hours, snooze) is enqueued now as a delayed job, so it is durable from this moment.
 */
export async function enqueueDeliveries(queues: Queues, jobs: DeliverJobInput[], now: Date, pacer?: ChannelPacer): Promise<void> {
  if (jobs.length === 0) return;
  // One event fanned out to 10,000 teams is one object: validate it once, each envelope per job.
  const checked = new WeakSet<ReleaseEvent>();
  const eventsOf = (input: DeliverJobInput): ReleaseEvent[] =>
    (input.events ?? []).map((e) => {
      if (!checked.has(e)) {
        ReleaseEventSchema.parse(e);
        checked.add(e);
      }
      return e;
    });
  const validated = jobs.map((input) => {
    const d: DeliverJob = { ...DeliverEnvelopeSchema.parse(input), events: eventsOf(input) };
    if (!hasContent(d)) throw new Error(`delivery ${d.deliveryId} has no events, reminders or escalations`);
    return d;
  });
  // Slack pacing slots are taken now for deliveries due now (held ones take theirs when they run).
  const immediateSlack = validated.filter((d) => d.target.type === 'slack' && !d.notBefore);
  const waits = pacer ? await pacer.reserveMany(immediateSlack.map((d) => ({ channel: d.target.type === 'slack' ? d.target.channel : '', deliveryId: d.deliveryId }))) : [];
  const paceDelay = new Map(immediateSlack.map((d, i) => [d.deliveryId, waits[i] ?? 0]));
  await queues.deliver.addBulk(
    validated.map((d) => {
      const delay = d.notBefore ? Math.max(0, Date.parse(d.notBefore) - now.getTime()) : (paceDelay.get(d.deliveryId) ?? 0);
      return { name: d.target.type === 'slack' ? JOB.slack : JOB.email, data: d, opts: { jobId: d.deliveryId, ...(delay > 0 ? { delay } : {}) } };
    }),
  );
}
