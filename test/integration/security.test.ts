// Issue #7, security: hostile feed content is neutralised in Slack and email, no secret reaches the
// logs, source URLs that resolve to non-public addresses are refused unless allowed, and the admin
// pages need their token.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/ingest/fetch.js';
import { JOB } from '../../src/queue/names.js';
import type { Service } from '../../workers/service.js';
import { makeEvent } from '../helpers/events.js';
import { deletePrefix, uniquePrefix, waitFor, waitForIdle } from '../helpers/redis.js';
import { captureLogs } from '../helpers/logs.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackStub } from '../helpers/servers.js';
import { pollNow, startTestService, writeConfig } from '../helpers/service.js';
import { startOwnRedis } from '../helpers/redis-server.js';

const HOSTILE_NOTE =
  '<h3>Security</h3><p><strong>M999 release</strong></p><p>PyTorch 2.4 images fix CVE-2026-1234. &lt;!channel&gt; @here &lt;@U123&gt; ' +
  '&lt;https://evil.example/steal|the release note&gt; *urgent* ~x~ `code` &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</p>';

function feedWith(entryHtml: string, day: string): string {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>tag:t</id><updated>${day}T00:00:00Z</updated>
<entry><title>${day}</title><id>tag:t#${day}</id><updated>${day}T00:00:00Z</updated><link rel="alternate" href="https://example.test/notes#${day}"/><content type="html">${escape(entryHtml)}</content></entry>
</feed>`;
}

describe('security', () => {
  let prefix: string;
  let slack: SlackStub;
  let mail: MailSink;
  let docs: DocumentServer;
  let service: Service | null = null;

  beforeEach(async () => {
    prefix = uniquePrefix('security');
    [slack, mail, docs] = await Promise.all([startSlackStub(), startMailSink(), startDocumentServer()]);
  });

  afterEach(async () => {
    await service?.close();
    service = null;
    await Promise.all([slack.close(), mail.close(), docs.close()]);
    await deletePrefix(prefix);
  });

  it('feed content cannot mention, link, inject markup or mail headers', async () => {
    docs.serve('/feed.xml', feedWith('<h3>Feature</h3><p>Nothing yet.</p>', '2026-07-01'));
    const configDir = await writeConfig([{ id: 'feed', kind: 'feed', url: `${docs.url}/feed.xml` }], [
      { id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] },
    ]);
    service = await startTestService({ prefix, configDir, env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SMTP_URL: mail.smtpUrl, SLACK_CHANNEL_INTERVAL_MS: '0' } });
    await pollNow(service, 'feed');
    await waitForIdle(service.deps.queues);
    docs.serve('/feed.xml', feedWith(HOSTILE_NOTE, '2026-07-02'));
    await pollNow(service, 'feed');
    await waitForIdle(service.deps.queues);
    // A crafted event whose title tries to add a mail header.
    await service.deps.queues.match.add(JOB.match, { sourceId: 'feed', batchId: 'crlf', events: [makeEvent('crlf', { kind: 'security-update', title: 'Patch\r\nBcc: attacker@evil.example\r\nX-Evil: 1' })] });
    await waitForIdle(service.deps.queues);

    expect(slack.posted().length).toBeGreaterThanOrEqual(2);
    for (const call of slack.posted()) {
      const wire = JSON.stringify(call.body);
      expect(wire).not.toMatch(/<!channel>|<!here>|<@U123>|<https:\/\/evil/);
      expect(wire).not.toMatch(/(?<!\u200b)@here/u);
      expect(wire).not.toContain('<script>');
    }
    const hostile = slack.posted().find((c) => JSON.stringify(c.body).includes('CVE-2026-1234'));
    expect(JSON.stringify(hostile?.body.blocks)).toContain('&lt;https://evil.example/steal|the release note&gt;');
    expect(mail.messages.length).toBeGreaterThanOrEqual(2);
    for (const m of mail.messages) {
      expect(m.headers.has('x-evil')).toBe(false);
      expect(m.bcc).toBeUndefined();
      expect(m.subject ?? '').not.toMatch(/[\r\n]/);
      expect(String(m.html)).not.toMatch(/<script>|<img src=x/);
    }
    expect(mail.messages.find((m) => /^\[\w[\w -]*\] Patch Bcc:/.test(m.subject ?? ''))).toBeTruthy();
  });

  it('no secret reaches the logs, even when every send fails', async () => {
    const secrets = { slack: 'xoxb-SECRET-SLACK-TOKEN-5f1e', smtp: 'SMTP-PASSWORD-9a7c', admin: 'ADMIN-TOKEN-abcdef-0123456' };
    const captured = captureLogs('debug');
    docs.serve('/feed.xml', feedWith('<h3>Feature</h3><p>Nothing yet.</p>', '2026-07-01'));
    const configDir = await writeConfig([{ id: 'feed', kind: 'feed', url: `${docs.url}/feed.xml` }], [
      { id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] },
    ]);
    slack.script = ['invalid_auth'];
    service = await startTestService({
      prefix,
      configDir,
      logger: captured.logger,
      env: { SLACK_BOT_TOKEN: secrets.slack, SLACK_API_URL: slack.apiUrl, SMTP_URL: `smtp://ops:${secrets.smtp}@127.0.0.1:1/?tls=off`, ADMIN_TOKEN: secrets.admin, SLACK_CHANNEL_INTERVAL_MS: '0' },
      service: { http: true },
    });
    await service.deps.queues.match.add(JOB.match, { sourceId: 'feed', batchId: 'x', events: [makeEvent('secret-test', { kind: 'security-update' })] });
    // Slack refuses the token (dead letter); SMTP cannot connect (retried later): both are logged.
    await waitFor(() => captured.text().includes('invalid_auth') && /"target":"email"/.test(captured.text()), 'both failures to be logged');
    await fetch(`${service.http?.url ?? ''}/admin/queues`, { headers: { authorization: `Bearer ${secrets.admin}` } });
    await fetch(`${service.http?.url ?? ''}/admin/queues`, { headers: { authorization: 'Bearer wrong' } });
    expect(captured.text()).toContain('delivery failed'); // the failures were logged…
    expect(captured.text()).toContain('invalid_auth');
    for (const secret of Object.values(secrets)) expect(captured.text()).not.toContain(secret); // …without a secret
  });

  it('refuses source URLs that resolve to non-public addresses unless allowed', async () => {
    expect(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1'].filter((a) => !isPrivateAddress(a))).toEqual([]);
    expect(['8.8.8.8', '142.250.1.1', '2001:4860:4860::8888'].filter(isPrivateAddress)).toEqual([]);

    docs.serve('/feed.xml', feedWith('<h3>Feature</h3><p>x</p>', '2026-07-01'));
    const port = new URL(docs.url).port;
    const sources = [
      { id: 'loopback-ip', kind: 'feed', url: `http://127.0.0.1:${port}/feed.xml` },
      { id: 'localhost-name', kind: 'feed', url: `http://localhost:${port}/feed.xml` },
      { id: 'ipv6-loopback', kind: 'feed', url: `http://[::1]:${port}/feed.xml` },
      { id: 'metadata', kind: 'feed', url: 'http://169.254.169.254/computeMetadata/v1/' },
    ];
    const configDir = await writeConfig(sources, [{ id: 't', name: 'T', slack: { channels: ['#t'] }, subscriptions: [{ frameworks: ['all'] }] }]);
    service = await startTestService({ prefix, configDir, env: { ALLOW_PRIVATE_SOURCES: 'false' } });
    for (const s of sources) await pollNow(service, s.id);
    await waitForIdle(service.deps.queues);
    for (const s of sources) {
      const state = await service.deps.sources.get(s.id);
      expect([s.id, state.failing, state.lastErrorCode]).toEqual([s.id, true, 'fetch-private-address']);
      expect(state.lastError).toContain('ALLOW_PRIVATE_SOURCES=true');
    }
    expect(docs.requests).toHaveLength(0); // nothing was even requested

    // With the allowance (tests, or a deployment that mirrors feeds internally) the same source works.
    await service.close();
    docs.serve('/feed.xml', feedWith('<h3>Feature</h3><p>x</p>', '2026-07-01'));
    service = await startTestService({ prefix: `${prefix}-allowed`, configDir, env: { ALLOW_PRIVATE_SOURCES: 'true' } });
    await pollNow(service, 'loopback-ip');
    await waitForIdle(service.deps.queues);
    expect((await service.deps.sources.get('loopback-ip')).failing).toBe(false);
    await deletePrefix(`${prefix}-allowed`);
  });

  it('no credential from any configured URL appears in logs, status page, metrics, outbox, alerts or dead letters', async () => {
    // A secret in every URL and token the service knows.
    const secret = {
      feedPassword: 'FEED-PASSWORD-7c1d',
      feedUser: 'FEEDUSER-4b2e',
      queryToken: 'QUERY-TOKEN-93af',
      redisPassword: 'REDIS-PASSWORD-1e8b',
      smtpPassword: 'SMTP-PASSWORD-6d0c',
      slackToken: 'xoxb-SLACK-TOKEN-55aa',
      admin: 'ADMIN-TOKEN-0f0f0f0f0f0f',
      homepage: 'HOMEPAGE-SECRET-2222',
    };
    const redis = await startOwnRedis({ password: secret.redisPassword });
    const captured = captureLogs('debug');
    const host = new URL(docs.url).host;
    docs.serve('/private.xml', feedWith('<h3>Feature</h3><p>Nothing yet.</p>', '2026-07-01'));
    docs.requireAuth('/private.xml', `${secret.feedUser}:${secret.feedPassword}`);
    const sources = [
      // Basic auth in the URL: sent as an Authorization header, never shown.
      { id: 'private', kind: 'feed', url: `http://${secret.feedUser}:${secret.feedPassword}@${host}/private.xml`, every: '1s', homepage: `https://ops:${secret.homepage}@notes.example/` },
      // Fails (404), so its URL ends up in errors, the status page and the watchdog alert.
      { id: 'gone', kind: 'feed', urls: [`http://${secret.feedUser}:${secret.feedPassword}@${host}/gone.xml?token=${secret.queryToken}`, `http://${host}/also-gone.xml?key=${secret.queryToken}`], every: '1s' },
    ];
    const configDir = await writeConfig(sources, [{ id: 'torch', name: 'Torch', slack: { channels: ['#torch'] }, email: { to: ['torch@example.com'] }, subscriptions: [{ frameworks: ['all'], deliver: 'immediate' }] }]);
    const yamlText = (await import('js-yaml')).default.dump({ sources, operator: { slack: { channels: ['#ops'] }, email: { to: ['ops@example.com'] } }, watchdog: { every: '1s', missedPolls: 1 } });
    await (await import('node:fs/promises')).writeFile(`${configDir}/sources.yaml`, yamlText);
    const outbox = await (await import('node:fs/promises')).mkdtemp(`${(await import('node:os')).tmpdir()}/rr-secret-outbox-`);
    slack.decide = () => 'invalid_auth'; // every Slack send is dead-lettered, with its payload
    const env = {
      REDIS_URL: redis.url,
      SLACK_BOT_TOKEN: secret.slackToken,
      SLACK_API_URL: slack.apiUrl,
      SMTP_URL: `smtp://ops:${secret.smtpPassword}@127.0.0.1:1/?tls=off`,
      ADMIN_TOKEN: secret.admin,
      SLACK_CHANNEL_INTERVAL_MS: '0',
      DELIVER_BACKOFF_MS: '10',
      OUTBOX_DIR: outbox,
    };
    service = await startTestService({ prefix, configDir, logger: captured.logger, env, service: { http: true } });
    const s = service;
    try {
      await pollNow(s, 'private');
      await pollNow(s, 'gone');
      await waitForIdle(s.deps.queues);
      expect((await s.deps.sources.get('private')).failing).toBe(false); // basic auth worked
      expect(docs.requests.find((r) => r.path === '/private.xml')?.authorization).toBe(`Basic ${Buffer.from(`${secret.feedUser}:${secret.feedPassword}`).toString('base64')}`);
      expect((await s.deps.sources.get('gone')).lastErrorCode).toBe('fetch-http-status');
      // The watchdog looks twice, a second apart: "gone" is stale, the operator is alerted (Slack
      // refuses the token → dead letter; SMTP cannot connect → retried, then dead letter).
      await s.deps.queues.watchdog.add(JOB.watchdog, {});
      await waitForIdle(s.deps.queues);
      await new Promise((r) => setTimeout(r, 1_200));
      await s.deps.queues.watchdog.add(JOB.watchdog, {});
      await waitForIdle(s.deps.queues, 30_000);
      await waitFor(async () => ((await s.deps.queues.deadLetter.getJobCounts('waiting')).waiting ?? 0) >= 2, 'dead letters for the operator alert', 20_000);

      const base = s.http?.url ?? '';
      const outputs: [string, string][] = [
        ['logs', captured.text()],
        ['status page', await (await fetch(`${base}/`)).text()],
        ['metrics', await (await fetch(`${base}/metrics`)).text()],
        ['readyz', await (await fetch(`${base}/readyz`)).text()],
        ['dead letters', JSON.stringify(await s.deps.queues.deadLetter.getJobs(['waiting'], 0, -1))],
        ['slack wire', JSON.stringify(slack.calls.map((c) => c.body))],
      ];
      const cli = await runCli(['dlq', 'list', '--json'], { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir });
      outputs.push(['dlq list --json', cli.stdout + cli.stderr]);
      const unreachable = await runCli(['dlq', 'list'], { REDIS_URL: `redis://:${secret.redisPassword}@127.0.0.1:1`, QUEUE_PREFIX: prefix, CONFIG_DIR: configDir });
      expect(unreachable.stderr).toContain('cannot use Redis');
      outputs.push(['cannot use Redis', unreachable.stdout + unreachable.stderr]);
      // The same alerts written to an outbox by a service without Slack and SMTP.
      await s.close();
      service = await startTestService({ prefix, configDir, env: { REDIS_URL: redis.url, OUTBOX_DIR: outbox, DELIVER_BACKOFF_MS: '10' } });
      for (const letter of await service.deps.queues.deadLetter.getJobs(['waiting'], 0, -1)) {
        const data = (letter.data as { data: import('../../src/queue/payloads.js').DeliverJobInput }).data;
        await service.deps.queues.deliver.add(data.target.type === 'slack' ? JOB.slack : JOB.email, data, { jobId: `resend-${letter.id ?? ''}` });
      }
      await waitForIdle(service.deps.queues);
      outputs.push(['outbox', await readTree(outbox)]);
      expect(outputs.find(([name]) => name === 'outbox')?.[1]).toContain('Source gone has had no successful poll');

      expect(outputs.find(([name]) => name === 'dlq list --json')?.[1]).toContain('gone');
      for (const [name, text] of outputs) {
        for (const [which, value] of Object.entries(secret)) { const i = text.indexOf(value); expect(i < 0, `${which} leaked into ${name}: ${text.slice(Math.max(0, i - 300), i + 100)}`).toBe(true); }
      }
      expect(captured.text()).toContain('***'); // redacted, not dropped
    } finally {
      await service?.close();
      service = null;
      await redis.close();
    }
  }, 60_000);
});

async function readTree(dir: string): Promise<string> {
  const { readdir, readFile } = await import('node:fs/promises');
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += await readFile(`${e.parentPath}/${e.name}`, 'utf8');
  }
  return out;
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/release-radar.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
