// What a test started is stopped after it, last started first, each within 10 s: a service closing
// against a Redis that lost its master must not hold the suite.
import { afterEach } from 'vitest';

export function cleanupAfterEach(): (close: () => Promise<unknown>) => void {
  const pending: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of pending.splice(0).reverse()) await Promise.race([close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
  });
  return (close) => pending.push(close);
}
