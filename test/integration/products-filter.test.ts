// Issue #13: the all-products feed filtered by `products:`. Changing the filter on a running
// service (a product added after `doctor` listed it, a typo fixed) must not turn the added
// product's old notes into news: they are a baseline for it. Only what is published afterwards is
// alerted. Real feed: Google's all-products feed, 30 days.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, readFixture } from '../helpers/mirror.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, type DocumentServer } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const ALL_PRODUCTS = readFixture('gcp/aggregate-feed-full.xml');
const TEAM = { id: 'all', name: 'All', email: { to: ['all@example.com'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] };

describe('products filter on the all-products feed', () => {
  let prefix = '';
  let docs: DocumentServer | null = null;
  let service: Service | null = null;

  afterEach(async () => {
    await service?.close();
    await docs?.close();
    await deletePrefix(prefix);
  });

  it('adding a product takes its old notes as a baseline; only what is published afterwards is alerted', async () => {
    prefix = uniquePrefix('products');
    docs = await startDocumentServer();
    // Before: without the newest entry (November 05, 2025).
    docs.serve('/all.xml', feedWithoutNewest(ALL_PRODUCTS, 1));
    const source = (products: string[]): unknown => ({ id: 'gcp', kind: 'feed', url: `${docs?.url ?? ''}/all.xml`, products });
    const configDir = await writeConfig([source(['Vertex AI Workbench'])], [TEAM]);
    service = await startTestService({ prefix, configDir });
    await pollNow(service, 'gcp');
    await waitForIdle(service.deps.queues);
    expect(await service.deps.seen.hasBaseline('gcp')).toBe(true);

    // Colab Enterprise added (case and plural do not matter), then the newest entry appears.
    await writeFile(path.join(configDir, 'sources.yaml'), yaml.dump({ sources: [source(['vertex ai workbench', 'Colab Enterprises', 'Compute Engine', 'Container-Optimized OS'])] }));
    expect((await service.reload()).ok).toBe(true);
    docs.serve('/all.xml', ALL_PRODUCTS);
    await pollNow(service, 'gcp');
    await waitForIdle(service.deps.queues);

    const events = await service.deps.eventLog.recent(1_000);
    // Colab Enterprise's notes of October 7, 14 and 20 (and Compute Engine's old ones) are not news.
    expect(events.map((e) => e.entryId.replace(/^.*#/, '')).filter((d) => d !== 'November_05_2025')).toEqual([]);
    // What the newest entry says about Container-Optimized OS is.
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.entryId.replace(/^.*#/, '')))).toEqual(new Set(['November_05_2025']));

    // Removing the filter (every product) floods nothing either.
    await writeFile(path.join(configDir, 'sources.yaml'), yaml.dump({ sources: [{ id: 'gcp', kind: 'feed', url: `${docs.url}/all.xml` }] }));
    expect((await service.reload()).ok).toBe(true);
    await service.deps.sources.update('gcp', { etag: null, lastHash: null }); // the same document, read again
    await pollNow(service, 'gcp');
    await waitForIdle(service.deps.queues);
    expect((await service.deps.eventLog.recent(1_000)).length).toBe(events.length);
  });
});
