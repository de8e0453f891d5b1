// A local Slack Web API that the real @slack/web-api client talks to (slackApiUrl). It answers the
// methods release-radar calls the way https://api.slack.com/methods documents them:
// - chat.postMessage: answers the channel's id (not the name it was given) and a ts from the
//   clock; keeps the message with its thread and its metadata;
// - conversations.history / conversations.replies: channel ids only (a name is channel_not_found),
//   the history scope checked per channel type, oldest/latest bounds, newest first (history) or
//   oldest first (replies), cursor paging, metadata only with include_all_metadata;
// - conversations.list and auth.test: the workspace, scopes checked like Slack checks them, pages
//   of `pageSize` (two by default, so a client that ignores next_cursor misses channels).
// - chat.update (ids only, message must exist), views.open (a trigger id is single-use and good for
//   3 s), chat.postEphemeral and response_url endpoints (what respond() sends);
// - apps.connections.open (app-level tokens only) for Socket Mode: test/helpers/slack-socket.ts
//   serves the WebSocket and plays Slack's side of interactions, in both modes.
// Scripted failures (500s, 429s, platform errors) and a delay let tests make Slack misbehave.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from './http.js';

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

export interface SlackChannel {
  id: string;
  name: string;
  is_member: boolean;
  is_private: boolean;
}

export interface SlackWorkspace {
  team: string;
  user: string;
  /** Sent as Slack sends them, in the x-oauth-scopes header of every answer. */
  scopes: string[];
  /** Channels that exist before anything is posted. A post to an unknown name creates a public one. */
  channels: SlackChannel[];
}

