// A bound on how long a caller waits for Redis (or anything else) to answer: health endpoints,
// the status page, a reload, the doctor. The work itself goes on; only the answer stops waiting.
export class DeadlineError extends Error {}

/** The promise, or a DeadlineError after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

