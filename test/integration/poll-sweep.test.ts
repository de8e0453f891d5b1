// The poll sweep: one scheduler polls every source that is due, in batches. Two services running
// it at once must not poll a source twice per interval; a source that hangs must not hold up the
// others; every source keeps its own rhythm.
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { deletePrefix, uniquePrefix } from '../helpers/redis.js';
import { startDocumentServer } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

const FEED = '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>tag:t</id><updated>2026-01-01T00:00:00Z</updated><entry><title>January 01, 2026</title><id>tag:t#1</id><updated>2026-01-01T00:00:00Z</updated><content type="html">&lt;h3&gt;Feature&lt;/h3&gt;&lt;p&gt;PyTorch 2.9 images are now available.&lt;/p&gt;</content></entry></feed>';

describe('poll sweep', () => {
  const later = cleanupAfterEach();

  it('two sweeping services poll each of 60 sources once per interval, and a hanging source holds up no other', async () => {
    const prefix = uniquePrefix('sweep');
    later(() => deletePrefix(prefix));
    const docs = await startDocumentServer();
    later(() => docs.close());
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`);
    for (const id of ids) docs.serve(`/${id}.xml`, FEED);
    docs.delay('/s0.xml', 4_000); // hangs longer than the interval
    const configDir = await writeConfig(ids.map((id) => ({ id, kind: 'feed', url: `${docs.url}/${id}.xml`, every: '1s' })), []);
    for (let i = 0; i < 2; i++) {
      const service = await startTestService({ prefix, configDir, service: { scheduler: true, stages: ['poll', 'parse'] } });
      later(() => service.close());
    }
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 5_500));
    // Requests are recorded on arrival: count them per source.
    const counts = new Map<string, number>();
    for (const r of docs.requests) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
    const healthy = ids.slice(1).map((id) => counts.get(`/${id}.xml`) ?? 0);
    // About 5 polls each in 5.5 s at one per second (sweeps every 250 ms): never doubled, never skipped for long.
    expect(Math.min(...healthy)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...healthy)).toBeLessThanOrEqual(7);
    // The hanging source: polled again only after its answer (a claim holds until the poll ends).
    expect(counts.get('/s0.xml') ?? 0).toBeLessThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThan(5_000);
  }, 30_000);
});
