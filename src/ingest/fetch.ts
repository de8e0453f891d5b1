// Our own HTTP client for sources. rss-parser's fetcher has no size cap, a timeout that does not
// stop the download, treats 304 as an error and does not decompress, so we fetch ourselves and
// hand the decoded text to the parsers.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { Agent, request, type Dispatcher } from 'undici';
import { redactText, redactUrl } from '../redact.js';

export type FetchErrorCode =
  | 'private-address'
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'network'
  | 'too-many-redirects'
  | 'bad-redirect'
  | 'decode';

export class FetchError extends Error {
  /** The HTTP status, for `http-status` errors. */
  readonly status: number | null;
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.name = 'FetchError';
    this.status = options?.status ?? null;
  }
}

export interface Validators {
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchOptions {
  validators?: Validators;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  /**
   * Fetch from loopback, private, link-local and other non-public addresses. Off by default so a
   * source URL (or a redirect) cannot reach the metadata service or the internal network.
   */
  allowPrivate?: boolean;
}

/** An IPv4 or IPv6 address written as such (not a host name). */
export const isIpLiteral = (host: string): boolean => ipaddr.isValid(host);

/** True for addresses that are not plain public unicast (loopback, RFC 1918, link-local, ULA…). */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  return ipaddr.process(address).range() !== 'unicast';
}

class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';
}

// The check runs on the address the connection actually uses (undici's connect lookup), so a DNS
// answer that changes between a check and the connect cannot slip through.
function guardedLookup(hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) return callback(new PrivateAddressError(`${hostname} resolves to ${blocked.address}, a non-public address`), []);
    const all = (options as { all?: boolean }).all === true;
    const first = addresses[0];
    if (all) return callback(null, addresses);
    return callback(null, first?.address ?? '', first?.family);
  });
}

let publicOnly: Agent | null = null;
let anyAddress: Agent | null = null;
function agentFor(allowPrivate: boolean): Agent {
  if (allowPrivate) return (anyAddress ??= new Agent());
  return (publicOnly ??= new Agent({ connect: { lookup: guardedLookup } }));
}

/** One redirect followed on the way to the document. */
export interface Redirect {
  from: string;
  to: string;
  status: number;
  /** 301 and 308: the resource moved for good; the configured URL should change. */
  permanent: boolean;
}

export type FetchResult =
  | { status: 'not-modified'; url: string; redirects: Redirect[] }
  | {
      status: 'ok';
      /** The final URL, after redirects, without credentials. */
      url: string;
      redirects: Redirect[];
      text: string;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      bytes: number;
    };

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Credentials in a source URL (https://user:password@host/…) become an Authorization header: fetch
 * refuses URLs with userinfo, and a URL is shown in logs and pages, a header is not.
 */
function splitCredentials(url: string): { url: string; authorization: string | null } {
  const u = new URL(url);
  if (!u.username && !u.password) return { url, authorization: null };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/** A header of an undici answer, one string (repeated headers joined, as fetch does). */
function header(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

export async function fetchDocument(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // One deadline for the whole exchange, redirects and body included: a server that trickles bytes
  // is cut off. One timer and an emitter undici listens to: an AbortSignal per poll costs more than
  // the 304 it waits for (bench: idle_cpu_1000_sources).
  // `aborted` is what undici reads before it starts a request: set, a later hop (a redirect
  // followed after the deadline) fails at once instead of waiting for an event already emitted.
  const abort = Object.assign(new EventEmitter(), { aborted: false });
  const timer = setTimeout(() => {
    abort.aborted = true;
    abort.emit('abort');
  }, timeoutMs);
  try {
    return await exchange(url, options, timeoutMs, abort);
  } catch (err) {
    // Whatever broke once the deadline had passed (a cut body, a dropped request) was the deadline.
    if (abort.aborted && !(err instanceof FetchError && err.code !== 'network')) throw timeoutError(redactUrl(url), timeoutMs, err);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

// undici's request() rather than its fetch: the same connection pool without WHATWG Request,
// Response, Headers and web streams around every poll, which made most of the idle process's
// garbage. It does not follow redirects and does not decompress; both are done here.
async function exchange(url: string, options: FetchOptions, timeoutMs: number, abort: EventEmitter & { aborted: boolean }): Promise<FetchResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? 'release-radar (+https://github.com/release-radar)',
    accept: 'application/atom+xml, application/rss+xml, application/xml, text/html;q=0.9, */*;q=0.5',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;

  const start = splitCredentials(url);
  let current = start.url;
  // The credentials go to the configured origin only: a redirect elsewhere does not carry them.
  const credentialOrigin = new URL(current).origin;
  const redirects: Redirect[] = [];
  const visited = new Set<string>();
  const dispatcher = agentFor(options.allowPrivate ?? false);
  for (let hop = 0; ; hop++) {
    // Literal IPs never reach the lookup: check them here, on every hop (redirects included).
    const target = new URL(current);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      throw new FetchError('private-address', `${redactUrl(current)}: ${host} is a non-public address (set ALLOW_PRIVATE_SOURCES=true to allow it)`);
    }
    let res: Dispatcher.ResponseData;
    const hopHeaders = start.authorization && target.origin === credentialOrigin ? { ...headers, authorization: start.authorization } : headers;
    try {
      res = await untilAborted(request(target, { method: 'GET', headers: hopHeaders, dispatcher, signal: abort }), abort);
    } catch (err) {
      throw classifyNetworkError(err, current, timeoutMs);
    }
    const status = res.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      await discard(res);
      const location = header(res.headers, 'location');
      if (!location) throw new FetchError('bad-redirect', `${redactUrl(current)} answered ${status} without a Location header`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new FetchError('bad-redirect', `${redactUrl(current)} redirected to an unreadable location "${redactText(location)}"`);
      }
      // Only http(s): a redirect to file:, data:, ftp: or javascript: is refused, never followed.
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new FetchError('bad-redirect', `${redactUrl(current)} redirected to ${redactUrl(next.toString())}: refused (only http and https redirects are followed)`);
      }
      if (next.username || next.password) {
        throw new FetchError('bad-redirect', `${redactUrl(current)} redirected to a URL with credentials: refused`);
      }
      redirects.push({ from: current, to: next.toString(), status, permanent: status === 301 || status === 308 });
      visited.add(current);
      if (visited.has(next.toString()) || hop + 1 > maxRedirects) {
        throw new FetchError('too-many-redirects', `redirect loop or more than ${maxRedirects} redirects, last ${redactUrl(current)} -> ${redactUrl(next.toString())}`);
      }
      current = next.toString();
      continue;
    }
    if (status === 304) {
      await discard(res);
      return { status: 'not-modified', url: current, redirects };
    }
    if (status < 200 || status >= 300) {
      await discard(res);
      throw new FetchError('http-status', `${redactUrl(current)} answered HTTP ${status}`, { status });
    }
    const encoding = header(res.headers, 'content-encoding');
    const declared = Number(header(res.headers, 'content-length') ?? NaN);
    // A declared length counts compressed bytes: it is judged only for a body that is not compressed.
    if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
      drop(res.body);
      throw new FetchError('too-large', `${redactUrl(current)} declares ${declared} bytes, over the ${maxBytes}-byte cap`);
    }
    const bytes = await readCapped(res.body, encoding, maxBytes, current, timeoutMs);
    const contentType = header(res.headers, 'content-type');
    return {
      status: 'ok',
      url: current,
      redirects,
      text: decodeBody(bytes, contentType),
      contentType,
      etag: header(res.headers, 'etag'),
      lastModified: header(res.headers, 'last-modified'),
      bytes: bytes.length,
    };
  }
}

