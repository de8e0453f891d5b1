import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { QUEUE } from './names.js';

// Completed jobs are trimmed; failed ones are kept for inspection and retry.
const TRIM: DefaultJobOptions = { removeOnComplete: { count: 1_000, age: 24 * 3600 }, removeOnFail: false };

export const JOB_OPTIONS = {
  poll: { ...TRIM, attempts: 1, removeOnFail: { count: 500 } },
  parse: { ...TRIM, attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
  match: { ...TRIM, attempts: 5, backoff: { type: 'exponential', delay: 2_000 } },
  deliver: { ...TRIM, attempts: 8, backoff: { type: 'exponential', delay: 5_000 } },
  digest: { ...TRIM, attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  remind: { ...TRIM, attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  watchdog: { ...TRIM, attempts: 1, removeOnFail: { count: 100 } },
  deadLetter: { removeOnComplete: false, removeOnFail: false },
} satisfies Record<keyof typeof QUEUE, DefaultJobOptions>;

export interface Queues {
  poll: Queue;
  parse: Queue;
  match: Queue;
  deliver: Queue;
  digest: Queue;
  remind: Queue;
  watchdog: Queue;
  deadLetter: Queue;
}

export interface QueueTuning {
  /** First retry delay of a failed delivery; doubles each attempt (default 5 s). */
  deliverBackoffMs?: number;
  /**
   * Errors of a queue's connection. Without a listener BullMQ prints each one with console.error,
   * several a second while Redis is away; with one, the caller decides (one line per outage).
   */
  onError?: (err: Error, queue: string) => void;
}

export function createQueues(connection: ConnectionOptions, prefix: string, tuning: QueueTuning = {}): Queues {
  const options = (name: keyof typeof QUEUE): DefaultJobOptions =>
    name === 'deliver' && tuning.deliverBackoffMs !== undefined ? { ...JOB_OPTIONS.deliver, backoff: { type: 'exponential', delay: tuning.deliverBackoffMs } } : JOB_OPTIONS[name];
  const make = (name: keyof typeof QUEUE): Queue => {
    const queue = new Queue(QUEUE[name], { connection, prefix, defaultJobOptions: options(name) });
    queue.on('error', (err: Error) => (tuning.onError ? tuning.onError(err, name) : undefined));
    return queue;
  };
  return { poll: make('poll'), parse: make('parse'), match: make('match'), deliver: make('deliver'), digest: make('digest'), remind: make('remind'), watchdog: make('watchdog'), deadLetter: make('deadLetter') };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q: Queue) => q.close()));
}
