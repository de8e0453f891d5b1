// Issue #11: the shipped config/ as it runs. Every source of config/sources.yaml is pointed at a
// local mirror serving real fixtures at the same paths, and all of them are polled in the same
// instant by two service instances sharing one Redis (two workers at once). Each source must yield
// exactly what it yields when polled alone: the same health, the same events, the same deliveries.
// (With one rss-parser shared by concurrent parses, the two feeds got each other's entries.)
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/load.js';
import { JOB } from '../../src/queue/names.js';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, mirroredConfigDir, mirrorPath, readFixture, shippedConfig } from '../helpers/mirror.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, type DocumentServer } from '../helpers/servers.js';
import { startTestService } from '../helpers/service.js';

// What the mirror serves for each shipped source: the document before the poll that finds news, and
// after. No copy of the DLC feed or the DLC supported-versions page exists, so their paths serve
// other real documents of the same kind (the all-products feed; the DLVM table's two snapshots in
// the other order). The check is about sources not affecting each other, so different documents
// per source is what matters.
const DLVM_FEED = readFixture('dlvm/release-notes.atom.xml');
const ALL_PRODUCTS_FEED = readFixture('gcp/aggregate-feed-full.xml');
const TABLE_APRIL = readFixture('dlvm/versions-table.html');
const TABLE_JULY = readFixture('dlvm/versions-table.2026-07.html');
const DOCUMENTS: Record<string, { type: string; before: string; after: string }> = {
  'dlvm-release-notes': { type: 'application/atom+xml', before: feedWithoutNewest(DLVM_FEED, 4), after: DLVM_FEED },
  'dlc-release-notes': { type: 'application/atom+xml', before: feedWithoutNewest(ALL_PRODUCTS_FEED, 2), after: ALL_PRODUCTS_FEED },
  'dlvm-supported-versions': { type: 'text/html; charset=utf-8', before: TABLE_APRIL, after: TABLE_JULY },
  'dlc-supported-versions': { type: 'text/html; charset=utf-8', before: TABLE_JULY, after: TABLE_APRIL },
};

interface SourceOutcome {
  failing: boolean;
  code: string | null;
  baselineAt: boolean;
  events: string[];
}

interface RunResult {
  sources: Record<string, SourceOutcome>;
  deliveries: string[];
}

async function deliveriesIn(outbox: string): Promise<string[]> {
  const ids: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.json')) {
        // Alerts only: a line's lifecycle parent (and its edits) is posted by whichever source first
        // speaks of the line in a channel, so sources run together share what alone each posts.
        const id = (JSON.parse(await readFile(full, 'utf8')) as { deliveryId?: string }).deliveryId;
        if (id && !id.endsWith('|parent')) ids.push(`slack ${id}`);
      }
      else if (entry.name.endsWith('.eml')) ids.push(`email ${/X-Release-Radar-Delivery: (\S+)/.exec(await readFile(full, 'utf8'))?.[1] ?? '?'}`);
    }
  };
  await walk(outbox);
  return ids;
}

describe('the shipped config, every source at once', () => {
  let mirror: DocumentServer;
  let config: AppConfig;
  let configDir = '';
  const prefixes: string[] = [];

  const serve = (phase: 'before' | 'after'): void => {
    for (const source of config.sources) {
      const doc = DOCUMENTS[source.id];
      if (!doc) throw new Error(`the mirror has no document for shipped source ${source.id}: add one to DOCUMENTS`);
      mirror.serve(mirrorPath(source.urls[0] ?? ''), doc[phase], doc.type);
    }
  };

  /** Poll `sourceIds` (all in one addBulk: the same instant), with `instances` services sharing one Redis. */
  async function run(sourceIds: string[], instances: number): Promise<RunResult> {
    const prefix = uniquePrefix('shipped');
    prefixes.push(prefix);
    const outboxes = await Promise.all(Array.from({ length: instances }, () => mkdtemp(path.join(tmpdir(), 'rr-shipped-outbox-'))));
    const services: Service[] = [];
    for (const outbox of outboxes) services.push(await startTestService({ prefix, configDir, env: { OUTBOX_DIR: outbox } }));
    const first = services[0];
    if (!first) throw new Error('no service');
    try {
      for (const phase of ['before', 'after'] as const) {
        serve(phase);
        await first.deps.queues.poll.addBulk(sourceIds.map((sourceId) => ({ name: JOB.poll, data: { sourceId } })));
        await waitForIdle(first.deps.queues, 60_000);
      }
      const states = await first.deps.sources.getMany(sourceIds);
      const logged = await first.deps.eventLog.recent(10_000);
      const sources: Record<string, SourceOutcome> = {};
      for (const id of sourceIds) {
        const st = states.get(id);
        sources[id] = { failing: st?.failing ?? true, code: st?.lastErrorCode ?? null, baselineAt: Boolean(st?.baselineAt), events: logged.filter((e) => e.source === id).map((e) => `${e.id} ${e.kind} ${e.framework ?? '-'} ${e.version ?? '-'}`).sort() };
      }
      const deliveries = (await Promise.all(outboxes.map(deliveriesIn))).flat().sort();
      return { sources, deliveries };
    } finally {
      for (const s of services) await s.close();
    }
  }

  beforeAll(async () => {
    mirror = await startDocumentServer();
    configDir = await mirroredConfigDir(mirror);
    config = await shippedConfig();
  });

  afterAll(async () => {
    await mirror.close();
    for (const p of prefixes) await deletePrefix(p);
  });

  it('every source yields exactly its solo result when all are polled in the same instant by two workers', async () => {
    const ids = config.sources.map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const solo: RunResult = { sources: {}, deliveries: [] };
    for (const id of ids) {
      const alone = await run([id], 1);
      Object.assign(solo.sources, alone.sources);
      solo.deliveries.push(...alone.deliveries);
    }
    solo.deliveries.sort();
    // Each source works alone: healthy, baselined, and found news after the change.
    for (const id of ids) {
      expect(solo.sources[id], id).toMatchObject({ failing: false, code: null, baselineAt: true });
      expect(solo.sources[id]?.events.length, `${id} found no events after its document changed`).toBeGreaterThan(0);
    }
    expect(solo.deliveries.length).toBeGreaterThan(0);

    const together = await run(ids, 2);
    for (const id of ids) expect(together.sources[id], id).toEqual(solo.sources[id]);
    expect(together.deliveries).toEqual(solo.deliveries);
  }, 240_000);
});
