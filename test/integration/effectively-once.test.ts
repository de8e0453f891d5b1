// Effectively-once to Slack. An attempt that died inside the send leaves its claim unfinalized;
// the retry must look in the channel's history (message metadata carries the delivery id) and
// record what it finds instead of posting again. Each case sets up the state such an attempt
// leaves behind — the ledger claim in Redis and, when the post got through, the message in Slack,
// posted by the real notifier — then lets the real service retry it. Without the history scopes
// the retry posts again, says so once, and /metrics shows it. Email gets one Message-ID per
// delivery, the same on every retry.
import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/ids.js';
import { createSlackNotifier } from '../../src/notify/slack.js';
import { enqueueDeliveries } from '../../src/queue/producers.js';
import { JOB } from '../../src/queue/names.js';
import { DeliverJobSchema, type DeliverJobInput } from '../../src/queue/payloads.js';
import { threadKeyOf } from '../../src/processors/deliver.js';
import type { Service } from '../../workers/service.js';
import { makeEvent } from '../helpers/events.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { captureLogs, type CapturedLogs } from '../helpers/logs.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { startMailSink, startSlackStub, type MailSink, type SlackStub } from '../helpers/servers.js';
import { startTestService, writeConfig } from '../helpers/service.js';

const team = { id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] };

