// The demo's stand-in for the internet: a local HTTP server that serves the bundled real documents
// at the paths the demo config points to, and that the demo changes step by step ("Google
// published a new entry", "the versions page moved a date"). ETags follow the content, so the
// service's conditional GETs behave as against a real server.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Feed } from 'feed';
import type { FeedEntry } from '../ingest/feed.js';

/**
 * The checkout's root, found from this file or from its compiled copy in dist/. The demo replays
 * the real documents bundled in test/fixtures/ (each with its provenance line, see the README
 * there); one copy serves the tests and the demo.
 */
function checkoutRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'test', 'fixtures', 'README.md')) && existsSync(path.join(dir, 'src', 'demo'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find test/fixtures: run the demo from a release-radar checkout');
    dir = up;
  }
}

/** A bundled real document (path under test/fixtures/). */
export const readBundled = (fixture: string): string => readFileSync(path.join(checkoutRoot(), 'test', 'fixtures', fixture), 'utf8');
/** The demo's own config (path under src/demo/config/). */
export const readDemoConfig = (file: string): string => readFileSync(path.join(checkoutRoot(), 'src', 'demo', 'config', file), 'utf8');

/** An Atom feed without its `count` newest entries (feeds list newest first). */
export function withoutNewestEntries(xml: string, count: number): string {
  const entries = xml.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
  return entries.slice(0, count).reduce((doc, e) => doc.replace(e, ''), xml);
}

/** Entries as an Atom feed, newest first, with their HTML as Google's feeds carry it. */
export function atomFeed(meta: { id: string; title: string; link: string }, entries: FeedEntry[]): string {
  const sorted = [...entries].sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''));
  const feed = new Feed({ id: meta.id, title: meta.title, link: meta.link, copyright: '', updated: new Date(sorted[0]?.publishedAt ?? 0) });
  for (const e of sorted) feed.addItem({ id: e.id, title: e.title, link: e.url ?? meta.link, date: new Date(e.publishedAt ?? 0), content: e.html });
  return feed.atom1();
}

export interface ReplayServer {
  url: string;
  serve(urlPath: string, body: string, contentType: string): void;
  /** GET requests answered, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startReplayServer(): Promise<ReplayServer> {
  const docs = new Map<string, { body: string; type: string; etag: string }>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://replay').pathname;
    const doc = docs.get(urlPath);
    hits.set(urlPath, (hits.get(urlPath) ?? 0) + 1);
    if (!doc) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not in the replay\n');
      return;
    }
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, { etag: doc.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': doc.type, etag: doc.etag }).end(req.method === 'HEAD' ? undefined : doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    serve(urlPath, body, type) {
      docs.set(urlPath, { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
