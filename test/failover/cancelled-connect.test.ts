// The race behind the failover run that once never delivered again: with Sentinel, ioredis ends a
// connection for good when a connect is cancelled while it asks a sentinel for the master (the
// FailoverDetector does that on +switch-master). Against a real Sentinel setup; the standalone
// variant runs in test/integration/resilient-connection.test.ts.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { createRedis, ResilientRedis, type Revival } from '../../src/queue/connection.js';
import { cancelNextConnect, nextStatus } from '../helpers/cancel-connect.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { startSentinelSetup } from '../helpers/redis-topologies.js';

describe('a connect cancelled by a Sentinel failover', () => {
  const later = cleanupAfterEach();
  it('ends a plain ioredis connection for good, and a ResilientRedis one (and its copies) connects again', async () => {
    const setup = await startSentinelSetup();
    later(() => setup.close());
    const { sentinels: list, masterName } = setup;
    const addresses = list.split(',').map((a) => ({ host: a.split(':')[0] ?? '', port: Number(a.split(':')[1]) }));

    const plain = new Redis({ sentinels: addresses, name: masterName, failoverDetector: true, maxRetriesPerRequest: null });
    plain.on('error', () => undefined);
    later(() => Promise.resolve(plain.disconnect()));
    await plain.ping();
    const plainEnded = nextStatus(plain, 'end', 'ready');
    cancelNextConnect(plain);
    expect(await plainEnded).toBe('end');
    await expect(plain.ping()).rejects.toThrow(/Connection is closed/);

    const env = loadEnv({ REDIS_SENTINELS: list, REDIS_SENTINEL_MASTER: masterName });
    const main = createRedis(env);
    const copy = main.duplicate();
    later(() => Promise.resolve([main, copy].forEach((c) => c.disconnect())));
    expect(copy).toBeInstanceOf(ResilientRedis);
    await Promise.all([main.ping(), copy.ping()]);
    const revivals: Revival[] = [];
    main.on('revived', (r: Revival) => revivals.push(r));
    for (const c of [main, copy]) {
      const ended = nextStatus(c, 'end', 'ready');
      cancelNextConnect(c);
      expect(await ended).toBe('end');
      await nextStatus(c, 'ready');
      expect(await c.set('rr-cancelled-connect', '1')).toBe('OK');
    }
    expect(revivals.map((r) => r.reason)).toEqual([expect.stringMatching(/Connection is closed/), expect.stringMatching(/Connection is closed/)]);
  }, 90_000);
});
