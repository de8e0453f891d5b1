// The `fetch` the Slack SDK sends its requests through: undici's `request()` on a keep-alive pool,
// answered with a small Response-shaped object. The SDK's default is the global WHATWG fetch,
// whose streams, abort signals and transferables cost about as much CPU per message as everything
// else the deliver stage does (bench: slack_1000_channels_throughput). The SDK reads only
// status, statusText, url, headers (get, entries) and the body as text, JSON or bytes.
//
// Timeouts are undici's (time to the response headers, and between body chunks), so the SDK is
// given no timeout of its own and creates no AbortSignal per call. Redirects are not followed: the
// SDK asks for `redirect: 'error'`, and a 3xx reaches it as a non-200 answer, which it rejects.
import { Agent, request } from 'undici';

type Fetch = typeof globalThis.fetch;

class LeanHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of Object.entries(this.raw)) if (v !== undefined) yield [k, Array.isArray(v) ? v.join(', ') : v];
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

class LeanResponse {
  readonly ok: boolean;
  readonly headers: LeanHeaders;
  constructor(
    readonly url: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new LeanHeaders(headers);
  }
  get statusText(): string {
    return this.ok ? 'OK' : `HTTP ${this.status}`;
  }
  text(): Promise<string> {
    return Promise.resolve(this.body.toString('utf8'));
  }
  json(): Promise<unknown> {
    return Promise.resolve(JSON.parse(this.body.toString('utf8')) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer);
  }
}

function headersOf(init: RequestInit['headers']): Record<string, string> {
  if (!init) return {};
  if (init instanceof Headers) return Object.fromEntries(init.entries());
  if (Array.isArray(init)) return Object.fromEntries(init as [string, string][]);
  return Object.fromEntries(Object.entries(init).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

/** A fetch for the Slack SDK: keep-alive connections, `timeoutMs` to the headers and between body chunks. */
export function leanFetch(timeoutMs: number): Fetch {
  const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const fetchLike = async (input: string | URL | Request, init: RequestInit = {}): Promise<LeanResponse> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      // Multipart uploads (FormData) are not what release-radar sends; the platform fetch takes them.
      return (await globalThis.fetch(input, init)) as unknown as LeanResponse;
    }
    const res = await request(url, { method: (init.method ?? 'GET') as 'POST', headers: headersOf(init.headers), body: body ?? null, dispatcher: agent, ...(init.signal ? { signal: init.signal } : {}) });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return new LeanResponse(url, res.statusCode, res.headers, bytes);
  };
  return fetchLike as unknown as Fetch;
}
