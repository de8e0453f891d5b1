// Bad input loses nothing and breaks nothing else; failed sends are retried or dead-lettered,
// never dropped silently; without credentials alerts land in the outbox.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/ids.js';
import type { ReleaseEvent } from '../../src/domain/events.js';
import { JOB } from '../../src/queue/names.js';
import type { DeliverJobInput } from '../../src/queue/payloads.js';
import type { Service } from '../../workers/service.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startSlackStub, type DocumentServer, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const FEED = readFileSync(new URL('../fixtures/dlvm/release-notes.atom.xml', import.meta.url), 'utf8');
const TABLE = readFileSync(new URL('../fixtures/dlvm/versions-table.html', import.meta.url), 'utf8');
const TABLE_LATER = readFileSync(new URL('../fixtures/dlvm/versions-table.2026-07.html', import.meta.url), 'utf8');

const team = { id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] };

// A general security note (no version line): top-level, so the calls below are the alert's alone.
function sampleEvent(n: number): ReleaseEvent {
  return {
    id: stableId('sample', String(n)), source: 'manual', entryId: `e${n}`, noteId: stableId('note', String(n)), publishedAt: '2025-07-14T07:00:00.000Z', kind: 'security-update',
    framework: null, version: null, scope: null, release: null, cuda: null, python: null, os: null, cves: ['CVE-2025-0001'], imageFamilies: [], noteType: 'security',
    title: `Security update ${n} <!channel>`, text: 'Hostile <!here> text with <https://evil.test|a link> & @channel', url: 'https://example.test/n', update: false,
  };
}

function deliverJob(n: number, channel: string): DeliverJobInput {
  return { deliveryId: stableId('test-delivery', String(n), channel), teamId: 'torch', target: { type: 'slack', channel }, events: [sampleEvent(n)], purpose: 'alert' };
}