/**
 * The request, or a rejection as soon as the deadline passes: undici acts on an abort only once
 * the connection is up, so a connect that hangs (a full backlog, a silent DNS) would otherwise
 * last its own 10 s. An answer that comes after that is dropped.
 */
function untilAborted(pending: Promise<Dispatcher.ResponseData>, abort: EventEmitter & { aborted: boolean }): Promise<Dispatcher.ResponseData> {
  if (abort.aborted) {
    pending.then((res) => drop(res.body), () => undefined);
    return Promise.reject(new Error('aborted at the deadline'));
  }
  return new Promise((resolve, reject) => {
    let late = false;
    const onAbort = (): void => {
      late = true;
      reject(new Error('aborted at the deadline'));
    };
    abort.once('abort', onAbort);
    pending.then(
      (res) => {
        abort.off('abort', onAbort);
        if (late) drop(res.body);
        else resolve(res);
      },
      (err: Error) => {
        abort.off('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * An answer whose body is not wanted: read off (small, and within a second) or dropped, so the
 * connection is freed and a stalled error page does not hold the poll until the deadline.
 */
async function discard(res: Dispatcher.ResponseData): Promise<void> {
  const gaveUp = setTimeout(() => drop(res.body), 1_000);
  await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
  clearTimeout(gaveUp);
}

/** A body we stop reading: closed, and the abort error that undici raises for it is expected. */
function drop(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

// Lenient like browsers and fetch: a stream cut short at a flush point still yields what came.
const ZLIB_LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(ZLIB_LENIENT),
  'x-gzip': () => zlib.createGunzip(ZLIB_LENIENT),
  deflate: () => zlib.createInflate(ZLIB_LENIENT),
  br: () => zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
};

/**
 * The decoders for a Content-Encoding, last applied first. An encoding we did not ask for is
 * refused with its name (decoding it as text would only make a parse error that hides the cause).
 */
function decodersFor(encoding: string | null, url: string): Transform[] {
  const codings = (encoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  if (codings.length > 3) throw new FetchError('decode', `${redactUrl(url)} sent ${codings.length} stacked content encodings (${encoding}): refused`);
  return codings.reverse().map((c) => {
    const make = DECODERS[c];
    if (!make) throw new FetchError('decode', `${redactUrl(url)} sent content encoding "${redactText(c)}", which release-radar did not ask for and cannot read`);
    return make();
  });
}

async function readCapped(body: Readable, encoding: string | null, maxBytes: number, url: string, timeoutMs: number): Promise<Buffer> {
  let decoders: Transform[];
  try {
    decoders = decodersFor(encoding, url);
  } catch (err) {
    drop(body);
    throw err;
  }
  // pipeline destroys every stage when one fails, so a bad gzip or a cut connection ends the loop;
  // the stage that failed first says which it was (the others fail after it, with its error).
  let failedFirst: 'connection' | 'decoding' | null = null;
  body.once('error', () => (failedFirst ??= 'connection'));
  for (const d of decoders) d.once('error', () => (failedFirst ??= 'decoding'));
  const stream = decoders.length === 0 ? body : (pipeline([body, ...decoders], () => undefined) as unknown as Readable);
  const sink = new ByteSink();
  try {
    // The cap counts decoded bytes, what we would actually parse: a small gzip bomb is stopped too.
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      if (sink.length + buf.length > maxBytes) throw new FetchError('too-large', `${redactUrl(url)} sent more than the ${maxBytes}-byte cap`);
      sink.push(buf);
    }
  } catch (err) {
    drop(body);
    if (err instanceof FetchError) throw err;
    if (failedFirst === 'decoding') {
      throw new FetchError('decode', `${redactUrl(url)} sent a body that does not decode as ${encoding}: ${(err as Error).message}`, { cause: err });
    }
    throw classifyNetworkError(err, url, timeoutMs);
  }
  return sink.bytes();
}

/**
 * The bytes of a body, copied into one buffer that doubles as it fills. Kept as a list of the
 * chunks the socket gave, a body sent a byte at a time cost about 550 bytes of memory per byte
 * (a Buffer and its backing store per chunk) before the cap could stop it.
 */
class ByteSink {
  private buffer: Buffer | null = null;
  length = 0;

  push(chunk: Buffer): void {
    const needed = this.length + chunk.length;
    if (this.buffer === null || needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(64 * 1024, needed, (this.buffer?.length ?? 0) * 2));
      this.buffer?.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length = needed;
  }

  bytes(): Buffer {
    return this.buffer === null ? Buffer.alloc(0) : this.buffer.subarray(0, this.length);
  }
}

const timeoutError = (url: string, timeoutMs: number, cause: unknown): FetchError => new FetchError('timeout', `${url} did not answer completely within ${timeoutMs} ms`, { cause });

function classifyNetworkError(err: unknown, rawUrl: string, timeoutMs: number): FetchError {
  const url = redactUrl(rawUrl);
  // undici's request() throws the socket's or its own error; an error with a cause (DNS lookups
  // through the connector) carries the code there.
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  if (code === 'EPRIVATEADDRESS') {
    return new FetchError('private-address', `${url}: ${e.cause?.message ?? e.message ?? 'non-public address'} (set ALLOW_PRIVATE_SOURCES=true to allow it)`, { cause: err });
  }
  if (e?.name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return timeoutError(url, timeoutMs, err);
  }
  const detail = redactText(code && !code.startsWith('UND_ERR') ? code : (e?.cause?.message ?? e?.message ?? String(err)));
  const meaning = code ? NETWORK_CODE_MEANING[code] : undefined;
  return new FetchError('network', `cannot fetch ${url}: ${detail}${meaning ? ` (${meaning})` : ''}`, { cause: err });
}

// Operators read these on the status page and in `doctor`: the errno alone does not say what to check.
const NETWORK_CODE_MEANING: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve: DNS, or no internet access',
  EAI_AGAIN: 'DNS did not answer in time',
  ECONNREFUSED: 'nothing listens at that address and port',
  ECONNRESET: 'the connection was cut',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the network',
  CERT_HAS_EXPIRED: 'the TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'a self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate chain cannot be verified (a TLS-intercepting proxy? set NODE_EXTRA_CA_CERTS)',
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate in the TLS chain (a TLS-intercepting proxy? set NODE_EXTRA_CA_CERTS)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate is for another host name',
};

/**
 * Bytes → text with the right charset: a BOM wins, then the Content-Type charset, then the XML
 * declaration or an HTML meta tag, then UTF-8.
 */
export function decodeBody(bytes: Buffer, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 1024).toString('latin1');
  const charset =
    /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /^<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1] ??
    'utf-8';
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset.toLowerCase());
  } catch (err) {
    throw new FetchError('decode', `unknown charset "${charset}"`, { cause: err });
  }
  return decoder.decode(bytes);
}

/** Reads a local file or fetches a URL: what the CLI's `parse <file|url>` and `table` accept. */
export async function readDocument(fileOrUrl: string): Promise<{ text: string; url: string | null }> {
  if (/^https?:\/\//i.test(fileOrUrl)) {
    // The operator's own command: any address they name is theirs to read.
    const res = await fetchDocument(fileOrUrl, { allowPrivate: true });
    if (res.status !== 'ok') throw new FetchError('http-status', `${redactUrl(fileOrUrl)} answered 304 to an unconditional request`);
    return { text: res.text, url: res.url };
  }
  const { readFile } = await import('node:fs/promises');
  return { text: decodeBody(await readFile(fileOrUrl), null), url: null };
}
