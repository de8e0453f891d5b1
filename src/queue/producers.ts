import { JOB } from './names.js';
import { DeliverJobSchema, type DeliverJobInput } from './payloads.js';
import type { Queues } from './queues.js';

/**
 * Validates and enqueues delivery jobs; the job id is the ledger's delivery id. A held delivery
 * (quiet hours, snooze) is enqueued now as a delayed job, so it is durable from this moment.
 */
export async function enqueueDeliveries(queues: Queues, jobs: DeliverJobInput[], now: Date): Promise<void> {
  if (jobs.length === 0) return;
  await queues.deliver.addBulk(
    jobs.map((input) => {
      const d = DeliverJobSchema.parse(input);
      const delay = d.notBefore ? Math.max(0, Date.parse(d.notBefore) - now.getTime()) : 0;
      return { name: d.target.type === 'slack' ? JOB.slack : JOB.email, data: d, opts: { jobId: d.deliveryId, ...(delay > 0 ? { delay } : {}) } };
    }),
  );
}
