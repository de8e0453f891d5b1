// Where a source lives: several URLs in order of preference, the first that answers is used, the
// operator is told once when a source moves (permanent redirect, 404/410 on the preferred URL, a
// fallback taking over); credentials in a URL travel as an Authorization header to that origin only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchDocument } from '../../src/ingest/fetch.js';
import type { Service } from '../../workers/service.js';
import { feedWithoutNewest, readFixture } from '../helpers/mirror.js';
import { deletePrefix, uniquePrefix, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const FEED = readFixture('dlvm/release-notes.atom.xml');

describe('source URLs', () => {
  let prefix: string;
  let current: DocumentServer;
  let older: DocumentServer;
  let slack: SlackStub;
  let service: Service | null = null;
  let redirector: Server | null = null;

  beforeEach(async () => {
    prefix = uniquePrefix('urls');
    [current, older, slack] = await Promise.all([startDocumentServer(), startDocumentServer(), startSlackStub()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    redirector?.closeAllConnections();
    await new Promise((r) => (redirector ? redirector.close(r) : r(null)));
    redirector = null;
    await Promise.all([current.close(), older.close(), slack.close()]);
    await deletePrefix(prefix);
  });

  async function start(urls: string[]): Promise<Service> {
    const configDir = await writeConfig([], []);
    const sources = [{ id: 'dlvm', kind: 'feed', urls, every: '10m' }];
    await writeFile(path.join(configDir, 'sources.yaml'), yaml.dump({ sources, operator: { slack: { channels: ['#ops'] } } }));
    await writeFile(path.join(configDir, 'teams.yaml'), yaml.dump({ teams: [{ id: 't', name: 'T', slack: { channels: ['#t'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] }] }));
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0' } });
    return service;
  }
  const ops = (): string[] => slack.posted().filter((c) => c.body.channel === '#ops').map((c) => String(c.body.text));

  it('uses the first URL that answers, says once that a fallback took over, and goes back when the preferred one works', async () => {
    older.serve('/feeds/dlvm.xml', feedWithoutNewest(FEED, 1));
    const s = await start([`${current.url}/feeds/dlvm.xml`, `${older.url}/feeds/dlvm.xml`]);
    for (let i = 0; i < 3; i++) {
      await pollNow(s, 'dlvm');
      await waitForIdle(s.deps.queues);
    }
    const st = await s.deps.sources.get('dlvm');
    expect([st.failing, st.activeUrl, st.baselineAt !== null]).toEqual([false, `${older.url}/feeds/dlvm.xml`, true]);
    // Told once (not at every poll): the preferred URL is gone, and the fallback took over.
    expect(ops().filter((t) => t.includes('answers HTTP 404'))).toHaveLength(1);
    expect(ops().filter((t) => t.includes('now uses a fallback URL'))).toHaveLength(1);

    // The preferred host starts answering (with news): it is used again at once, and nothing is lost.
    current.serve('/feeds/dlvm.xml', FEED);
    await pollNow(s, 'dlvm');
    await waitForIdle(s.deps.queues);
    expect((await s.deps.sources.get('dlvm')).activeUrl).toBe(`${current.url}/feeds/dlvm.xml`);
    expect(slack.posted().filter((c) => c.body.channel === '#t').length).toBeGreaterThan(0);
  });

  it('a permanent redirect is followed and reported once; credentials never follow a redirect to another origin', async () => {
    older.serve('/feeds/dlvm.xml', FEED);
    redirector = createServer((_req, res) => res.writeHead(301, { location: `${older.url}/feeds/dlvm.xml` }).end());
    await new Promise<void>((r) => redirector?.listen(0, '127.0.0.1', () => r()));
    const from = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/feeds/dlvm.xml`;

    const direct = await fetchDocument(from.replace('http://', 'http://feeds:pw@'), { allowPrivate: true });
    expect(direct.redirects).toEqual([{ from, to: `${older.url}/feeds/dlvm.xml`, status: 301, permanent: true }]);
    expect(older.requests.at(-1)?.authorization).toBeUndefined(); // the other origin never saw the credentials

    const s = await start([from]);
    await pollNow(s, 'dlvm');
    await waitForIdle(s.deps.queues);
    await pollNow(s, 'dlvm');
    await waitForIdle(s.deps.queues);
    expect((await s.deps.sources.get('dlvm')).finalUrl).toBe(`${older.url}/feeds/dlvm.xml`);
    expect(ops().filter((t) => t.includes('moved permanently'))).toHaveLength(1);
  });
});