describe('effectively-once delivery after an unknown outcome', () => {
  const later = cleanupAfterEach();

  async function setup(): Promise<{ slack: SlackStub; mail: MailSink; service: Service; logs: CapturedLogs }> {
    const prefix = uniquePrefix('once');
    later(() => deletePrefix(prefix));
    const [slack, mail] = await Promise.all([startSlackStub(), startMailSink()]);
    later(() => slack.close());
    later(() => mail.close());
    const logs = captureLogs('info');
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], [team]);
    const service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl, MAIL_FROM: 'release-radar <radar@alerts.example.com>' }, logger: logs.logger });
    later(() => service.close());
    return { slack, mail, service, logs };
  }

  // Top-level alerts (a general note); the threaded case below names a version line.
  const alert = (n: number, over: Parameters<typeof makeEvent>[1] = {}): DeliverJobInput => ({
    deliveryId: stableId('once', String(n)),
    teamId: 'torch',
    target: { type: 'slack', channel: '#torch' },
    events: [makeEvent(`once-${n}`, { title: `alert ${n}`, framework: null, version: null, scope: null, ...over })],
    purpose: 'alert',
  });

  /** What a killed attempt leaves: its claim, and (when the request got through) the message in Slack. */
  async function killedAttempt(s: Service, slack: SlackStub, job: DeliverJobInput, posted: { threadTs?: string } | null, deliveryId = job.deliveryId): Promise<string | null> {
    await s.deps.ledger.claim(job.deliveryId, 'killed#0', Date.now() - 5_000);
    if (!posted) return null;
    const notifier = createSlackNotifier({ token: 'xoxb-test', apiUrl: slack.apiUrl });
    return notifier.send('#torch', { text: deliveryId === job.deliveryId ? `${job.events?.[0]?.title ?? ''}` : 'PyTorch 2.4: parent', blocks: [] }, deliveryId, posted);
  }

  const metric = async (s: Service, name: string): Promise<string> => (await s.deps.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#')).join('\n');

  it('finds the message a killed attempt posted and records it instead of posting again; posts what never arrived', async () => {
    const { slack, service: s, logs } = await setup();
    const arrived = alert(1);
    const lost = alert(2);
    const ts = await killedAttempt(s, slack, arrived, {});
    await killedAttempt(s, slack, lost, null);
    await enqueueDeliveries(s.deps.queues, [arrived, lost], new Date());
    await waitForIdle(s.deps.queues);

    // One message each in the channel: the found one was not posted twice, the lost one was posted.
    const texts = slack.messages('#torch').map((m) => m.text);
    expect(texts.filter((t) => t === 'alert 1')).toHaveLength(1);
    expect(texts.filter((t) => t.endsWith('alert 2'))).toHaveLength(1);
    expect(await s.deps.ledger.state(arrived.deliveryId)).toBe(`sent:${ts ?? ''}`);
    expect(await s.deps.ledger.state(lost.deliveryId)).toMatch(/^sent:\d+\.\d{6}$/);
    // It asked with the channel's id (Slack's history takes no names) and for the metadata.
    const lookups = slack.calls.filter((c) => c.method.startsWith('conversations.') && c.method !== 'conversations.list');
    expect(lookups.map((c) => c.method)).toEqual(['conversations.history', 'conversations.history']);
    expect(lookups[0]?.body).toMatchObject({ channel: expect.stringMatching(/^C\d+$/), include_all_metadata: 'true' });
    // Every message carries its delivery id.
    expect(slack.messages('#torch').map((m) => m.metadata)).toEqual([
      { event_type: 'release_radar_delivery', event_payload: { delivery_id: arrived.deliveryId } },
      { event_type: 'release_radar_delivery', event_payload: { delivery_id: lost.deliveryId } },
    ]);
    expect(await metric(s, 'release_radar_uncertain_retries_total')).toContain('release_radar_uncertain_retries_total{channel="slack",resolution="found"} 1');
    expect(await metric(s, 'release_radar_uncertain_retries_total')).toContain('release_radar_uncertain_retries_total{channel="slack",resolution="not-found"} 1');
    expect(logs.lines.find((l) => l.deliveryId === arrived.deliveryId && l.outcome === 'found-in-history')).toBeDefined();
  });

  it('a line\'s thread: a parent a killed attempt posted is found and becomes the root; a reply it posted is found in the thread', async () => {
    const { slack, service: s } = await setup();
    const version = { framework: 'pytorch' as const, version: '2.4', scope: 'exact' as const };
    // A killed attempt posted the line's lifecycle parent (the thread's id, "…|parent") and died
    // before remembering it or posting the alert.
    const first = alert(10, version);
    const parentTs = await killedAttempt(s, slack, first, {}, `${stableId('thread', 'torch|#torch|pytorch|2.4')}|parent`);
    await enqueueDeliveries(s.deps.queues, [first], new Date());
    await waitForIdle(s.deps.queues);
    const key = threadKeyOf(DeliverJobSchema.parse(first));
    expect(key).toBe('torch|#torch|pytorch|2.4');
    expect(await s.deps.threads.get(key ?? '')).toBe(parentTs);
    expect(slack.parents()).toHaveLength(1); // not posted again
    expect(slack.messages('#torch').find((m) => m.text.endsWith('alert 10'))?.thread_ts).toBe(parentTs);

    // The next alert of the line: a killed attempt replied in the thread; the retry looks there.
    const reply = alert(11, { ...version, kind: 'patch-update' });
    const replyTs = await killedAttempt(s, slack, reply, { threadTs: parentTs ?? '' });
    await enqueueDeliveries(s.deps.queues, [reply], new Date());
    await waitForIdle(s.deps.queues);
    // Both retries looked in the line's thread (the first for its own alert, after finding the parent).
    expect(slack.calls.filter((c) => c.method === 'conversations.replies').map((c) => c.body.ts)).toEqual([parentTs, parentTs]);
    expect(await s.deps.ledger.state(reply.deliveryId)).toBe(`sent:${replyTs ?? ''}`);
    expect(slack.messages('#torch').filter((m) => m.text.endsWith('alert 11'))).toHaveLength(1);

    // A third alert, sent normally, lands in the same thread.
    await enqueueDeliveries(s.deps.queues, [alert(12, { ...version, kind: 'security-update' })], new Date());
    await waitForIdle(s.deps.queues);
    expect(slack.messages('#torch').at(-1)?.thread_ts).toBe(parentTs);
  });

  it('without the history scopes it posts again (at-least-once), says so once in the log and in /metrics', async () => {
    const { slack, service: s, logs } = await setup();
    slack.workspace.scopes = ['chat:write', 'channels:read', 'groups:read'];
    const jobs = [alert(20), alert(21)];
    for (const j of jobs) await killedAttempt(s, slack, j, {});
    await enqueueDeliveries(s.deps.queues, jobs, new Date());
    await waitForIdle(s.deps.queues);

    expect(slack.messages('#torch').filter((m) => m.text.endsWith('alert 20'))).toHaveLength(2);
    const refusals = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Slack refused to show the channel history'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ code: 'missing_scope', needs: ['channels:history', 'groups:history'] });
    expect(await metric(s, 'release_radar_uncertain_retries_total')).toContain('release_radar_uncertain_retries_total{channel="slack",resolution="resent-unchecked"} 2');
    expect(await metric(s, 'release_radar_slack_history_lookup_available')).toBe('release_radar_slack_history_lookup_available 0');
  });

  it('a failed lookup is retried later, never answered by posting blind; a later failed send keeps the uncertainty', async () => {
    const { slack, service: s } = await setup();
    const job = alert(30);
    const ts = await killedAttempt(s, slack, job, {});
    // Slack is down for the lookup and for one more call: the retries still look before posting.
    slack.script = ['server-error', 'server-error'];
    await s.deps.queues.deliver.add(JOB.slack, job, { jobId: job.deliveryId, attempts: 5, backoff: { type: 'fixed', delay: 50 } });
    await waitFor(async () => (await s.deps.ledger.state(job.deliveryId))?.startsWith('sent:') ?? false, 'the delivery to be recorded');
    expect(await s.deps.ledger.state(job.deliveryId)).toBe(`sent:${ts ?? ''}`);
    expect(slack.posted()).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'conversations.history').length).toBeGreaterThanOrEqual(1);
  });

  it('every email carries one Message-ID per delivery, the same on a retry after an unknown outcome', async () => {
    const { mail, service: s } = await setup();
    const email: DeliverJobInput = { ...alert(40), target: { type: 'email', to: ['torch@example.com'] } };
    await enqueueDeliveries(s.deps.queues, [email], new Date());
    await waitForIdle(s.deps.queues);
    // A retry of the same delivery after an attempt that died mid-send.
    await s.deps.redis.del(`${s.deps.prefix}:ledger:${email.deliveryId}`);
    await s.deps.ledger.claim(email.deliveryId, 'killed#0', Date.now() - 1_000);
    await s.deps.queues.deliver.add(JOB.email, email, { jobId: `${email.deliveryId}-retry` });
    await waitFor(() => mail.messages.length === 2, 'the resent email');
    const ids = mail.messages.map((m) => m.messageId);
    expect(ids[0]).toBe(`<${email.deliveryId}.release-radar@alerts.example.com>`);
    expect(ids[1]).toBe(ids[0]);
    expect(await metric(s, 'release_radar_uncertain_retries_total')).toContain('release_radar_uncertain_retries_total{channel="email",resolution="resent-same-message-id"} 1');
  });
});