describe('failures', () => {
  let prefix = '';
  let service: Service | null = null;
  const servers: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await deletePrefix(prefix);
  });

  async function setup(sources: unknown[], env: Record<string, string> = {}, clock?: () => Date): Promise<{ feeds: DocumentServer; slack: SlackStub; service: Service }> {
    prefix = uniquePrefix('failures');
    const feeds = await startDocumentServer();
    const slack = await startSlackStub();
    servers.push(feeds, slack);
    const configDir = await writeConfig(sources.map((s) => JSON.parse(JSON.stringify(s).replaceAll('FEEDS', feeds.url)) as unknown), [team]);
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-secret-test-token', SLACK_API_URL: slack.apiUrl, ...env }, ...(clock ? { service: { clock } } : {}) });
    return { feeds, slack, service };
  }

  it('a broken feed marks only that source failing, keeps its raw body, and the others keep working', async () => {
    const { feeds, service } = await setup([
      { id: 'broken', kind: 'feed', url: 'FEEDS/broken.xml' },
      { id: 'html', kind: 'feed', url: 'FEEDS/page.html' },
      { id: 'missing', kind: 'feed', url: 'FEEDS/404.xml' },
      { id: 'good', kind: 'feed', url: 'FEEDS/good.xml' },
    ]);
    feeds.serve('/broken.xml', '<feed><entry><title>cut off');
    feeds.serve('/page.html', '<!doctype html><html><body>Sign in</body></html>', 'text/html');
    feeds.serve('/good.xml', FEED);
    for (const id of ['broken', 'html', 'missing', 'good']) await pollNow(service, id);
    await waitForIdle(service.deps.queues);

    const broken = await service.deps.sources.get('broken');
    expect(broken).toMatchObject({ failing: true, lastErrorCode: 'parse-feed' });
    expect(broken.lastError).toMatch(/not a readable Atom\/RSS feed/);
    expect(await service.deps.redis.get(service.deps.sources.failedBodyKey('broken'))).toBe('<feed><entry><title>cut off');
    expect(await service.deps.sources.get('html')).toMatchObject({ failing: true, lastError: expect.stringMatching(/an HTML page, not a feed/) });
    expect(await service.deps.sources.get('missing')).toMatchObject({ failing: true, lastErrorCode: 'fetch-http-status', lastError: expect.stringMatching(/HTTP 404/) });
    expect(await service.deps.sources.get('good')).toMatchObject({ failing: false, baselineAt: expect.any(String) });

    // An unchanged broken document stays failing; once fixed, the source recovers.
    await pollNow(service, 'broken');
    await waitForIdle(service.deps.queues);
    expect((await service.deps.sources.get('broken')).failing).toBe(true);
    feeds.serve('/broken.xml', FEED);
    await pollNow(service, 'broken');
    await waitForIdle(service.deps.queues);
    expect(await service.deps.sources.get('broken')).toMatchObject({ failing: false, lastError: null });
  });

  it('retries 500s, waits out 429 Retry-After, dead-letters permanent errors; each message sent once', async () => {
    const { slack, service } = await setup([{ id: 'good', kind: 'feed', url: 'FEEDS/good.xml' }]);
    // Job 1 meets a 500 then a 429 then succeeds; job 2 hits channel_not_found and is dead-lettered.
    slack.script.push('server-error', 'ratelimit');
    const ok = deliverJob(1, '#torch');
    await service.deps.queues.deliver.add(JOB.slack, ok, { jobId: ok.deliveryId, backoff: { type: 'fixed', delay: 50 } });
    await waitFor(() => slack.alerts().length === 1, 'first message delivered', 20_000);
    slack.script.push('channel_not_found');
    const lost = deliverJob(2, '#gone');
    await service.deps.queues.deliver.add(JOB.slack, lost, { jobId: lost.deliveryId });
    await waitFor(async () => (await service.deps.queues.deadLetter.getJobCounts('waiting')).waiting === 1, 'dead letter', 10_000);

    // A 500 may follow a post that landed: the retry (after the 429 it met) looked in the
    // channel's history before posting again; channel_not_found is Slack's own refusal.
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'conversations.list', 'conversations.list', 'conversations.history', 'chat.postMessage', 'chat.postMessage']);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.body.channel)).toEqual(['#torch', '#torch', '#gone']);
    expect(slack.alerts()).toHaveLength(1);
    expect(await service.deps.ledger.state(ok.deliveryId)).toMatch(/^sent:/);
    expect(await service.deps.ledger.state(lost.deliveryId)).toBeNull();
    const [letter] = await service.deps.queues.deadLetter.getJobs(['waiting']);
    expect(letter?.data).toMatchObject({ code: 'channel_not_found', jobId: lost.deliveryId, data: { target: { channel: '#gone' } } });
    const failed = await service.deps.queues.deliver.getJob(lost.deliveryId);
    expect(failed?.attemptsMade).toBe(1);
    expect(await failed?.getState()).toBe('failed');

    // Hostile feed text is neutralised in what reaches Slack.
    const blocks = JSON.stringify(slack.alerts()[0]?.body.blocks);
    expect(blocks).not.toContain('<!here>');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<https://evil.test|');
    expect(blocks).toContain('@\u200bchannel');

    // Re-running a delivery that was already sent does not send it again.
    await service.deps.queues.deliver.add(JOB.slack, ok, { jobId: `${ok.deliveryId}-again` });
    await waitForIdle(service.deps.queues);
    expect(slack.alerts()).toHaveLength(1);
  });

  it('without Slack token or SMTP, alerts go to a readable outbox', async () => {
    prefix = uniquePrefix('outbox');
    const feeds = await startDocumentServer();
    servers.push(feeds);
    const configDir = await writeConfig(
      [{ id: 'dlvm', kind: 'feed', url: `${feeds.url}/f.xml` }],
      [{ id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, email: { to: ['t@example.com'] }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] }],
    );
    service = await startTestService({ prefix, configDir });
    const outbox = (service.deps.slack as { mode: string }).mode === 'outbox' ? service : null;
    expect(outbox).not.toBeNull();
    feeds.serve('/f.xml', FEED.replace(/<entry>[\s\S]*?<\/entry>/, ''));
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);
    feeds.serve('/f.xml', FEED);
    await pollNow(service, 'dlvm');
    await waitForIdle(service.deps.queues);

    const slackRef = (await service.deps.redis.get(`${prefix}:ledger:${stableId('alert', (await firstEventId(service)), 'torch', 'slack', '#torch')}`)) ?? '';
    expect(slackRef).toMatch(/^sent:.*\.json$/);
    const dir = path.dirname(slackRef.slice('sent:'.length));
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.txt'))).toHaveLength(1);
    const txt = await readFile(path.join(dir, files.find((f) => f.endsWith('.txt'))!), 'utf8');
    expect(txt).toContain('# 🚨 PyTorch 2.3 and earlier reached end of patch and support');
    expect(txt).toContain('*Kind*: End of support');
    const emailDir = path.join(path.dirname(path.dirname(dir)), 'email');
    const mails = (await readdir(emailDir)).sort();
    expect(mails.map((f) => path.extname(f))).toEqual(['.eml', '.html', '.txt']);
    expect(await readFile(path.join(emailDir, mails[2]!), 'utf8')).toMatch(/^to t@example\.com\nsubject: \[action needed\] PyTorch 2\.3 and earlier reached end of patch and support\n\nAction needed: PyTorch 2\.3/);
    const eml = await simpleParser(await readFile(path.join(emailDir, mails[0]!)));
    expect(eml.subject).toBe('[action needed] PyTorch 2.3 and earlier reached end of patch and support');
    expect((eml.to as { text: string }).text).toBe('t@example.com');
    expect(eml.html).toContain('PyTorch 2.3 and earlier reached end of patch and support</div>');
  });

  it('a versions-table source: baseline first, then date changes are delivered', async () => {
    // The day the July snapshot was taken: what each change means is said relative to it.
    const { feeds, slack, service } = await setup([{ id: 'dlvm-table', kind: 'versions-table', url: 'FEEDS/images' }], {}, () => new Date('2026-07-15T12:00:00Z'));
    feeds.serve('/images', TABLE, 'text/html; charset=utf-8');
    await pollNow(service, 'dlvm-table');
    await waitForIdle(service.deps.queues);
    expect(slack.calls).toHaveLength(0);
    expect((await service.deps.snapshots.get('dlvm-table'))?.rows).toHaveLength(52);

    feeds.serve('/images', TABLE_LATER, 'text/html; charset=utf-8');
    await pollNow(service, 'dlvm-table');
    await waitForIdle(service.deps.queues);
    const titles = slack.alerts().map((c) => String(c.body.text)).sort();
    expect(titles).toEqual([
      '⚠️ Base (CUDA) 12.8 images stop being available on 2027-10-13 (was 2027-04-13)',
      '⚠️ PyTorch 2.10 is now a supported version, patched until 2028-07-01',
      '⚠️ PyTorch 2.7 gets patches until 2026-10-13 (was 2026-04-13)',
      '🚨 PyTorch 1.12 is no longer on the supported-versions page',
      // Its old date was 9 days away: a team planning for it needs to know now.
      '🚨 PyTorch 2.4 images stop being available on 2027-01-24 (was 2026-07-24)',
    ]);
  });
});

async function firstEventId(service: Service): Promise<string> {
  const jobs = await service.deps.queues.match.getJobs(['completed']);
  const events = (jobs[0]?.data as { events: ReleaseEvent[] }).events;
  return events.find((e) => e.framework === 'pytorch')!.id;
}
