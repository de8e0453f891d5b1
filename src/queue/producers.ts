import { JOB } from './names.js';
import { DeliverJobSchema, type DeliverJobInput } from './payloads.js';
import type { Queues } from './queues.js';

/** Validates and enqueues delivery jobs; the job id is the ledger's delivery id. */
export async function enqueueDeliveries(queues: Queues, jobs: DeliverJobInput[]): Promise<void> {
  if (jobs.length === 0) return;
  await queues.deliver.addBulk(
    jobs.map((d) => ({ name: d.target.type === 'slack' ? JOB.slack : JOB.email, data: DeliverJobSchema.parse(d), opts: { jobId: d.deliveryId } })),
  );
}
