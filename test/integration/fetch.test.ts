// The source HTTP client against a real local server: compression as servers send it, caps,
// deadlines, redirects, validators, errors that say what to check, and connection reuse.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDocument, FetchError } from '../../src/ingest/fetch.js';
import { closeServer, listen } from '../helpers/http.js';

const FEED = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Caf\u00e9 notes</title>${'<entry><title>x</title></entry>'.repeat(200)}</feed>`;
type Route = (req: IncomingMessage, res: ServerResponse) => void;

const ROUTES: Record<string, Route> = {
  '/plain': (_q, res) => res.writeHead(200, { 'content-type': 'application/atom+xml', etag: '"p1"', 'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT' }).end(FEED),
  '/gzip': (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(FEED)),
  '/br': (_q, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(FEED)),
  '/deflate': (_q, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(FEED)),
  // Applied in order: gzip first, then brotli over it.
  '/stacked': (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip, br' }).end(zlib.brotliCompressSync(zlib.gzipSync(FEED))),
  '/zstd': (_q, res) => res.writeHead(200, { 'content-encoding': 'zstd' }).end('whatever'),
  '/corrupt-gzip': (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('this is not gzip at all')),
  // 20 MB of zeros is about 20 KB gzipped: the cap must count what it decodes to.
  '/gzip-bomb': (_q, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024))),
  '/declared-huge': (_q, res) => {
    res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
    res.write('<');
  },
  '/conditional': (req, res) => {
    if (req.headers['if-none-match'] === '"v7"' && req.headers['if-modified-since'] === 'Tue, 01 Dec 2026 00:00:00 GMT') return void res.writeHead(304, { etag: '"v7"' }).end();
    res.writeHead(200, { etag: '"v7"' }).end(FEED);
  },
  '/hang': () => undefined,
  '/trickle': (_q, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('<'), 50);
    res.on('close', () => clearInterval(timer));
  },
  // A redirect whose body stalls, to a page that never answers: the deadline must hold past the hop.
  '/stalled-redirect': (_q, res) => {
    res.writeHead(302, { location: '/hang' });
    res.write('moving…');
  },
  '/stalled-error': (_q, res) => {
    res.writeHead(500);
    res.write('<html>');
  },
  '/moved': (_q, res) => res.writeHead(301, { location: '/gzip' }).end('moved'),
  '/found-elsewhere': (req, res) => res.writeHead(302, { location: `http://localhost:${(req.socket.localPort ?? 0).toString()}/echo-auth` }).end(),
  '/echo-auth': (req, res) => res.writeHead(200).end(req.headers.authorization ?? 'none'),
  '/no-location': (_q, res) => res.writeHead(302).end(),
  '/to-ftp': (_q, res) => res.writeHead(302, { location: 'ftp://example.com/feed' }).end(),
  '/gone': (_q, res) => res.writeHead(410).end('gone'),
};

let server: Server;
let base = '';
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  server.on('connection', (s: Socket) => sockets.add(s));
  base = await listen(server);
});
afterAll(async () => {
  server.closeAllConnections();
  await closeServer(server);
});

const get = (path: string, options: Parameters<typeof fetchDocument>[1] = {}): ReturnType<typeof fetchDocument> => fetchDocument(`${base}${path}`, { allowPrivate: true, timeoutMs: 2_000, ...options });
async function failure(p: Promise<unknown>): Promise<FetchError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

