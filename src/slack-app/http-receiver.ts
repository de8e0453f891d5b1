// HTTP mode: Slack posts button clicks, modal submissions and /radar to POST /slack/interactions and
// POST /slack/commands on this service's HTTP server. Every request is checked before anything in
// it is parsed:
//  - its signature: v0 HMAC-SHA256 over "v0:timestamp:body" with the signing secret, compared in
//    constant time, and a timestamp at most 5 minutes from our clock (Bolt's verifySlackRequest);
//  - replay: a request whose signature was already seen (within those 5 minutes, in Redis, so every
//    process knows) is refused, though it is genuine;
// and gets 401 otherwise, with nothing changed. A request that passes is acknowledged within
// Slack's 3 seconds by the listener (ack first, then the work), through Bolt's App.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withDeadline } from '../deadline.js';

/** Slack's interaction payloads (a message of 50 blocks and its state) stay well under this. */
const BODY_LIMIT = 256_000;
/** Slack sends the whole request at once; a body still arriving after this is not Slack's. */
const BODY_DEADLINE_MS = 5_000;
const REDIS_DEADLINE_MS = 1_500;
/** Requests handled at once; more get 503 (Slack retries nothing here, people click again). */
const MAX_IN_FLIGHT = 32;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
/** Slack asks for an answer within 3 s; after that the click shows an error to the user. */
const ACK_DEADLINE_MS = 3_000;
const MAX_SKEW_S = 5 * 60;
/** Longer than any timestamp stays acceptable (5 minutes either side). */
const REPLAY_WINDOW_S = 11 * 60;


export interface HttpReceiverOptions {
  signingSecret: string;
  redis: Redis;
  prefix: string;
  logger: Logger;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        reject(new RequestError(413, 'request body too large'));
        req.removeAllListeners('data');
        req.resume(); // drained, not destroyed: the 413 can still be written
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Interactions come as payload=<JSON>; slash commands as plain form fields. */
function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = new URLSearchParams(raw);
  const payload = form.get('payload');
  if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
  return Object.fromEntries(form);
}

export class SlackHttpReceiver implements Receiver {
  private app: App | null = null;
  private inFlight = 0;

  constructor(private readonly options: HttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve(); // requests arrive through our HTTP server (handle)
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** For the HTTP server: POST /slack/interactions and /slack/commands. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('busy');
      req.resume();
      return;
    }
    this.inFlight++;
    try {
      if (req.method !== 'POST') throw new RequestError(405, 'POST only');
      // The headers first, before a byte of the body is read: a request that cannot be genuine
      // costs nothing. The signature must be exactly Slack's format ("v0=" and 64 hex digits):
      // the verifier reads only what comes before a second "=", so "v0=<hex>=x" would verify and
      // yet differ from the request it was copied from.
      const signature = req.headers['x-slack-signature'];
      const stamp = req.headers['x-slack-request-timestamp'];
      if (typeof signature !== 'string' || !SIGNATURE.test(signature)) throw new RequestError(401, 'missing or malformed x-slack-signature');
      if (typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp)) throw new RequestError(401, 'missing or malformed x-slack-request-timestamp');
      const timestamp = Number(stamp);
      // Bolt refuses timestamps older than 5 minutes; one more than 5 minutes ahead is refused too
      // (Slack's rule is "more than five minutes from local time"), so no signed request stays
      // usable longer than the replay window below remembers it.
      if (Math.abs(timestamp - Date.now() / 1000) > MAX_SKEW_S) throw new RequestError(401, 'x-slack-request-timestamp is more than 5 minutes from our clock (stale, or a clock out of sync)');
      const raw = await withDeadline(readBody(req), BODY_DEADLINE_MS, 'reading the request body').catch((err: unknown) => {
        if (err instanceof RequestError) throw err;
        req.destroy(); // a body trickling in is dropped with its connection
        throw new RequestError(408, 'the request body did not arrive in time');
      });
      try {
        verifySlackRequest({ signingSecret: this.options.signingSecret, body: raw, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
      } catch (err) {
        throw new RequestError(401, (err as Error).message.replace(/^Failed to verify authenticity: /, ''));
      }
      // Genuine, but seen before: a replay (someone who captured a request sends it again). Keyed
      // by the signature's hash itself, in the one format allowed above. Redis away: 503, nothing
      // done (acting late, after Slack gave up, would surprise the person who clicked).
      const seen = `${this.options.prefix}:slack-request:${signature.slice(3, 35).toLowerCase()}`;
      const first = await withDeadline(this.options.redis.set(seen, '1', 'EX', REPLAY_WINDOW_S, 'NX'), REDIS_DEADLINE_MS, 'the replay check').catch(() => {
        throw new RequestError(503, 'cannot check for replays right now (Redis); nothing was done, try again');
      });
      if (first !== 'OK') throw new RequestError(401, 'replayed request (this signature was already used)');
      let body: Record<string, unknown>;
      try {
        body = parseBody(raw, req.headers['content-type']);
      } catch {
        throw new RequestError(400, 'unreadable body');
      }
      if (body.ssl_check) {
        res.writeHead(200).end();
        return;
      }
      await this.dispatch(body, res);
    } catch (err) {
      const status = err instanceof RequestError ? err.status : 500;
      if (status === 401) this.options.logger.warn({ event: 'slack-request-refused', path: req.url, why: (err as Error).message }, 'Slack request refused (401): nothing was done');
      else if (status === 500) this.options.logger.error({ event: 'slack-request-failed', err: (err as Error).message }, 'Slack request failed');
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(status === 500 ? 'error' : (err as Error).message);
      // Whatever of the body is still coming is not read.
      if (!req.complete) req.resume();
    } finally {
      this.inFlight--;
    }
  }

  private async dispatch(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    if (!this.app) throw new RequestError(503, 'not ready');
    let acked = false;
    const timer = setTimeout(() => {
      if (!acked) this.options.logger.warn({ event: 'slack-ack-late', type: body.type }, 'a Slack interaction was not acknowledged within 3 s');
    }, ACK_DEADLINE_MS);
    timer.unref();
    const event: ReceiverEvent = {
      body,
      ack: (response?: unknown) => {
        if (acked) return Promise.resolve();
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === '') res.writeHead(200).end();
        else if (typeof response === 'string') res.writeHead(200, { 'content-type': 'text/plain' }).end(response);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
        return Promise.resolve();
      },
    };
    await this.app.processEvent(event);
    // A request no listener took (an action of a message we did not send): answered, so Slack does
    // not show an error.
    if (!acked) await event.ack();
  }
}
