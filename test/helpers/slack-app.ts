// One whole service with Slack interactivity on, against the local Slack stub: the supported-
// versions fixture served as a versions-table source (so the lines and dates are the real page's),
// a team "torch" in #torch watching PyTorch >= 2.4 with an escalation channel, and a way to put a
// message with a line's buttons in #torch. `mode` picks Socket Mode or HTTP (signed requests).
import { readFileSync } from 'node:fs';
import type { Service } from '../../workers/service.js';
import { stableId } from '../../src/domain/ids.js';
import { enqueueDeliveries } from '../../src/queue/producers.js';
import type { LifecycleLine } from '../../src/domain/lifecycle.js';
import type { Reminder } from '../../src/domain/reminders.js';
import { makeEvent } from './events.js';
import { deletePrefix, uniquePrefix, waitFor } from './redis.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from './servers.js';
import { pollNow, startTestService, writeConfig } from './service.js';
import { commandFields, interactionBody, postSigned, serveSocketMode, type HttpAnswer, type SocketLink } from './slack-socket.js';
import type { StoredMessage } from './slack-stub.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TABLE = readFileSync(new URL('../fixtures/dlvm/versions-table.2026-07.html', import.meta.url), 'utf8');

export interface SlackAppSetup {
  stub: SlackStub;
  /** Serves the supported-versions page at /versions.html (serve it anew to move a date). */
  docs: DocumentServer;
  service: Service;
  socket: SocketLink | null;
  /** Base URL of the service's HTTP server. */
  url: string;
  /** Sends an interaction payload the way the mode delivers it: HTTP status (200 = acknowledged) or the socket ack. */
  interact(payload: Record<string, unknown>): Promise<{ acked: boolean; status: number | null }>;
  command(text: string, channel?: string): Promise<{ acked: boolean; status: number | null }>;
  /** Posts an alert about one line to #torch through the real deliver stage; the message as Slack stored it. */
  alertAbout(framework: 'pytorch' | 'tensorflow', version: string, kind?: 'end-of-support-reached' | 'patch-update'): Promise<StoredMessage>;
  /** The team's lifecycle lines, as the page gave them. */
  lines(): Promise<LifecycleLine[]>;
  /** Sends reminders through the deliver stage (as the remind stage would) and returns the message. */
  remindAbout(reminders: Reminder[]): Promise<StoredMessage>;
}

export async function startSlackAppSetup(later: (close: () => Promise<unknown>) => void, mode: 'http' | 'socket' | 'off', options: { env?: Record<string, string>; clock?: () => Date } = {}): Promise<SlackAppSetup> {
  const prefix = uniquePrefix(`slack-${mode}`);
  later(() => deletePrefix(prefix));
  const [stub, docs] = await Promise.all([startSlackStub(), startDocumentServer()]);
  later(() => stub.close());
  later(() => docs.close());
  docs.serve('/versions.html', TABLE);
  const socket = mode === 'socket' ? serveSocketMode(stub) : null;
  if (socket) later(() => socket.close());
  const configDir = await writeConfig(
    [{ id: 'dlvm-supported-versions', kind: 'versions-table', url: `${docs.url}/versions.html`, every: '1h' }],
    [{ id: 'torch', name: 'Torch', timezone: 'Europe/Berlin', slack: { channels: ['#torch'] }, escalation: { slack: { channels: ['#torch-leads'] } }, subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.4', deliver: 'immediate' }] }],
  );
  const modeEnv: Record<string, string> = mode === 'http' ? { SLACK_SIGNING_SECRET: SIGNING_SECRET } : mode === 'socket' ? { SLACK_APP_TOKEN: stub.appTokens[0] ?? '' } : {};
  const service = await startTestService({
    prefix,
    configDir,
    env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: stub.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0', CANARY_EVERY_MS: '0', ...modeEnv, ...options.env },
    service: { http: true, ...(options.clock ? { clock: options.clock } : {}) },
  });
  later(() => service.close());
  const url = service.http?.url ?? '';
  await pollNow(service, 'dlvm-supported-versions');
  await waitFor(async () => (await service.deps.lifecycle.lines()).some((l) => l.framework === 'pytorch' && l.version === '2.7'), 'the versions table to be read');
  if (socket) await socket.waitConnected();

  const via = async (kind: 'interactive' | 'slash_commands', payload: Record<string, unknown>, body: string, path: string): Promise<{ acked: boolean; status: number | null }> => {
    if (socket) return { acked: (await socket.send(kind, payload)) !== null, status: null };
    const answer: HttpAnswer = await postSigned(`${url}${path}`, SIGNING_SECRET, body);
    return { acked: answer.status === 200, status: answer.status };
  };
  // The delivery's own message among the new ones (a line's first message also brings its parent).
  const newMessage = async (channel: string, before: number): Promise<StoredMessage> => {
    const own = (): StoredMessage | undefined => stub.messages(channel).slice(before).find((m) => !isParentMessage(m));
    await waitFor(() => own() !== undefined, `a message in ${channel}`);
    const m = own();
    if (!m) throw new Error('no message');
    return m;
  };
  return {
    stub,
    docs,
    service,
    socket,
    url,
    interact: (payload) => via('interactive', payload, interactionBody(payload), '/slack/interactions'),
    command: (text, channel = '#torch') => {
      const fields = commandFields(stub, { command: '/radar', text, channel });
      return via('slash_commands', fields, new URLSearchParams(fields).toString(), '/slack/commands');
    },
    async alertAbout(framework, version, kind = 'end-of-support-reached') {
      const before = stub.messages('#torch').length;
      const event = makeEvent(`${framework}-${version}-${kind}`, { kind, framework, version, scope: 'exact', title: `${framework} ${version}` });
      await enqueueDeliveries(service.deps.queues, [{ deliveryId: stableId('alert', framework, version, kind, String(Date.now())), teamId: 'torch', target: { type: 'slack', channel: '#torch' }, events: [event], purpose: 'alert' }], new Date());
      return newMessage('#torch', before);
    },
    lines: () => service.deps.lifecycle.lines(),
    async remindAbout(reminders) {
      const before = stub.messages('#torch').length;
      await enqueueDeliveries(service.deps.queues, [{ deliveryId: stableId('reminder', String(Date.now())), teamId: 'torch', target: { type: 'slack', channel: '#torch' }, purpose: 'reminder', reminders }], new Date());
      return newMessage('#torch', before);
    },
  };
}

/** A line thread's lifecycle parent (its delivery id ends in "|parent"). */
export function isParentMessage(m: StoredMessage): boolean {
  const id = m.metadata?.event_payload.delivery_id;
  return typeof id === 'string' && id.endsWith('|parent');
}

/** The lifecycle parent of a line in a channel, as Slack holds it now. */
export function parentIn(stub: SlackStub, channel: string, lineText: string): StoredMessage | undefined {
  return stub.messages(channel).find((m) => isParentMessage(m) && m.text.startsWith(lineText));
}

/** The block_id of the line buttons in a message (the first set). */
export function lineBlockId(message: StoredMessage): string {
  const block = (message.blocks ?? []).find((b) => typeof b.block_id === 'string' && b.block_id.startsWith('rr|') && !b.block_id.endsWith('|status'));
  if (!block) throw new Error('the message has no line buttons');
  return String(block.block_id);
}

/** The status line the app wrote under a line's buttons, if any. */
export function statusOf(message: StoredMessage): string | null {
  const block = (message.blocks ?? []).find((b) => typeof b.block_id === 'string' && b.block_id.endsWith('|status'));
  const elements = (block?.elements as { text?: string }[] | undefined) ?? [];
  return elements[0]?.text ?? null;
}