describe('fetching a source', () => {
  it('decodes gzip, brotli, deflate and stacked encodings to the same text, and reads validators', async () => {
    const plain = await get('/plain');
    expect(plain).toMatchObject({ status: 'ok', etag: '"p1"', lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT', contentType: 'application/atom+xml' });
    const text = plain.status === 'ok' ? plain.text : '';
    expect(text).toContain('Caf\u00e9 notes');
    for (const path of ['/gzip', '/br', '/deflate', '/stacked']) {
      const r = await get(path);
      expect(r.status === 'ok' && r.text, path).toBe(text);
    }
  });

  it('refuses what it cannot decode, naming the encoding, and caps what a small compressed body expands to', async () => {
    expect((await failure(get('/zstd'))).message).toContain('content encoding "zstd"');
    const corrupt = await failure(get('/corrupt-gzip'));
    expect(corrupt.code).toBe('decode');
    expect(corrupt.message).toContain('does not decode as gzip');
    const bomb = await failure(get('/gzip-bomb', { maxBytes: 1024 * 1024 }));
    expect(bomb.code).toBe('too-large');
    expect((await failure(get('/declared-huge', { maxBytes: 1024 * 1024 }))).code).toBe('too-large');
  });

  it('sends validators and reads a 304 as not modified', async () => {
    expect((await get('/conditional')).status).toBe('ok');
    const again = await get('/conditional', { validators: { etag: '"v7"', lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT' } });
    expect(again).toEqual({ status: 'not-modified', url: `${base}/conditional`, redirects: [] });
  });

  it('one deadline for the whole exchange: a server that never answers and one that trickles are both cut off', async () => {
    for (const path of ['/hang', '/trickle', '/stalled-redirect']) {
      const started = Date.now();
      const err = await failure(get(path, { timeoutMs: 400 }));
      expect(err.code, path).toBe('timeout');
      expect(err.message).toContain('within 400 ms');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('the deadline holds through a connect that never completes', async () => {
    // A listener that never accepts: a child process listens with a backlog of one and then blocks
    // its event loop. Once the kernel's queue is full (one connection of ours fills it), a SYN is
    // dropped and connect() hangs, as with a firewall that drops packets. undici acts on an abort
    // only once connected, so only the race against the deadline ends it.
    const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(String(s.address().port)+'\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,60000)})"], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        child.once('exit', (code) => reject(new Error(`listener exited (${String(code)})`)));
      });
      const fillers = [0, 1, 2].map(() => connect(port, '127.0.0.1').on('error', () => undefined));
      await new Promise((r) => setTimeout(r, 200));
      // The precondition, checked: a connection made now does not complete.
      const probe = connect(port, '127.0.0.1').on('error', () => undefined);
      fillers.push(probe);
      const probeConnected = await new Promise<boolean>((resolve) => {
        probe.once('connect', () => resolve(true));
        setTimeout(() => resolve(false), 300);
      });
      expect(probeConnected).toBe(false);
      const started = Date.now();
      const err = await failure(fetchDocument(`http://127.0.0.1:${port.toString()}/feed`, { allowPrivate: true, timeoutMs: 500 }));
      expect(err.code).toBe('timeout');
      expect(err.message).toContain('within 500 ms');
      // undici's own connect timeout is 10 s; the deadline ends it at about half a second.
      expect(Date.now() - started).toBeLessThan(3_000);
      for (const f of fillers) f.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('follows redirects, says which were permanent, and carries credentials to the configured origin only', async () => {
    const moved = await get('/moved');
    expect(moved.status).toBe('ok');
    expect(moved.url).toBe(`${base}/gzip`);
    expect(moved.redirects).toEqual([{ from: `${base}/moved`, to: `${base}/gzip`, status: 301, permanent: true }]);

    const withAuth = `${base.replace('http://', 'http://reader:s3cret@')}`;
    const same = await fetchDocument(`${withAuth}/echo-auth`, { allowPrivate: true });
    expect(same.status === 'ok' && same.text).toBe(`Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
    // 127.0.0.1 → localhost is another origin: the credentials stay behind.
    const elsewhere = await fetchDocument(`${withAuth}/found-elsewhere`, { allowPrivate: true });
    expect(elsewhere.status === 'ok' && elsewhere.text).toBe('none');

    expect((await failure(get('/no-location'))).code).toBe('bad-redirect');
    expect((await failure(get('/to-ftp'))).message).toContain('only http and https');
    // An error page whose body stalls is dropped, not waited for until the deadline.
    const started = Date.now();
    expect((await failure(get('/stalled-error', { timeoutMs: 10_000 }))).status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5_000);
    const gone = await failure(get('/gone'));
    expect([gone.code, gone.status]).toEqual(['http-status', 410]);
  });

  it('says what a network failure means, and refuses private addresses unless allowed', async () => {
    const closed = new URL(base);
    closed.port = '1';
    const refused = await failure(fetchDocument(`${closed.origin}/feed`, { allowPrivate: true }));
    expect(refused.code).toBe('network');
    expect(refused.message).toContain('ECONNREFUSED (nothing listens at that address and port)');
    const literal = await failure(fetchDocument(`${base}/plain`));
    expect(literal.code).toBe('private-address');
    // A name that resolves to loopback is caught at the connection's own lookup.
    const named = await failure(fetchDocument(`${base.replace('127.0.0.1', 'localhost')}/plain`));
    expect(named.code).toBe('private-address');
    expect(named.message).toContain('non-public address');
  });

  it('keeps one connection alive across polls, whatever each answer was', async () => {
    await get('/plain');
    expect(sockets.size).toBeGreaterThan(0);
    sockets.clear();
    for (let i = 0; i < 5; i++) {
      await get('/conditional', { validators: { etag: '"v7"', lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT' } });
      await get('/gone').catch(() => undefined);
      await get('/moved');
    }
    // Every request went over the connection the first one opened: no new one.
    expect(sockets.size).toBe(0);
  });
});
