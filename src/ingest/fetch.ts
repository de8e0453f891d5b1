// Our own HTTP client for sources. rss-parser's fetcher has no size cap, a timeout that does not
// stop the download, treats 304 as an error and does not decompress, so we fetch ourselves and
// hand the decoded text to the parsers.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type Response } from 'undici';
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

export async function fetchDocument(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  // One deadline for the whole exchange, body included: a server that trickles bytes is cut off.
  const signal = AbortSignal.timeout(timeoutMs);
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
    const host = new URL(current).hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      throw new FetchError('private-address', `${redactUrl(current)}: ${host} is a non-public address (set ALLOW_PRIVATE_SOURCES=true to allow it)`);
    }
    let res: Response;
    const hopHeaders = start.authorization && new URL(current).origin === credentialOrigin ? { ...headers, authorization: start.authorization } : headers;
    try {
      res = await fetch(current, { headers: hopHeaders, redirect: 'manual', signal, dispatcher });
    } catch (err) {
      throw classifyNetworkError(err, current, timeoutMs);
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new FetchError('bad-redirect', `${redactUrl(current)} answered ${res.status} without a Location header`);
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
      redirects.push({ from: current, to: next.toString(), status: res.status, permanent: res.status === 301 || res.status === 308 });
      visited.add(current);
      if (visited.has(next.toString()) || hop + 1 > maxRedirects) {
        throw new FetchError('too-many-redirects', `redirect loop or more than ${maxRedirects} redirects, last ${redactUrl(current)} -> ${redactUrl(next.toString())}`);
      }
      current = next.toString();
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not-modified', url: current, redirects };
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel();
      throw new FetchError('http-status', `${redactUrl(current)} answered HTTP ${res.status}`, { status: res.status });
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new FetchError('too-large', `${redactUrl(current)} declares ${declared} bytes, over the ${maxBytes}-byte cap`);
    }
    const bytes = await readCapped(res, maxBytes, current, timeoutMs);
    const contentType = res.headers.get('content-type');
    return {
      status: 'ok',
      url: current,
      redirects,
      text: decodeBody(bytes, contentType),
      contentType,
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
      bytes: bytes.length,
    };
  }
}

async function readCapped(res: Response, maxBytes: number, url: string, timeoutMs: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    // fetch already decompressed gzip/deflate/br, so the cap counts what we would actually parse.
    for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBytes) throw new FetchError('too-large', `${redactUrl(url)} sent more than the ${maxBytes}-byte cap`);
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw classifyNetworkError(err, url, timeoutMs);
  }
  return Buffer.concat(chunks, total);
}

function classifyNetworkError(err: unknown, rawUrl: string, timeoutMs: number): FetchError {
  const url = redactUrl(rawUrl);
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.cause?.code === 'EPRIVATEADDRESS') {
    return new FetchError('private-address', `${url}: ${e.cause.message ?? 'non-public address'} (set ALLOW_PRIVATE_SOURCES=true to allow it)`, { cause: err });
  }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new FetchError('timeout', `${url} did not answer completely within ${timeoutMs} ms`, { cause: err });
  }
  const code = e?.cause?.code;
  const detail = redactText(code ?? e?.cause?.message ?? e?.message ?? String(err));
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
