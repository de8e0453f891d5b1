// Forces the ioredis race that ends a connection for good: a connect attempt cancelled while it
// runs. This is what ioredis' Sentinel FailoverDetector does on +switch-master (it calls
// connector.disconnect()) when the connection is just then reconnecting. Reaching into `connector`
// is reaching into ioredis; the failover suite shows the same race without it.
import type { Redis } from 'ioredis';

/** Drop the connection (it reconnects by itself) and cancel the connect attempt that follows. */
export function cancelNextConnect(redis: Redis): void {
  // ioredis emits 'connecting' a tick after the connector started; the connector checks whether it
  // was cancelled a tick (standalone) or a sentinel round trip (Sentinel) after it started.
  redis.once('connecting', () => (redis as unknown as { connector: { disconnect(): void } }).connector.disconnect());
  redis.disconnect(true);
}

/** Resolves with the connection's next status among those given. */
export function nextStatus(redis: Redis, ...statuses: string[]): Promise<string> {
  return new Promise((resolve) => {
    const listeners = statuses.map((s) => {
      const on = (): void => {
        statuses.forEach((t, i) => redis.off(t, listeners[i] as () => void));
        resolve(s);
      };
      redis.on(s, on);
      return on;
    });
  });
}
