// Issue #6: what the operator uses. CLI commands (preview, backtest, dlq, send-test) run as a user
// runs them (the built bin), HTTP endpoints on a real server, and the watchdog's operator alerts.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB } from '../../src/queue/names.js';
import { renderStatusPage } from '../../src/http/status-page.js';
import { syncSchedulers } from '../../src/queue/schedules.js';
import type { Service } from '../../workers/service.js';
import { makeEvent } from '../helpers/events.js';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/release-radar.js');
const fixture = (p: string): string => path.resolve('test/fixtures', p);

const TEAMS = [
  { id: 'torch', name: 'Torch', timezone: 'Europe/Berlin', slack: { channels: ['#torch', '#torch-oncall'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.3', deliver: 'immediate' }] },
  { id: 'tf', name: 'TF', timezone: 'America/Los_Angeles', email: { to: ['tf@example.com'] }, subscriptions: [{ frameworks: ['tensorflow'], versions: '2.x' }] },
  { id: 'base', name: 'Base', slack: { channels: ['#base'] }, subscriptions: [{ frameworks: ['base'], versions: '>=12.4', kinds: ['new-image'] }] },
];

describe('operating release-radar', () => {
  let prefix: string;
  let slack: SlackStub;
  let mail: MailSink;
  let docs: DocumentServer;
  let service: Service | null = null;
  let now = new Date('2026-07-01T10:00:00Z');

  beforeEach(async () => {
    prefix = uniquePrefix('operate');
    [slack, mail, docs] = await Promise.all([startSlackStub(), startMailSink(), startDocumentServer()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all([slack.close(), mail.close(), docs.close()]);
    await deletePrefix(prefix);
  });

  const cli = (configDir: string, args: string[], env: Record<string, string> = {}) =>
    run('node', [BIN, ...args], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl, ...env } });

  it('preview: who gets an event and, for every other team, why not — from a feed, an event file or a table diff', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/f.xml' }], TEAMS);
    const { stdout } = await cli(configDir, ['preview', '--feed', fixture('dlvm/release-notes.atom.xml'), '--entry', 'November_20_2024', '--json']);
    const rows = JSON.parse(stdout) as { event: { title: string }; teams: { team: string; route: string; targets: string[]; detail: string | null }[] }[];
    const torch = rows.find((r) => r.event.title === 'PyTorch 2.4.0 images with CUDA 12.4 are now available (M126)');
    expect(torch?.teams).toEqual([
      { team: 'torch', route: 'immediate', targets: ['#torch', '#torch-oncall', 'email: torch@example.com'], detail: null },
      { team: 'tf', route: 'none', targets: [], detail: 'subscriptions[0]: pytorch not in frameworks [tensorflow]' },
      { team: 'base', route: 'none', targets: [], detail: 'subscriptions[0]: pytorch not in frameworks [base]' },
    ]);
    // A new image is routine: under deliver auto it waits for the digest.
    expect(rows.find((r) => r.event.title === 'Base (CUDA) 12.4 images are now available (M126)')?.teams.map((t) => t.route)).toEqual(['none', 'none', 'digest']);

    // An event file (as parse --json prints) and a draft config: the TF team now wants it at once.
    const eventFile = path.join(tmpdir(), `${prefix}-event.json`);
    await writeFile(eventFile, JSON.stringify(makeEvent('tf-patch', { framework: 'tensorflow', version: '2.17.1', kind: 'patch-update', title: 'TensorFlow 2.17.1 patch update' })));
    const draft = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/f.xml' }], [{ ...TEAMS[1], subscriptions: [{ frameworks: ['tensorflow'], deliver: 'immediate' }] }]);
    const before = await cli(configDir, ['preview', '--event', eventFile]);
    const after = await cli(configDir, ['preview', '--event', eventFile, '--config', draft]);
    expect(before.stdout).toContain('→ tf: digest (in the daily digest at 09:00 America/Los_Angeles) → email: tf@example.com');
    expect(after.stdout).toContain('→ tf: immediate → email: tf@example.com');

    const diff = await cli(configDir, ['preview', '--table-diff', fixture('dlvm/versions-table.html'), fixture('dlvm/versions-table.2026-07.html'), '--json']);
    const changes = JSON.parse(diff.stdout) as { event: { kind: string; version: string }; teams: { team: string; route: string }[] }[];
    expect(changes.find((c) => c.event.kind === 'version-added')?.teams.find((t) => t.team === 'torch')?.route).toBe('immediate');
  });

  it('backtest: what each team would have received over a period, through a draft config, sending nothing', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/f.xml' }], TEAMS);
    const { stdout } = await cli(configDir, ['backtest', '--feed', fixture('dlvm/release-notes.atom.xml'), '--since', '2024-01-01', '--now', '2025-12-31T00:00:00Z', '--json']);
    const teams = Object.fromEntries((JSON.parse(stdout) as { team: string; immediate: string[]; digest: string[] }[]).map((r) => [r.team, r]));
    expect(teams.torch?.immediate).toEqual(
      expect.arrayContaining(['2024-11-20 PyTorch 2.4.0 images with CUDA 12.4 are now available (M126)', '2025-07-14 PyTorch 2.3 and earlier reached end of patch and support']),
    );
    expect(teams.torch?.immediate.every((t) => /PyTorch/.test(t))).toBe(true);
    expect(teams.tf?.immediate).toEqual(expect.arrayContaining(['2025-07-14 TensorFlow 2.17 and earlier reached end of patch and support']));
    expect(teams.tf?.digest).toEqual(expect.arrayContaining(['2024-09-26 TensorFlow 2.17 images are now available (M125)']));
    // Base: new images of CUDA >= 12.4 only, routine, so in digests.
    expect(teams.base?.immediate).toEqual([]);
    // (A new-image note that names no CUDA version, "Re-enabled common-gpu releases", reaches every range.)
    expect(teams.base?.digest).toEqual(['2024-05-17 Base (CUDA) images are now available (M121)', '2024-11-20 Base (CUDA) 12.4 images are now available (M126)']);
    expect(slack.calls).toHaveLength(0);
    expect(mail.messages).toHaveLength(0);
    // The human table says the same.
    const text = await cli(configDir, ['backtest', '--feed', fixture('dlvm/release-notes.atom.xml'), '--since', '2024-01-01', '--now', '2025-12-31T00:00:00Z']);
    expect(text.stdout).toMatch(/^\d+ event\(s\) published 2024-01-01 … 2025-12-31/);
    expect(text.stdout).toContain(`torch: ${teams.torch?.immediate.length ?? -1} immediate`);
  });

  it('dead letters: listed with their reason, retried after the fix, dropped; send-test reports each target', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/f.xml' }], TEAMS);
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl, SLACK_CHANNEL_INTERVAL_MS: '0' }, service: { clock: () => now } });
    slack.script = ['channel_not_found', 'channel_not_found'];
    await service.deps.queues.match.add(JOB.match, { sourceId: 'x', batchId: 'b1', events: [makeEvent('torch-new', { version: '2.9', title: 'PyTorch 2.9 images' })] });
    await waitForIdle(service.deps.queues);
    const page = renderStatusPage(service.deps);
    expect(await page).toContain('2 dead letter(s): see <code>release-radar dlq list</code>');
    const listed = JSON.parse((await cli(configDir, ['dlq', 'list', '--json'])).stdout) as { id: string; code: string; team: string; target: string }[];
    expect(listed.map((l) => [l.code, l.team, l.target]).sort()).toEqual([
      ['channel_not_found', 'torch', '#torch'],
      ['channel_not_found', 'torch', '#torch-oncall'],
    ]);
    // The bot is invited to the channel; retry one, drop the other.
    const [first, second] = listed;
    const retried = await cli(configDir, ['dlq', 'retry', first?.id ?? '']);
    expect(retried.stdout).toContain(`retrying ${first?.id ?? ''}`);
    await waitFor(() => slack.alerts().length === 1, 'the retried delivery');
    expect(slack.alerts()[0]?.body.channel).toBe(first?.target);
    await cli(configDir, ['dlq', 'drop', second?.id ?? '']);
    expect((await cli(configDir, ['dlq', 'list'])).stdout.trim()).toBe('no dead letters');
    const unknown = await cli(configDir, ['dlq', 'retry', 'nope']).catch((e: { stderr: string }) => e);
    expect(unknown).toMatchObject({ stderr: expect.stringContaining('no dead letter nope') });

    // send-test: every target, every failure reported, non-zero exit when one fails.
    const ok = await cli(configDir, ['send-test', 'torch']);
    expect(ok.stdout.split('\n').filter(Boolean).map((l) => l.split(' (')[0])).toEqual(['ok      slack #torch [slack]', 'ok      slack #torch-oncall [slack]', 'ok      email torch@example.com [smtp]']);
    slack.script = ['ok', 'not_in_channel'];
    const failed = await cli(configDir, ['send-test', 'torch']).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('1 of 3 target(s) failed') });
  });

  it('HTTP: health, readiness with schedulers, metrics, status page with events and timelines, admin behind its token', async () => {
    docs.serve('/images.html', (await import('node:fs')).readFileSync(fixture('dlvm/versions-table.html'), 'utf8'));
    const configDir = await writeConfig([{ id: 'images', kind: 'versions-table', url: `${docs.url}/images.html` }], TEAMS);
    now = new Date('2026-04-10T10:00:00Z');
    service = await startTestService({ prefix, configDir, env: { ADMIN_TOKEN: 'admin-token-for-tests-123' }, service: { clock: () => now, http: true } });
    const base = service.http?.url ?? '';
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { problems: string[] }).problems).toEqual(expect.arrayContaining(['no poll sweep scheduler', 'source images is not in the poll plan', 'no digest scheduler for team torch', 'no watchdog scheduler']));
    await syncSchedulers(service.deps, service.deps.config);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // A new source is due at once: the poll sweep polls it.
    await waitFor(async () => (await service?.deps.sources.get('images'))?.lastChangeAt !== null, 'the sweep to poll the new source');
    await waitForIdle(service.deps.queues, 20_000, { held: true }); // the schedulers' next runs are minutes away
    await service.deps.eventLog.record([makeEvent('shown-on-status-page', { title: 'PyTorch 2.9 images are now available' })]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['release_radar_polls_total{source="images",outcome="changed"} 1', 'release_radar_queue_depth', 'release_radar_source_seconds_since_success{source="images"}', 'release_radar_deliveries_total']) {
      expect(metrics).toContain(name);
    }
    const pageResponse = await fetch(`${base}/`);
    // No script may run on the status page, and it is not sniffed, framed or referred onwards.
    expect(pageResponse.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'/);
    expect(pageResponse.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe-inline/);
    expect(pageResponse.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pageResponse.headers.get('referrer-policy')).toBe('no-referrer');
    const page = await pageResponse.text();
    expect(page).not.toMatch(/<script|\sstyle="|\son[a-z]+=/i);
    expect(page).toContain(`<tr data-source="images"><td>images</td><td>versions-table</td><td><code>${docs.url}/images.html</code></td><td><span class="ok">ok</span>`);
    expect(page).toContain('PyTorch 2.9 images are now available');
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-team="torch" data-today="2026-04-10"');
    expect(page.match(/class="patched"/g)?.length).toBeGreaterThan(3);
    expect(page).toContain('<tr data-queue="deliver"><td>deliver</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>');
    expect(page).not.toContain('dead letter(s)');

    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: { authorization: 'Bearer wrong-token-xxxxxxxxx' } })).status).toBe(401);
    const board = await fetch(`${base}/admin/queues`, { headers: { authorization: 'Bearer admin-token-for-tests-123' } });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/bull/i);
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: `Basic ${Buffer.from('ops:admin-token-for-tests-123').toString('base64')}` } });
    expect(((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual(expect.arrayContaining(['poll', 'deliver', 'dead-letter']));
  });

  it('statements the reader does not understand are listed on the status page and counted in /metrics, per source', async () => {
    const feed = (body: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x</id><title>x</title><updated>2026-07-01T00:00:00Z</updated>${body}</feed>`;
    const entry = (day: string, html: string): string =>
      `<entry><title>${day}</title><id>tag:x#${day.replace(/\W+/g, '_')}</id><updated>2026-07-01T00:00:00-07:00</updated><content type="html">${html.replace(/</g, '&lt;')}</content></entry>`;
    docs.serve('/notes.xml', feed(entry('June 01, 2026', '<h3>Feature</h3><p>PyTorch 2.9 images are now available.</p>')));
    const configDir = await writeConfig([{ id: 'notes', kind: 'feed', url: `${docs.url}/notes.xml` }], TEAMS);
    service = await startTestService({ prefix, configDir, service: { http: true } });
    const base = service.http?.url ?? '';
    await pollNow(service, 'notes');
    await waitForIdle(service.deps.queues);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('release_radar_unread_statements{source="notes"} 0');
    docs.serve('/notes.xml', feed(entry('July 01, 2026', '<h3>Changed</h3><p>PyTorch notebooks look different in the quarterly colour scheme.</p><p>TensorFlow 2.17 images are now available.</p>') + entry('June 01, 2026', '<h3>Feature</h3><p>PyTorch 2.9 images are now available.</p>')));
    await pollNow(service, 'notes');
    await waitForIdle(service.deps.queues);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('release_radar_unread_statements{source="notes"} 1');
    const page = await (await fetch(`${base}/`)).text();
    const unread = /<table id="unread">(.*?)<\/table>/s.exec(page)?.[1] ?? '';
    expect(unread).toContain('PyTorch notebooks look different in the quarterly colour scheme.');
    expect(unread).toContain('July 01, 2026');
    expect(unread).not.toContain('TensorFlow 2.17 images are now available');
  });

  it('the watchdog tells the operator once when a source stops working or goes silent, and once when it recovers', async () => {
    const configDir = await writeConfig([{ id: 'feed', kind: 'feed', url: `${docs.url}/feed.xml`, every: '10m' }], TEAMS);
    const sources = path.join(configDir, 'sources.yaml');
    const yaml = (await import('js-yaml')).default.dump({ sources: [{ id: 'feed', kind: 'feed', url: `${docs.url}/feed.xml`, every: '10m' }], operator: { slack: { channels: ['#ops'] } }, watchdog: { missedPolls: 3 } });
    await writeFile(sources, yaml);
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SLACK_CHANNEL_INTERVAL_MS: '0' }, service: { clock: () => now } });
    const s = service;
    const watch = async (): Promise<void> => {
      await s.deps.queues.watchdog.add(JOB.watchdog, {});
      await waitForIdle(s.deps.queues);
    };
    await pollNow(s, 'feed');
    await waitForIdle(s.deps.queues);
    await watch(); // first look: the clock starts now
    now = new Date(now.getTime() + 31 * 60_000); // 31 min = more than 3 × 10 min
    await watch();
    await watch();
    const ops = (): string[] => slack.alerts().filter((c) => c.body.channel === '#ops').map((c) => String(c.body.text));
    expect(ops()).toHaveLength(1);
    expect(ops()[0]).toMatch(/^🔧 Source feed has had no successful poll for 31 min \(3 intervals of 10m\); last error: \S+ answered HTTP 404$/);
    const { readFileSync } = await import('node:fs');
    docs.serve('/feed.xml', readFileSync(fixture('dlvm/release-notes.atom.xml'), 'utf8'));
    await pollNow(s, 'feed');
    await waitForIdle(s.deps.queues);
    await watch();
    expect(ops()).toHaveLength(2);
    expect(ops()[1]).toMatch(/^✅ Source feed recovered \(stale since /);

    // A new entry that yields no event at all (the page changed its markup?): "silent".
    const full = readFileSync(fixture('dlvm/release-notes.atom.xml'), 'utf8');
    const empty = '<entry><title>November 20, 2026</title><id>tag:google.com,2016:deeplearningvm-release-notes#November_20_2026</id><updated>2026-11-20T00:00:00-08:00</updated><content type="html"></content></entry>';
    docs.serve('/feed.xml', full.replace('<entry>', `${empty}<entry>`));
    await pollNow(s, 'feed');
    await waitForIdle(s.deps.queues);
    await watch();
    await watch();
    expect(ops()).toHaveLength(3);
    expect(ops()[2]).toBe('🔧 Source feed: 1 new entry parsed to zero events; has the page format changed?');
  });
});