export interface StoredMessage {
  ts: string;
  text: string;
  blocks?: Record<string, unknown>[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** How often chat.update edited it. */
  edits?: number;
}

export interface SlackStub {
  /** Base URL to pass as SLACK_API_URL / slackApiUrl. */
  apiUrl: string;
  calls: SlackCall[];
  /** Successful chat.postMessage calls. */
  posted(): SlackCall[];
  /** The same without lifecycle parents (a line thread's root: its delivery id ends in "|parent"). */
  alerts(): SlackCall[];
  /** Only the lifecycle parents. */
  parents(): SlackCall[];
  /** The messages of a channel (by name or id), in posting order. */
  messages(channel: string): StoredMessage[];
  /** A channel's id (a channel named for the first time exists from then on, as posting makes it). */
  channelId(channel: string): string;
  /** Decide the answer to the next calls: queue of behaviours, then "ok". */
  script: SlackBehaviour[];
  /** Answer every call this much later (a slow Slack), default 0. */
  delayMs: number;
  /** Decide each answer (after the script runs out); default "ok". */
  decide: ((method: string) => SlackBehaviour) | null;
  /** What auth.test and conversations.list answer: the bot, its scopes, the workspace's channels. */
  workspace: SlackWorkspace;
  /** The most channels conversations.list returns per page (Slack: up to `limit`). */
  pageSize: number;
  /** Views opened (views.open), by id, with the trigger they used. */
  views: Map<string, { view: Record<string, unknown>; triggerId: string }>;
  /** Messages sent to response_url (respond()) and chat.postEphemeral, in order. */
  ephemeral: { via: 'response_url' | 'chat.postEphemeral'; body: Record<string, unknown> }[];
  /** A trigger id for an interaction (valid 3 s, as Slack's) and a response_url for it. */
  issueTrigger(): string;
  responseUrl(): string;
  /** Where the Socket Mode link is (ws://…), and the app tokens apps.connections.open accepts. */
  appTokens: string[];
  /** The stub's HTTP server, for the Socket Mode side (test/helpers/slack-socket.ts). */
  server: import('node:http').Server;
  close(): Promise<void>;
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

// The SDK sends form-encoded bodies with objects as JSON strings.
function parseForm(text: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    try {
      out[k] = k === 'blocks' || k === 'attachments' || k === 'metadata' ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;

/** A line thread's lifecycle parent, by the delivery id in its metadata. */
export function isParent(call: SlackCall): boolean {
  const metadata = call.body.metadata as { event_payload?: { delivery_id?: unknown } } | undefined;
  const id = metadata?.event_payload?.delivery_id;
  return typeof id === 'string' && id.endsWith('|parent');
}

export async function startSlackStub(): Promise<SlackStub> {
  const calls: SlackCall[] = [];
  const okCalls: SlackCall[] = [];
  const created: SlackChannel[] = [];
  const history = new Map<string, StoredMessage[]>();
  const stub: SlackStub = {
    apiUrl: '',
    calls,
    posted: () => okCalls,
    alerts: () => okCalls.filter((c) => !isParent(c)),
    parents: () => okCalls.filter(isParent),
    messages: (channel) => {
      const c = findChannel(channel);
      return c ? (history.get(c.id) ?? []) : [];
    },
    channelId: (channel) => channelNamed(channel)?.id ?? channel,
    script: [],
    delayMs: 0,
    decide: null,
    workspace: { team: 'Example Workspace', user: 'release-radar', scopes: ['chat:write', 'channels:read', 'groups:read', 'channels:history', 'groups:history'], channels: [] },
    pageSize: 2,
    views: new Map(),
    ephemeral: [],
    issueTrigger: () => {
      const id = `${Date.now()}.${++triggerSeq}.trigger`;
      triggers.set(id, Date.now());
      return id;
    },
    responseUrl: () => `${stub.apiUrl.replace(/\/api\/$/, '')}/response/${++responseSeq}`,
    appTokens: ['xapp-1-A0001-test'],
    server: undefined as unknown as import('node:http').Server,
    close: () => Promise.resolve(),
  };
  const triggers = new Map<string, number>();
  let triggerSeq = 0;
  let responseSeq = 0;
  let viewSeq = 0;
  // Channels created by posting, by name and by id (a bench posts to thousands).
  const createdByKey = new Map<string, SlackChannel>();
  const allChannels = (): SlackChannel[] => [...stub.workspace.channels, ...created.filter((c) => !stub.workspace.channels.some((w) => w.id === c.id || w.name === c.name))];
  function findChannel(channel: string): SlackChannel | undefined {
    const name = channel.replace(/^#/, '');
    return stub.workspace.channels.find((c) => c.id === channel || c.name === name) ?? createdByKey.get(channel) ?? createdByKey.get(name);
  }
  // Slack's ts is the post's time in seconds with a per-channel unique suffix.
  let lastTs = 0;
  const nextTs = (): string => {
    lastTs = Math.max(lastTs + 1, Date.now() * 1000);
    return (lastTs / 1_000_000).toFixed(6);
  };

  // A channel a test posts to by name exists (public, the bot in it), whatever Slack answers the post.
  const channelNamed = (name: string): SlackChannel | undefined => {
    const known = findChannel(name);
    if (known || !name || /^[CGD][A-Z0-9]{6,}$/.test(name)) return known;
    const channel = { id: `C${String(1_000_000 + created.length).padStart(8, '0')}`, name: name.replace(/^#/, ''), is_member: true, is_private: false };
    created.push(channel);
    createdByKey.set(channel.id, channel).set(channel.name, channel);
    return channel;
  };

  const post = (call: SlackCall, json: Answer): void => {
    const channel = channelNamed(typeof call.body.channel === 'string' ? call.body.channel : '');
    if (!channel) return json(200, { ok: false, error: 'channel_not_found' });
    const message: StoredMessage = { ts: nextTs(), text: typeof call.body.text === 'string' ? call.body.text : '' };
    if (Array.isArray(call.body.blocks)) message.blocks = call.body.blocks as Record<string, unknown>[];
    if (typeof call.body.thread_ts === 'string') message.thread_ts = call.body.thread_ts;
    const metadata = call.body.metadata as StoredMessage['metadata'] | undefined;
    if (metadata?.event_type) message.metadata = metadata;
    const list = history.get(channel.id) ?? [];
    list.push(message);
    history.set(channel.id, list);
    okCalls.push(call);
    call.ts = message.ts;
    json(200, { ok: true, channel: channel.id, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts, ...(message.metadata ? { metadata: message.metadata } : {}) } });
  };

  const read = (method: string, body: Record<string, unknown>, json: Answer): void => {
    const field = (name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);
    const id = field('channel') ?? '';
    const found = findChannel(id);
    const channel = found?.id === id ? found : undefined; // ids only, as Slack
    if (!channel) return json(200, { ok: false, error: 'channel_not_found' });
    const needed = channel.is_private ? 'groups:history' : 'channels:history';
    if (!stub.workspace.scopes.includes(needed)) return json(200, { ok: false, error: 'missing_scope', needed, provided: stub.workspace.scopes.join(',') });
    if (channel.is_private && !channel.is_member) return json(200, { ok: false, error: 'channel_not_found' });
    const oldest = Number(field('oldest') ?? 0);
    const latest = Number(field('latest') ?? Infinity);
    const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
    let list = history.get(channel.id) ?? [];
    if (method === 'conversations.replies') {
      const root = field('ts') ?? '';
      if (!list.some((m) => m.ts === root)) return json(200, { ok: false, error: 'thread_not_found' });
      list = list.filter((m) => m.ts === root || m.thread_ts === root);
    } else {
      list = [...list.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)].reverse();
    }
    list = list.filter((m) => Number(m.ts) >= oldest && Number(m.ts) <= latest);
    const limit = Math.max(1, Math.min(Number(field('limit') ?? 100), 999));
    const start = field('cursor') ? Number(Buffer.from(field('cursor') ?? '', 'base64').toString()) : 0;
    const page = list.slice(start, start + limit).map((m) => ({ type: 'message', user: 'U0001', bot_id: 'B0001', text: m.text, ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) }));
    const more = start + limit < list.length;
    json(200, { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? Buffer.from(String(start + limit)).toString('base64') : '' } });
  };

  // chat.update: ids only, the message must exist and be the bot's own (ours are).
  const update = (call: SlackCall, json: Answer): void => {
    const id = typeof call.body.channel === 'string' ? call.body.channel : '';
    const channel = findChannel(id);
    if (!channel || channel.id !== id) return json(200, { ok: false, error: 'channel_not_found' });
    const message = (history.get(channel.id) ?? []).find((m) => m.ts === call.body.ts);
    if (!message) return json(200, { ok: false, error: 'message_not_found' });
    if (typeof call.body.text === 'string') message.text = call.body.text;
    if (Array.isArray(call.body.blocks)) message.blocks = call.body.blocks as Record<string, unknown>[];
    message.edits = (message.edits ?? 0) + 1;
    json(200, { ok: true, channel: channel.id, ts: message.ts, text: message.text });
  };

  // views.open: a trigger is good for one view, within 3 s of the interaction that issued it.
  const openView = (call: SlackCall, json: Answer): void => {
    const trigger = typeof call.body.trigger_id === 'string' ? call.body.trigger_id : '';
    const issued = triggers.get(trigger);
    if (issued === undefined) return json(200, { ok: false, error: 'invalid_trigger_id' });
    triggers.delete(trigger);
    if (Date.now() - issued > 3_000) return json(200, { ok: false, error: 'expired_trigger_id' });
    const view = (typeof call.body.view === 'string' ? JSON.parse(call.body.view) : call.body.view) as Record<string, unknown>;
    const id = `V${String(++viewSeq).padStart(8, '0')}`;
    stub.views.set(id, { view, triggerId: trigger });
    json(200, { ok: true, view: { id, ...view } });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = Date.now();
    void readBody(req).catch(() => null).then(async (text) => {
      if (text === null) return;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/response/')) {
        // A response_url: what respond() sends (ephemeral answers, replacements).
        stub.ephemeral.push({ via: 'response_url', body: JSON.parse(text || '{}') as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      const method = path.replace(/^\/api\//, '');
      const call: SlackCall = { method, token: req.headers.authorization?.replace(/^Bearer /, ''), body: parseForm(text, req.headers['content-type']), receivedAt, respondedAt: null, ts: null };
      calls.push(call);
      if (method === 'chat.postMessage' && typeof call.body.channel === 'string') channelNamed(call.body.channel);
      const behaviour = stub.script.shift() ?? stub.decide?.(method) ?? 'ok';
      if (stub.delayMs > 0) await new Promise((r) => setTimeout(r, stub.delayMs));
      const json: Answer = (status, body, headers = {}) => {
        if (res.destroyed || req.socket.destroyed) return; // the client went away (killed worker)
        call.respondedAt = Date.now();
        res.writeHead(status, { 'content-type': 'application/json', 'x-oauth-scopes': stub.workspace.scopes.join(','), ...headers }).end(JSON.stringify(body));
      };
      switch (behaviour) {
        case 'ratelimit':
          return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        case 'server-error':
          return json(500, { ok: false, error: 'internal_error' });
        case 'channel_not_found':
        case 'not_in_channel':
        case 'invalid_auth':
          return json(200, { ok: false, error: behaviour });
        case 'ok':
          if (method === 'auth.test' || method === 'conversations.list') return answerWorkspace(method, call.body, stub.workspace, allChannels(), stub.pageSize, json);
          if (method === 'conversations.history' || method === 'conversations.replies') return read(method, call.body, json);
          if (method === 'chat.postMessage') return post(call, json);
          if (method === 'chat.update') return update(call, json);
          if (method === 'views.open') return openView(call, json);
          if (method === 'chat.postEphemeral') {
            stub.ephemeral.push({ via: 'chat.postEphemeral', body: call.body });
            return json(200, { ok: true, message_ts: nextTs() });
          }
          if (method === 'apps.connections.open') {
            // App-level tokens only, as Slack: a bot token is not_allowed_token_type.
            if (!call.token?.startsWith('xapp-')) return json(200, { ok: false, error: 'not_allowed_token_type' });
            if (!stub.appTokens.includes(call.token)) return json(200, { ok: false, error: 'invalid_auth' });
            return json(200, { ok: true, url: `${stub.apiUrl.replace(/^http/, 'ws').replace(/\/api\/$/, '')}/link/?ticket=${Date.now()}&app_id=A0001` });
          }
          return json(200, { ok: false, error: 'unknown_method' });
      }
    });
  });
  // A killed client resets its connection. Once per socket: keep-alive sockets carry many requests.
  server.on('connection', (socket) => socket.on('error', () => undefined));
  const url = await listen(server);
  stub.apiUrl = `${url}/api/`;
  stub.server = server;
  stub.close = () => closeServer(server);
  return stub;
}

function answerWorkspace(method: string, body: Record<string, unknown>, ws: SlackWorkspace, channels: SlackChannel[], pageSize: number, json: Answer): void {
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
  const visible = channels.filter((c) => (c.is_private ? types.includes('private_channel') && c.is_member : types.includes('public_channel')));
  const limit = Math.max(1, Math.min(Number(field('limit') ?? 100), pageSize));
  const cursor = field('cursor');
  const start = cursor ? Number(Buffer.from(cursor, 'base64').toString()) : 0;
  const page = visible.slice(start, start + limit);
  const next = start + limit < visible.length ? Buffer.from(String(start + limit)).toString('base64') : '';
  json(200, { ok: true, channels: page, response_metadata: { next_cursor: next } });
}
