// Issue #7, bad input: every kind of broken document is a classified error on its own source, the
// process stays up with bounded memory, and a healthy source polled alongside keeps working.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { startSlackStub, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const TABLE = readFileSync(new URL('../fixtures/dlvm/versions-table.html', import.meta.url), 'utf8');

function atom(entries: string, declaration = '<?xml version="1.0" encoding="utf-8"?>'): string {
  return `${declaration}<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>tag:t</id><updated>2026-07-01T00:00:00Z</updated>${entries}</feed>`;
}
function entry(day: string, html: string): string {
  const escaped = html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<entry><title>${day}</title><id>tag:t#${day}</id><updated>${day}T00:00:00Z</updated><content type="html">${escaped}</content></entry>`;
}

type Route = (res: import('node:http').ServerResponse) => void;
const send = (body: string | Buffer, type = 'application/atom+xml'): Route => (res) => res.writeHead(200, { 'content-type': type }).end(body);

const BOMB = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&lol4;</title></feed>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>`;
const day = (i: number): string => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const manyEntries = atom(Array.from({ length: 10_000 }, (_, i) => entry(day(i), `<h3>Feature</h3><p>PyTorch 2.${i % 10} images are now available.</p>`)).join(''));

// Each bad source, what its server does, and the error it must be classified as (null: it must parse).
const CASES: { id: string; kind?: 'versions-table'; route: Route; code: string | null }[] = [
  { id: 'malformed-xml', route: send('<feed><entry><title>x</title></feed'), code: 'parse-feed' },
  { id: 'html-page', route: send('<!doctype html><html><body>Sign in to continue</body></html>', 'text/html'), code: 'parse-feed' },
  { id: 'empty-body', route: send(''), code: 'parse-feed' },
  {
    id: 'fifty-mb',
    route: (res) => {
      // 50 MB, chunked (no Content-Length), so the cap has to stop the stream itself.
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent >= 50) res.end();
        else res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    },
    code: 'fetch-too-large',
  },
  {
    id: 'trickle',
    route: (res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      const timer = setInterval(() => res.write('<'), 100);
      res.on('close', () => clearInterval(timer));
    },
    code: 'fetch-timeout',
  },
  { id: 'redirect-loop', route: (res) => res.writeHead(302, { location: '/redirect-loop-b' }).end(), code: 'fetch-too-many-redirects' },
  { id: 'entity-bomb', route: send(BOMB), code: 'parse-feed' },
  { id: 'invalid-date', route: send(atom(entry('2026-13-45', '<h3>Feature</h3><p>x</p>'))), code: 'parse-feed' },
  { id: 'external-entity', route: send(XXE), code: 'parse-feed' },
  // A comment holding "<a" once fooled a text scan for the DOCTYPE; the parser's own event is not fooled.
  { id: 'dtd-behind-comment', route: send(`<?xml version="1.0"?><!-- <a --><!DOCTYPE feed [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>`), code: 'parse-feed' },
  { id: 'redirect-to-file', route: (res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(), code: 'fetch-bad-redirect' },
  { id: 'declared-latin1', route: send(Buffer.from(atom(entry('2026-07-01', '<h3>Feature</h3><p>Caf\u00e9 images</p>'), '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1')), code: null },
  { id: 'wrongly-declared-utf8', route: send(Buffer.from(atom(entry('2026-07-01', '<h3>Feature</h3><p>Caf\u00e9 images</p>')), 'latin1'), 'application/atom+xml; charset=utf-8'), code: null },
  { id: 'bom', route: send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(atom(entry('2026-07-01', '<h3>Feature</h3><p>x</p>')))])), code: null },
  { id: 'ten-thousand-entries', route: send(manyEntries), code: null },
  { id: 'table-missing-columns', kind: 'versions-table', route: send(TABLE.replace(/<th>End of availability date<\/th>/g, '<th>Notes</th>'), 'text/html'), code: 'parse-table-shape' },
];

describe('bad input', () => {
  let server: Server;
  let base = '';
  let goodFeed = atom(entry('2026-07-01', '<h3>Feature</h3><p>Nothing to see.</p>'));
  let slack: SlackStub;
  let service: Service;
  const prefix = uniquePrefix('bad-input');

  beforeAll(async () => {
    const routes = new Map<string, Route>(CASES.map((c) => [`/${c.id}`, c.route]));
    routes.set('/redirect-loop-b', (res) => res.writeHead(302, { location: '/redirect-loop' }).end());
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/good') return send(goodFeed)(res);
      const route = routes.get(path);
      if (route) route(res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slack = await startSlackStub();
    const configDir = await writeConfig(
      [{ id: 'good', kind: 'feed', url: `${base}/good` }, ...CASES.map((c) => ({ id: c.id, kind: c.kind ?? 'feed', url: `${base}/${c.id}` }))],
      [{ id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] }],
    );
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0' }, service: { fetch: { timeoutMs: 1_500 } } });
  });

  afterAll(async () => {
    await service?.close();
    await slack?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await deletePrefix(prefix);
  });

  it('classifies each broken document on its own source, stays up with bounded memory, and the healthy source keeps working', async () => {
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    await pollNow(service, 'good');
    for (const c of CASES) await pollNow(service, c.id);
    await waitForIdle(service.deps.queues, 60_000);
    clearInterval(sampler);

    const states = await Promise.all(CASES.map(async (c) => [c.id, (await service.deps.sources.get(c.id)).lastErrorCode] as const));
    expect(states).toEqual(CASES.map((c) => [c.id, c.code]));
    for (const c of CASES.filter((x) => x.code !== null)) expect((await service.deps.sources.get(c.id)).lastError).toBeTruthy();
    // The raw document of a parse failure is kept for diagnosis.
    expect(await service.deps.redis.get(service.deps.sources.failedBodyKey('html-page'))).toContain('Sign in to continue');
    expect((await service.deps.sources.get('dtd-behind-comment')).lastError).toMatch(/declares a DTD/);
    expect((await service.deps.sources.get('redirect-to-file')).lastError).toMatch(/redirected to file:\/\/\/etc\/passwd: refused \(only http and https/);
    // An unreadable date fails naming the entry and the date (not a hang).
    expect((await service.deps.sources.get('invalid-date')).lastError).toMatch(/entry .* has a date that does not read \("2026-13-45/);
    // The ten-thousand-entry feed was read whole (its baseline).
    expect(await service.deps.redis.scard(`${prefix}:seen:ten-thousand-entries:entries`)).toBe(10_000);
    // Memory stays bounded: the 50 MB body was cut at the 10 MB cap.
    expect(rssPeak - rssBefore).toBeLessThan(400 * 1024 * 1024);

    // The healthy source still works: a new entry is delivered.
    goodFeed = atom(entry('2026-07-02', '<h3>Security</h3><p>PyTorch 2.4 images fix CVE-2026-4242.</p>') + entry('2026-07-01', '<h3>Feature</h3><p>Nothing to see.</p>'));
    await pollNow(service, 'good');
    await waitFor(() => slack.posted().some((c) => String(c.body.text).includes('CVE-2026-4242')), 'the healthy source to deliver');

    // Charsets: a declared ISO-8859-1 feed decodes; a feed that lies about UTF-8 parses with replacement characters.
    const latin1 = await service.deps.redis.keys(`${prefix}:body:declared-latin1:*`);
    expect(latin1.length).toBeGreaterThan(0);
    expect(await service.deps.redis.get(latin1[0] ?? '')).toContain('Caf\u00e9');
    const lying = await service.deps.redis.keys(`${prefix}:body:wrongly-declared-utf8:*`);
    expect(await service.deps.redis.get(lying[0] ?? '')).toContain('Caf\ufffd');
  }, 120_000);
});
