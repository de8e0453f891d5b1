// Fakes only at the edges: a feed HTTP server, a Slack Web API stub (behind slackApiUrl, driven by
// the real @slack/web-api client) and a real SMTP server (smtp-server) that parses what it gets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface DocumentServer {
  url: string;
  /** Replace what a path serves; ETag follows the content. */
  serve(path: string, body: string, contentType?: string): void;
  /** Stop serving a path: it answers 404 (a moved or removed document). */
  unserve(path: string): void;
  /** Answer this path only to requests with these Basic credentials ("user:password"), else 401. */
  requireAuth(path: string, credentials: string): void;
  /** Answer this path this much later (a slow source). */
  delay(path: string, ms: number): void;
  requests: { path: string; ifNoneMatch: string | undefined; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const docs = new Map<string, { body: string; type: string; etag: string }>();
  const auth = new Map<string, string>();
  const delays = new Map<string, number>();
  const requests: DocumentServer['requests'] = [];
  let version = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Recorded on arrival (a delayed answer is still a request in flight).
    requests.push({ path, ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
    const wait = delays.get(path) ?? 0;
    if (wait > 0) {
      setTimeout(() => answer(req, res, path), wait);
      return;
    }
    answer(req, res, path);
  });
  const answer = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const needed = auth.get(path);
    if (needed && req.headers.authorization !== `Basic ${Buffer.from(needed).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end('unauthorized');
      return;
    }
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, { etag: doc.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': doc.type, etag: doc.etag }).end(doc.body);
  };
  const url = await listen(server);
  return {
    url,
    delay(path, ms) {
      delays.set(path, ms);
    },
    serve(path, body, contentType = 'application/atom+xml; charset=utf-8') {
      docs.set(path, { body, type: contentType, etag: `"v${++version}"` });
    },
    unserve(path) {
      docs.delete(path);
    },
    requireAuth(path, credentials) {
      auth.set(path, credentials);
    },
    requests,
    close: () => closeServer(server),
  };
}

export interface SlackCall {
  method: string;
  token: string | undefined;
  body: Record<string, unknown>;
  /** When the request arrived and when its answer was written (ms since epoch). */
  receivedAt: number;
  respondedAt: number | null;
  /** The ts the stub answered with (ok calls). */
  ts: string | null;
}

export type SlackBehaviour = 'ok' | 'ratelimit' | 'server-error' | 'channel_not_found' | 'not_in_channel' | 'invalid_auth';

export interface SlackStub {
  /** Base URL to pass as SLACK_API_URL / slackApiUrl. */
  apiUrl: string;
  calls: SlackCall[];
  /** Successful chat.postMessage calls. */
  posted(): SlackCall[];
  /** Decide the answer to the next calls: queue of behaviours, then "ok". */
  script: SlackBehaviour[];
  /** Answer every call this much later (a slow Slack), default 0. */
  delayMs: number;
  /** Decide each answer (after the script runs out); default "ok". */
  decide: (() => SlackBehaviour) | null;
  /** What auth.test and conversations.list answer: the bot, its scopes, the workspace's channels. */
  workspace: SlackWorkspace;
  close(): Promise<void>;
}

export interface SlackWorkspace {
  team: string;
  user: string;
  /** Sent as Slack sends them, in the x-oauth-scopes header of every answer. */
  scopes: string[];
  channels: { id: string; name: string; is_member: boolean; is_private: boolean }[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function parseForm(text: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    try {
      out[k] = k === 'blocks' || k === 'attachments' ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startSlackStub(): Promise<SlackStub> {
  const calls: SlackCall[] = [];
  const okCalls: SlackCall[] = [];
  const stub: SlackStub = {
    apiUrl: '',
    calls,
    posted: () => okCalls,
    script: [],
    delayMs: 0,
    decide: null,
    workspace: { team: 'Example Workspace', user: 'release-radar', scopes: ['chat:write', 'channels:read', 'groups:read'], channels: [] },
    close: () => Promise.resolve(),
  };
  let ts = 1_700_000_000;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = Date.now();
    void readBody(req).catch(() => null).then(async (text) => {
      if (text === null) return;
      const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
      const call: SlackCall = { method, token: req.headers.authorization?.replace(/^Bearer /, ''), body: parseForm(text, req.headers['content-type']), receivedAt, respondedAt: null, ts: null };
      calls.push(call);
      const behaviour = stub.script.shift() ?? stub.decide?.() ?? 'ok';
      if (stub.delayMs > 0) await new Promise((r) => setTimeout(r, stub.delayMs));
      const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        if (res.destroyed || req.socket.destroyed) return; // the client went away (killed worker)
        call.respondedAt = Date.now();
        res.writeHead(status, { 'content-type': 'application/json', 'x-oauth-scopes': stub.workspace.scopes.join(','), ...headers }).end(JSON.stringify(body));
      };
      if (behaviour === 'ok' && (method === 'auth.test' || method === 'conversations.list')) {
        answerWorkspace(method, call.body, stub.workspace, json);
        return;
      }
      switch (behaviour) {
        case 'ratelimit':
          json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
          return;
        case 'server-error':
          json(500, { ok: false, error: 'internal_error' });
          return;
        case 'channel_not_found':
        case 'not_in_channel':
        case 'invalid_auth':
          json(200, { ok: false, error: behaviour });
          return;
        case 'ok':
          okCalls.push(call);
          call.ts = `${ts++}.000100`;
          json(200, { ok: true, channel: call.body.channel, ts: call.ts, message: { text: call.body.text } });
      }
    });
  });
  // A killed client resets its connection. Once per socket: keep-alive sockets carry many requests.
  server.on('connection', (socket) => socket.on('error', () => undefined));
  const url = await listen(server);
  stub.apiUrl = `${url}/api/`;
  stub.close = () => closeServer(server);
  return stub;
}

// auth.test and conversations.list as Slack answers them (https://api.slack.com/methods): scopes
// checked like Slack checks them (missing_scope with needed/provided), channels paged by cursor
// (two per page, so a client that ignores next_cursor misses channels).
function answerWorkspace(method: string, body: Record<string, unknown>, ws: SlackWorkspace, json: (status: number, body: unknown) => void): void {
  if (method === 'auth.test') {
    json(200, { ok: true, url: 'https://example.slack.com/', team: ws.team, user: ws.user, team_id: 'T0001', user_id: 'U0001', bot_id: 'B0001' });
    return;
  }
  const field = (name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);
  const types = (field('types') ?? 'public_channel').split(',');
  const needed = [...(types.includes('public_channel') ? ['channels:read'] : []), ...(types.includes('private_channel') ? ['groups:read'] : [])];
  const lacking = needed.filter((n) => !ws.scopes.includes(n));
  if (lacking.length > 0) {
    json(200, { ok: false, error: 'missing_scope', needed: lacking.join(','), provided: ws.scopes.join(',') });
    return;
  }
  // Private channels are listed only when the bot is in them, as in Slack.
  const visible = ws.channels.filter((c) => (c.is_private ? types.includes('private_channel') && c.is_member : types.includes('public_channel')));
  const limit = Math.max(1, Math.min(Number(field('limit') ?? 100), 2));
  const cursor = field('cursor');
  const start = cursor ? Number(Buffer.from(cursor, 'base64').toString()) : 0;
  const page = visible.slice(start, start + limit);
  const next = start + limit < visible.length ? Buffer.from(String(start + limit)).toString('base64') : '';
  json(200, { ok: true, channels: page, response_metadata: { next_cursor: next } });
}

export interface MailSink {
  port: number;
  smtpUrl: string;
  messages: ParsedMail[];
  /** When each message (same order as `messages`) was accepted. */
  acceptedAt: number[];
  close(): Promise<void>;
}

export async function startMailSink(options: { port?: number; auth?: { user: string; pass: string } } = {}): Promise<MailSink> {
  const messages: ParsedMail[] = [];
  const acceptedAt: number[] = [];
  const required = options.auth;
  const server = new SMTPServer({
    // With `auth`, a login is required (PLAIN/LOGIN over plain TCP: a local test server only).
    authOptional: !required,
    allowInsecureAuth: true,
    disabledCommands: required ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    onAuth(auth, _session, callback) {
      if (required && auth.username === required.user && auth.password === required.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          acceptedAt.push(Date.now());
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client that dies mid-conversation (a killed worker) resets its connection: not our failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    smtpUrl: `smtp://${required ? `${encodeURIComponent(required.user)}:${encodeURIComponent(required.pass)}@` : ''}127.0.0.1:${port}?tls=off`,
    messages,
    acceptedAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
