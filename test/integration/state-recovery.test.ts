// Two processes that notice at the same moment that Redis lost release-radar's state: one wins the
// marker and tells the operator; the other must still know the recovery (its status page shows the
// banner, its parse stage lists what the window may have missed). The winner writes the marker and
// the recovery record in one step, so the loser, reading the record right after the marker, finds it.
// (In one process the two checks rarely interleave badly: this passes against the two-step write
// too. The interleaving that failed was across processes under CI load, in redis-faults.test.ts;
// the atomic claim removes it by construction. This test holds the agreement itself.)
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { markerKey, recoveryKey } from '../../src/processors/state-guard.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startDocumentServer } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

describe('state recovery noticed by two processes at once', () => {
  const later = cleanupAfterEach();
  let prefix = '';
  afterEach(async () => deletePrefix(prefix));

  it('the process that loses the race knows the same recovery as the one that wins it, every time', async () => {
    prefix = uniquePrefix('recovery-race');
    const docs = await startDocumentServer();
    later(() => docs.close());
    docs.serve('/feed.xml', '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>');
    const dir = await writeConfig([{ id: 'a', kind: 'feed', url: `${docs.url}/feed.xml`, every: '10m' }], [{ id: 't', name: 't', email: { to: ['t@example.com'] }, subscriptions: [{ frameworks: ['all'] }] }]);
    // Checks run only when called here (a long interval), so both processes notice in the same instant.
    const one = await startTestService({ prefix, configDir: dir, service: { scheduler: true, stateCheckMs: 3_600_000 } });
    later(() => one.close());
    const two = await startTestService({ prefix, configDir: dir, service: { scheduler: true, stateCheckMs: 3_600_000 } });
    later(() => two.close());
    const redis = new Redis(REDIS_URL);
    later(async () => redis.quit());
    const seen = new Set<string>();
    for (let round = 0; round < 15; round++) {
      // The state is gone (as after a restart empty): no marker, no recovery record.
      await redis.del(markerKey(prefix), recoveryKey(prefix));
      await Promise.all([one.guard?.check(), two.guard?.check()]);
      const a = one.guard?.status().lastRecovery;
      const b = two.guard?.status().lastRecovery;
      expect(a?.id).toBeDefined();
      expect(b?.id).toBe(a?.id);
      seen.add(a?.id ?? '');
    }
    // Every round was a recovery of its own.
    expect(seen.size).toBe(15);
  });
});
