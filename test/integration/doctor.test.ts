// Issue #13: `release-radar doctor` against real local parts: the shipped config pointed at a
// mirror serving the real fixtures, a Redis of the test's own, the real Slack SDK against the Slack
// stub, and a real SMTP server that requires a login. Healthy, it passes; each broken part fails
// with a line that names the fix.
import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { runDoctor, type Check, type DoctorReport } from '../../src/cli/doctor.js';
import { mirroredConfigDir, mirrorPath, readFixture, shippedConfig } from '../helpers/mirror.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { startDocumentServer, startMailSink, startSlackStub, type DocumentServer, type MailSink, type SlackStub } from '../helpers/servers.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/release-radar.js');
// The DLVM fixture's newest entry is 2025-07-14: "now" just after it, so the feed is not stale.
const NOW = new Date('2025-08-01T12:00:00Z');
const DLVM_FEED = readFixture('dlvm/release-notes.atom.xml');
const TABLE = readFixture('dlvm/versions-table.html');

describe('release-radar doctor', () => {
  let mirror: DocumentServer;
  let slack: SlackStub;
  let mail: MailSink;
  let redis: OwnRedis;
  let configDir = '';
  let env: Record<string, string> = {};
  const urls: Record<string, string[]> = {};

  const serveHealthy = (): void => {
    for (const [id, [first]] of Object.entries(urls)) mirror.serve(mirrorPath(first ?? ''), id.endsWith('release-notes') ? DLVM_FEED : TABLE, id.endsWith('release-notes') ? 'application/atom+xml' : 'text/html; charset=utf-8');
  };

  beforeAll(async () => {
    [mirror, slack, mail, redis] = await Promise.all([startDocumentServer(), startSlackStub(), startMailSink({ auth: { user: 'radar', pass: 's3cret-pass' } }), startOwnRedis({ persistence: true })]);
    for (const s of (await shippedConfig()).sources) urls[s.id] = s.urls;
    configDir = await mirroredConfigDir(mirror);
    slack.workspace.channels = [
      { id: 'C001', name: 'general', is_member: false, is_private: false },
      { id: 'C002', name: 'random', is_member: false, is_private: false },
      { id: 'C003', name: 'ml-platform-alerts', is_member: true, is_private: false },
    ];
    env = {
      CONFIG_DIR: configDir,
      REDIS_URL: redis.url,
      ALLOW_PRIVATE_SOURCES: 'true',
      SLACK_BOT_TOKEN: 'xoxb-doctor-test-token',
      SLACK_API_URL: slack.apiUrl,
      SMTP_URL: mail.smtpUrl,
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await Promise.all([mirror.close(), slack.close(), mail.close(), redis.close()]);
  });

  const doctor = (overrides: Record<string, string> = {}): Promise<DoctorReport> => runDoctor(loadEnv({ ...env, ...overrides }), { now: NOW });
  const failures = (r: DoctorReport): Check[] => r.checks.filter((c) => c.status === 'fail');
  // The real versions page has a typo ("Ju1 11, 2026"): doctor rightly warns about it every time.
  const isFixtureTypo = (c: Check): boolean => c.message.includes('"Ju1 11, 2026"');
  const warnings = (r: DoctorReport): Check[] => r.checks.filter((c) => c.status === 'warn' && !isFixtureTypo(c));

  it('passes on a healthy setup, and says what it saw of every part', async () => {
    serveHealthy();
    const report = await doctor();
    expect(failures(report)).toEqual([]);
    expect(warnings(report)).toEqual([]);
    expect(report.checks.filter(isFixtureTypo).map((c) => c.fix)).toEqual([expect.stringContaining('Google may fix the typo later'), expect.stringContaining('Google may fix the typo later')]);
    expect(report.ok).toBe(true);
    const byName = (name: string): string[] => report.checks.filter((c) => c.check === name).map((c) => c.message);
    expect(byName('redis')).toEqual([expect.stringMatching(/answers \(Redis \d/), 'maxmemory-policy noeviction', 'AOF persistence on']);
    const feed = report.checks.filter((c) => c.check === 'source dlvm-release-notes');
    expect(feed[0]?.message).toMatch(/docs\.cloud\.google\.com\/feeds\/deeplearningvm-release-notes\.xml → application\/atom\+xml, \d+ KB in \d+ ms$/);
    expect(feed[1]?.message).toMatch(/^114 entries, newest 2025-07-14; 169 notes → \d{3} events/);
    expect(feed[1]?.details).toMatchObject({ entries: 114, newest: expect.stringMatching(/^2025-07-14/) });
    const table = report.checks.filter((c) => c.check === 'source dlvm-supported-versions');
    expect(table[1]?.message).toMatch(/^\d+ rows in \d+ section\(s\), \d+ of \d+ version lines with end dates/);
    expect(byName('slack')).toEqual(['token valid for release-radar in Example Workspace; scopes chat:write, channels:read, groups:read, channels:history, groups:history', '#ml-platform-alerts: the bot is a member']);
    expect(byName('smtp')).toEqual([expect.stringMatching(/^smtp:\/\/\*\*\*@127\.0\.0\.1:\d+\?tls=off answers and accepts the login \(nothing sent\)$/)]);
    expect(mail.messages).toHaveLength(0);
    expect(slack.calls.map((c) => c.method).filter((m) => m === 'chat.postMessage')).toEqual([]);
    // Nothing in the report leaks a secret.
    expect(JSON.stringify(report)).not.toMatch(/s3cret-pass|xoxb-doctor-test-token/);
  });

  it('inventory: a token for a team that does not exist fails with the name it probably meant; a token for a team with nothing pushed yet is said', async () => {
    serveHealthy();
    const typo = await runDoctor(loadEnv({ ...env, INVENTORY_TOKEN_ML_PLATFROM: 'tok-0123456789abcdef' }), { now: NOW });
    expect(typo.checks.filter((c) => c.check === 'inventory' && c.status === 'fail').map((c) => [c.message, c.fix])).toEqual([['INVENTORY_TOKEN_ML_PLATFROM is set, but there is no team "ml-platfrom" in teams.yaml', expect.stringContaining('did you mean INVENTORY_TOKEN_ML_PLATFORM?')]]);
    expect(JSON.stringify(typo)).not.toContain('tok-0123456789abcdef');
    const right = await runDoctor(loadEnv({ ...env, INVENTORY_TOKEN_ML_PLATFORM: 'tok-0123456789abcdef' }), { now: NOW });
    expect(right.checks.filter((c) => c.check === 'inventory').map((c) => [c.status, c.message])).toEqual([['ok', 'team ml-platform: INVENTORY_TOKEN_ML_PLATFORM is set; nothing pushed yet']]);
  });

  it('buttons: off says so; Socket Mode checks the app-level token; HTTP mode warns when Slack cannot reach the server or when it opens more than /slack/*', async () => {
    serveHealthy();
    const appChecks = async (overrides: Record<string, string>): Promise<Check[]> => (await doctor(overrides)).checks.filter((c) => c.check === 'slack-app');
    expect((await appChecks({})).map((c) => [c.status, c.message])).toEqual([['ok', 'buttons and /radar are off (no SLACK_APP_TOKEN, no SLACK_SIGNING_SECRET): alerts carry no buttons']]);
    const socket = await appChecks({ SLACK_APP_TOKEN: slack.appTokens[0] ?? '' });
    expect(socket.map((c) => c.status)).toEqual(['warn', 'ok']);
    expect(socket[0]?.message).toBe('the bot token lacks the commands scope: /radar will not be offered');
    expect(socket[1]?.message).toMatch(/^Socket Mode: the app-level token is accepted/);
    const refused = await appChecks({ SLACK_APP_TOKEN: 'xapp-1-A0001-revoked' });
    expect(refused.at(-1)).toMatchObject({ status: 'fail', message: 'Socket Mode: SLACK_APP_TOKEN is refused (invalid_auth)', fix: expect.stringContaining('connections:write') });
    const loopback = await appChecks({ SLACK_SIGNING_SECRET: 'a'.repeat(32) });
    expect(loopback.at(-1)).toMatchObject({ status: 'warn', message: 'HTTP mode: this server listens on 127.0.0.1, which Slack cannot reach' });
    const open = await appChecks({ SLACK_SIGNING_SECRET: 'a'.repeat(32), HTTP_HOST: '0.0.0.0' });
    expect(open.at(-1)).toMatchObject({ status: 'warn', fix: expect.stringContaining('ADMIN_TOKEN') });
    // Nothing was connected or posted.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  });

  it('the command exits 0 when healthy and 1 on a failure, with the fix under each failing line', async () => {
    serveHealthy();
    const healthy = await run('node', [BIN, 'doctor'], { env: { ...process.env, ...env } });
    expect(healthy.stdout).toMatch(/^\d+ checks: \d+ ok, \d+ warning\(s\), 0 failed$/m);
    mirror.serve(mirrorPath(urls['dlvm-release-notes']?.[0] ?? ''), '<html><body>Sign in to continue</body></html>', 'text/html');
    const broken = await run('node', [BIN, 'doctor'], { env: { ...process.env, ...env } }).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(broken?.code).toBe(1);
    const lines = broken?.stdout.split('\n') ?? [];
    const failing = lines.findIndex((l) => l.startsWith('FAIL  source dlvm-release-notes'));
    expect(failing).toBeGreaterThan(-1);
    expect(lines[failing + 1]).toMatch(/^ {8}→ this is not an Atom\/RSS feed/);
    const json = await run('node', [BIN, 'doctor', '--json'], { env: { ...process.env, ...env } }).then(() => null, (e: { stdout: string }) => JSON.parse(e.stdout) as DoctorReport);
    expect(json?.ok).toBe(false);
  });

  it('a source that answers 404 on every URL fails, naming where to look; a fallback that answers is a warning', async () => {
    serveHealthy();
    const [preferred, fallback] = urls['dlvm-release-notes'] ?? [];
    mirror.unserve(mirrorPath(preferred ?? ''));
    const onFallback = await doctor();
    expect(onFallback.ok).toBe(false); // the fallback is not served either
    mirror.serve(mirrorPath(fallback ?? ''), DLVM_FEED);
    const report = await doctor();
    expect(report.ok).toBe(true);
    const lines = report.checks.filter((c) => c.check === 'source dlvm-release-notes');
    expect(lines[0]).toMatchObject({ status: 'warn', message: expect.stringMatching(/answered HTTP 404; trying the next URL$/), fix: expect.stringMatching(/the address is gone: .*put it first in sources\[id=dlvm-release-notes\]\.urls/) });
    expect(lines.find((c) => /a fallback did/.test(c.message))).toMatchObject({ status: 'warn' });
    mirror.unserve(mirrorPath(fallback ?? ''));
    const gone = failures(await doctor());
    expect(gone).toEqual([expect.objectContaining({ check: 'source dlvm-release-notes', message: expect.stringMatching(/answered HTTP 404$/), fix: expect.stringMatching(/the address is gone/) })]);
  });

  it('wrong content fails: a page where the feed should be, a feed where the versions table should be', async () => {
    serveHealthy();
    mirror.serve(mirrorPath(urls['dlc-release-notes']?.[0] ?? ''), '<!doctype html><html><body><h1>Sign in</h1></body></html>', 'text/html');
    mirror.serve(mirrorPath(urls['dlc-supported-versions']?.[0] ?? ''), DLVM_FEED, 'application/atom+xml');
    const fails = failures(await doctor());
    expect(fails.map((c) => c.check)).toEqual(['source dlc-release-notes', 'source dlc-supported-versions']);
    expect(fails[0]?.fix).toMatch(/not an Atom\/RSS feed/);
    expect(fails[1]?.fix).toMatch(/must be the supported-versions page, with the end-of-patch and end-of-availability table/);
  });

  it('a Slack channel the bot is not in fails, naming the /invite to run', async () => {
    serveHealthy();
    const teams = await readFile(path.join(configDir, 'teams.yaml'), 'utf8');
    await writeFile(path.join(configDir, 'teams.yaml'), teams.replace('channels: ["#ml-platform-alerts"]', 'channels: ["#ml-platform-alerts", "#random", "#nope"]'));
    try {
      const fails = failures(await doctor());
      expect(fails.map((c) => [c.message, c.fix])).toEqual([
        ['the bot is not in #random', 'invite it: /invite @release-radar in #random'],
        ['channel #nope not found (or private and the bot is not in it)', expect.stringContaining('/invite @release-radar in #nope')],
      ]);
      // A token that cannot list channels cannot prove membership: a warning that names the scope.
      slack.workspace.scopes = ['chat:write'];
      const report = await doctor();
      expect(report.ok).toBe(true);
      expect(warnings(report).map((c) => c.fix)).toEqual([expect.stringContaining('add channels:read')]);
      slack.workspace.scopes = ['channels:read'];
      expect(failures(await doctor()).map((c) => c.message)).toContain('the token lacks chat:write');
      // Without the history scope, a retry after an unknown outcome may post twice: a warning.
      slack.workspace.scopes = ['chat:write', 'channels:read', 'groups:read'];
      const noHistory = await doctor();
      expect(warnings(noHistory)).toEqual([expect.objectContaining({ check: 'slack', message: expect.stringMatching(/^the token lacks channels:history: a retry after an unknown outcome/), fix: expect.stringContaining('add channels:history to the bot token scopes') })]);
      slack.script.push('invalid_auth');
      expect(failures(await doctor()).map((c) => c.message)).toEqual(['the token is refused: invalid_auth']);
    } finally {
      slack.workspace.scopes = ['chat:write', 'channels:read', 'groups:read', 'channels:history', 'groups:history'];
      await writeFile(path.join(configDir, 'teams.yaml'), teams);
    }
  });

  it('SMTP down or refusing the login fails, naming what to check', async () => {
    serveHealthy();
    const wrongPassword = mail.smtpUrl.replace('s3cret-pass', 'wrong');
    const refused = failures(await doctor({ SMTP_URL: wrongPassword }));
    expect(refused).toEqual([expect.objectContaining({ check: 'smtp', message: expect.stringMatching(/Invalid login|Invalid username or password/), fix: expect.stringContaining('check SMTP_URL') })]);
    const down = await startMailSink();
    await down.close();
    const nobody = failures(await doctor({ SMTP_URL: down.smtpUrl }));
    expect(nobody).toEqual([expect.objectContaining({ check: 'smtp', message: expect.stringMatching(/ECONNREFUSED/), fix: expect.stringContaining('that this machine can reach it') })]);
  });

  it('Redis that evicts keys (allkeys-lru) fails; Redis that is down fails; AOF off is a warning', async () => {
    serveHealthy();
    const lru = await startOwnRedis({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const report = await doctor({ REDIS_URL: lru.url });
      expect(failures(report)).toEqual([expect.objectContaining({ check: 'redis', message: expect.stringContaining('maxmemory-policy is allkeys-lru'), fix: expect.stringContaining('maxmemory-policy noeviction') })]);
      expect(warnings(report)).toEqual([expect.objectContaining({ check: 'redis', message: expect.stringContaining('AOF persistence is off') })]);
      await lru.kill();
      expect(failures(await doctor({ REDIS_URL: lru.url }))).toEqual([expect.objectContaining({ check: 'redis', message: expect.stringMatching(/cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/), fix: expect.stringContaining('start Redis') })]);
    } finally {
      await lru.close();
    }
  });

  it('lists the product titles of the all-products feed, so an operator can pick them, and flags one it does not carry', async () => {
    serveHealthy();
    const allProducts = readFixture('gcp/aggregate-feed-full.xml');
    const feedUrl = urls['dlc-release-notes']?.[0] ?? '';
    mirror.serve(mirrorPath(feedUrl), allProducts);
    const whole = await doctor();
    const warned = warnings(whole).find((c) => c.check === 'source dlc-release-notes');
    expect(warned?.message).toBe('an all-products feed (88 products) read whole: every product\'s notes would be alerted');
    expect(warned?.fix).toBe('add products: to source dlc-release-notes, e.g. ["Colab Enterprise", "Vertex AI Workbench", "Google SecOps SIEM"] (`release-radar doctor --json` lists all 88 titles with their note counts)');
    const listed = whole.checks.find((c) => c.check === 'source dlc-release-notes' && c.details?.products);
    expect(listed?.details?.products).toMatchObject({ 'Google SecOps SIEM': 19, BigQuery: 18, 'Vertex AI Workbench': 1 });

    const sources = await readFile(path.join(configDir, 'sources.yaml'), 'utf8');
    const withProducts = sources.replace(/(- id: dlc-release-notes\n\s+kind: feed\n)/, '$1    products: ["vertex ai workbench", "Vertex AI Workbnch"]\n');
    expect(withProducts).not.toBe(sources);
    await writeFile(path.join(configDir, 'sources.yaml'), withProducts);
    try {
      const report = await doctor();
      expect(report.ok).toBe(true);
      expect(warnings(report).map((c) => [c.check, c.message, c.fix])).toEqual([
        ['source dlc-release-notes', 'product "Vertex AI Workbnch" is not in this feed (it carries 88 products)', 'did you mean "Vertex AI Workbench"?'],
      ]);
      expect(report.checks.find((c) => c.check === 'source dlc-release-notes' && c.details?.entries)?.message).toMatch(/^30 entries, newest 2025-11-05; 1 note → \d+ events?( \(1 statement not understood, sent as "other"\))?; 88 product titles$/);
    } finally {
      await writeFile(path.join(configDir, 'sources.yaml'), sources);
    }
  });

  it('nothing can hold it: a frozen Redis, an SMTP server that greets and goes silent, a Slack URL that answers HTML', async () => {
    serveHealthy();
    const frozen = await startOwnRedis();
    const silent = createServer((socket) => socket.write('220 mail.example ESMTP\r\n')); // then nothing, ever
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const portal = createHttpServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body><h1>captive portal</h1></body></html>'));
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', () => resolve()));
    try {
      frozen.freeze();
      const started = Date.now();
      const report = await doctor({
        REDIS_URL: frozen.url,
        SMTP_URL: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}?tls=off`,
        SLACK_API_URL: `http://127.0.0.1:${(portal.address() as AddressInfo).port}/api/`,
      });
      expect(Date.now() - started).toBeLessThan(35_000);
      const failed = failures(report);
      expect(failed.find((c) => c.check === 'redis')?.message).toMatch(/timed out/i);
      expect(failed.find((c) => c.check === 'smtp')?.message).toMatch(/timeout|timed out/i);
      // Slack could not be reached: the token is not blamed, and the page is not printed whole.
      const slackFail = failed.find((c) => c.check === 'slack');
      expect(slackFail?.message).toMatch(/^Slack did not answer as Slack: /);
      expect(slackFail?.message).not.toContain('<html>');
      expect(slackFail?.fix).toContain('the token was not judged');
      // The rest is still checked.
      expect(report.checks.filter((c) => c.check.startsWith('source ')).length).toBeGreaterThanOrEqual(8);
    } finally {
      frozen.thaw();
      await frozen.close();
      silent.close();
      portal.close();
    }
  }, 45_000);

  it('a config mistake fails naming the key, and the rest is still checked', async () => {
    const sources = await readFile(path.join(configDir, 'sources.yaml'), 'utf8');
    await writeFile(path.join(configDir, 'sources.yaml'), sources.replace('every: 10m', 'evry: 10m'));
    try {
      const report = await doctor();
      expect(failures(report)).toEqual([expect.objectContaining({ check: 'config', message: expect.stringMatching(/sources\[0\].*evry.*did you mean "every"/) })]);
      expect(report.checks.some((c) => c.check === 'redis' && c.status === 'ok')).toBe(true);
    } finally {
      await writeFile(path.join(configDir, 'sources.yaml'), sources);
    }
  });
});
