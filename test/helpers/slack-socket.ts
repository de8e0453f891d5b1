// Slack's side of interactivity, for the local Slack stub: what a person's click, a modal
// submission or "/radar status" turns into, delivered the two ways Slack delivers them.
// - HTTP: a POST to the app's Request URL, signed as Slack signs (v0 HMAC-SHA256 of
//   "v0:timestamp:body" with the signing secret, in X-Slack-Signature / X-Slack-Request-Timestamp);
//   interactions as payload=<JSON>, slash commands as form fields.
// - Socket Mode: apps.connections.open (slack-stub.ts) hands out ws://…/link; this serves it: a
//   "hello" on connect, then envelopes { envelope_id, type, payload, accepts_response_payload }
//   that the app must acknowledge with { envelope_id } within 3 s.
// Payloads are built from the message as the stub stored it, so a click can only press a button
// the app really sent.
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SlackStub } from './slack-stub.js';

export interface SlackUser {
  id: string;
  username: string;
}

export const ALICE: SlackUser = { id: 'U0ALICE', username: 'alice' };
export const BOB: SlackUser = { id: 'U0BOB', username: 'bob' };

export function signSlackRequest(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** POSTs a body to the app as Slack would; `sign` lets a test forge, age or replay it. */
export async function postSigned(url: string, secret: string, body: string, sign: { timestamp?: number; signature?: string } = {}): Promise<HttpAnswer> {
  const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign.signature ?? signSlackRequest(secret, timestamp, body) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

export const interactionBody = (payload: Record<string, unknown>): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

export interface SocketLink {
  /** Open connections (Bolt's client). */
  connections(): number;
  waitConnected(timeoutMs?: number): Promise<void>;
  /** Sends an envelope; resolves with the app's ack (its payload, if any), or null after 3 s without one. */
  send(type: 'interactive' | 'slash_commands', payload: Record<string, unknown>): Promise<{ payload?: Record<string, unknown> } | null>;
  close(): Promise<void>;
}

/** Serves the stub's Socket Mode link (ws://…/link) on the stub's own port. */
export function serveSocketMode(stub: SlackStub): SocketLink {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const acks = new Map<string, (ack: { payload?: Record<string, unknown> }) => void>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!(req.url ?? '').startsWith('/link')) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString('utf8')) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (msg.envelope_id) acks.get(msg.envelope_id)?.(msg);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: sockets.size, debug_info: { host: 'stub', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0001' } }));
    });
  };
  stub.server.on('upgrade', onUpgrade);
  const ping = setInterval(() => sockets.forEach((s) => s.ping()), 5_000);
  ping.unref();
  return {
    connections: () => sockets.size,
    async waitConnected(timeoutMs = 10_000) {
      const start = Date.now();
      while (sockets.size === 0) {
        if (Date.now() - start > timeoutMs) throw new Error('the app did not connect through Socket Mode');
        await new Promise((r) => setTimeout(r, 25));
      }
      // The client counts as connected once it has read the hello.
      await new Promise((r) => setTimeout(r, 100));
    },
    send(type, payload) {
      const socket = [...sockets][0];
      if (!socket) return Promise.reject(new Error('no Socket Mode connection'));
      const envelope_id = randomUUID();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          acks.delete(envelope_id);
          resolve(null);
        }, 3_000);
        acks.set(envelope_id, (ack) => {
          clearTimeout(timer);
          acks.delete(envelope_id);
          resolve(ack);
        });
        socket.send(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type === 'slash_commands', retry_attempt: 0, retry_reason: '' }));
      });
    },
    async close() {
      clearInterval(ping);
      stub.server.off('upgrade', onUpgrade);
      for (const s of sockets) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

interface Element {
  type: string;
  action_id?: string;
  value?: string;
  options?: { text: { type: string; text: string }; value: string }[];
}

/** What Slack sends when `user` uses the element `actionId` of a message the stub stored. */
export function clickPayload(stub: SlackStub, o: { channel: string; ts: string; actionId: string; user?: SlackUser; option?: string; date?: string; blockId?: string }): Record<string, unknown> {
  const message = stub.messages(o.channel).find((m) => m.ts === o.ts);
  if (!message) throw new Error(`no message ${o.ts} in ${o.channel}`);
  const blocks = message.blocks ?? [];
  const block = blocks.find((b) => (o.blockId === undefined || b.block_id === o.blockId) && ((b.elements as Element[] | undefined) ?? []).some((e) => e.action_id === o.actionId));
  const element = ((block?.elements as Element[] | undefined) ?? []).find((e) => e.action_id === o.actionId);
  if (!block || !element) throw new Error(`message ${o.ts} has no element ${o.actionId}`);
  const user = o.user ?? ALICE;
  const channelId = stub.channelId(o.channel);
  const action: Record<string, unknown> = { type: element.type, action_id: o.actionId, block_id: block.block_id, action_ts: String(Date.now() / 1000) };
  if (element.type === 'button') action.value = element.value;
  if (element.type === 'static_select') {
    const chosen = element.options?.find((x) => x.value === o.option);
    if (!chosen) throw new Error(`${o.actionId} has no option ${o.option ?? '(none given)'}`);
    action.selected_option = chosen;
  }
  if (element.type === 'datepicker') action.selected_date = o.date;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.username, name: user.username, team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false },
    trigger_id: stub.issueTrigger(),
    team: { id: 'T0001', domain: 'example' },
    channel: { id: channelId, name: o.channel.replace(/^#/, '') },
    message: { type: 'message', ts: message.ts, text: message.text, blocks, bot_id: 'B0001' },
    response_url: stub.responseUrl(),
    actions: [action],
    state: { values: {} },
  };
}

/** What Slack sends when `user` submits an opened view with these values (block_id → action_id → value). */
export function viewSubmissionPayload(stub: SlackStub, viewId: string, values: Record<string, Record<string, unknown>>, user: SlackUser = ALICE): Record<string, unknown> {
  const opened = stub.views.get(viewId);
  if (!opened) throw new Error(`no view ${viewId} was opened`);
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'example' },
    user: { id: user.id, username: user.username, name: user.username, team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy-verification-token',
    trigger_id: stub.issueTrigger(),
    view: { ...opened.view, id: viewId, state: { values } },
    response_urls: [],
  };
}

/** A slash command as Slack posts it (form fields). */
export function commandFields(stub: SlackStub, o: { command: string; text: string; channel: string; user?: SlackUser }): Record<string, string> {
  const user = o.user ?? ALICE;
  return {
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'example',
    channel_id: stub.channelId(o.channel),
    channel_name: o.channel.replace(/^#/, ''),
    user_id: user.id,
    user_name: user.username,
    command: o.command,
    text: o.text,
    api_app_id: 'A0001',
    response_url: stub.responseUrl(),
    trigger_id: stub.issueTrigger(),
  };
}
