// The CLI as a user runs it: the built bin, real files, real Redis for start.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ReleaseEventSchema } from '../../src/domain/events.js';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from '../helpers/redis.js';
import { startDocumentServer } from '../helpers/servers.js';
import { writeConfig } from '../helpers/service.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/release-radar.js');
const fixture = (p: string): string => path.resolve('test/fixtures', p);

describe('release-radar CLI', () => {
  it('parse --json prints one valid event per line for a file', async () => {
    const { stdout } = await run('node', [BIN, 'parse', fixture('dlvm/release-notes.atom.xml'), '--json', '--source', 'dlvm']);
    const events = (JSON.parse(stdout) as unknown[]).map((l) => ReleaseEventSchema.parse(l));
    expect(events.length).toBeGreaterThan(300);
    expect(new Set(events.map((e) => e.entryId)).size).toBe(114);
    const eos = events.filter((e) => e.entryId.endsWith('#July_14_2025') && e.kind === 'end-of-support-reached' && e.framework);
    expect(eos.map((e) => `${e.framework} ${e.version} ${e.scope}`)).toEqual(['base 12.4 and-earlier', 'tensorflow 2.17 and-earlier', 'pytorch 2.3 and-earlier']);
  });

  it('schema prints the JSON Schema every parse --json line validates against', async () => {
    const schema = JSON.parse((await run('node', [BIN, 'schema'])).stdout) as Record<string, unknown>;
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['id', 'source', 'entryId', 'kind', 'framework', 'version', 'cves', 'title', 'url']) });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const { stdout } = await run('node', [BIN, 'parse', fixture('dlvm/release-notes.atom.xml'), '--json']);
    const lines = JSON.parse(stdout) as unknown[];
    const invalid = lines.filter((l) => !validate(l));
    expect(invalid).toEqual([]);
    expect(validate({ ...(lines[0] as object), kind: 'made-up' })).toBe(false);
  });

  it('parse works on a URL', async () => {
    const server = await startDocumentServer();
    const { readFileSync } = await import('node:fs');
    server.serve('/feed.xml', readFileSync(fixture('dlvm/release-notes.atom.xml'), 'utf8'));
    try {
      const { stdout } = await run('node', [BIN, 'parse', `${server.url}/feed.xml`]);
      expect(stdout).toMatch(/2024-11-20 {2}new-image {14}PyTorch 2\.4\.0 images with CUDA 12\.4 are now available \(M126\)/);
    } finally {
      await server.close();
    }
  });

  it('table and table-diff', async () => {
    const table = await run('node', [BIN, 'table', fixture('dlvm/versions-table.html'), '--json']);
    expect(JSON.parse(table.stdout)).toHaveLength(52);
    expect(table.stderr).toContain('read "Ju1 11, 2026" as 2026-07-11');
    const diff = await run('node', [BIN, 'table-diff', fixture('dlvm/versions-table.html'), fixture('dlvm/versions-table.2026-07.html'), '--json']);
    const changes = JSON.parse(diff.stdout) as Record<string, unknown>[];
    expect(changes.map((c) => c.kind)).toEqual(['end-of-availability-changed', 'version-added', 'end-of-patch-changed', 'end-of-availability-changed', 'version-removed']);
    expect(changes[1]).toMatchObject({ framework: 'pytorch', version: '2.10', label: '2.10 (Python 3.12 / Ubuntu 24.04)', from: null, to: null, endOfPatch: '2028-07-01', endOfAvailability: '2028-12-31' });
    expect(changes[0]).toMatchObject({ framework: 'base', version: '12.8', from: '2027-04-13', to: '2027-10-13' });
  });

  it('calendar and reminders read end dates from a page without a running service', async () => {
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'https://example.test/feed.xml' }], [
      { id: 'torch', name: 'Torch', timezone: 'UTC', slack: { channels: ['#t'] }, subscriptions: [{ frameworks: ['pytorch'], versions: '>=2.4' }] },
    ]);
    const env = { ...process.env, CONFIG_DIR: configDir };
    const ics = await run('node', [BIN, 'calendar', 'torch', '--table', fixture('dlvm/versions-table.html')], { env });
    expect(ics.stdout).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics.stdout.match(/BEGIN:VEVENT/g)).toHaveLength(8); // 2.4, 2.7 and two 2.9 lines, two dates each
    const due = await run('node', [BIN, 'reminders', 'torch', '--table', fixture('dlvm/versions-table.html'), '--today', '2026-03-20', '--json'], { env });
    const reminders = JSON.parse(due.stdout) as { line: { label: string }; dateKind: string; threshold: number | string }[];
    expect(reminders.map((r) => `${r.line.label} ${r.dateKind} ${r.threshold}`)).toEqual([
      '2.7 (Python 3.10) end-of-patch 30',
      '2.4 (Python 3.10) end-of-patch passed',
    ]); // 2.4's end of availability (2026-07-24) is 126 days out: beyond the 90-day lead
    const unknown = await run('node', [BIN, 'calendar', 'nobody', '--table', fixture('dlvm/versions-table.html')], { env }).catch((e: { stderr: string; code: number }) => e);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('no team "nobody"') });
  });

  it('validate lists every problem and exits non-zero', async () => {
    const dir = await writeConfig([{ id: 'x', kind: 'feed', url: 'nope' }], [{ id: 't', name: 'T', timezone: 'Nowhere/City', slack: { channels: ['#c'] } }]);
    const err = (await run('node', [BIN, 'validate'], { env: { ...process.env, CONFIG_DIR: dir } }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('sources.yaml: sources[0].url:');
    expect(err.stderr).toContain('teams.yaml: teams[0].timezone: not an IANA time zone');
    const ok = await run('node', [BIN, 'validate'], { env: { ...process.env, CONFIG_DIR: path.resolve('config') } });
    expect(ok.stdout).toBe('configuration is valid: 4 source(s), 2 team(s)\n');
    // --config, as preview and backtest take it, wins over $CONFIG_DIR.
    const byOption = (await run('node', [BIN, 'validate', '--config', dir], { env: { ...process.env, CONFIG_DIR: path.resolve('config') } }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(byOption.code).toBe(2);
    expect(byOption.stderr).toContain('teams.yaml: teams[0].timezone: not an IANA time zone');
  });

  it('what people type: human dates, numbers that match nothing, an empty dead-letter list, a loopback source', async () => {
    const feed = fixture('dlvm/release-notes.atom.xml');
    const fail = (args: string[], env: NodeJS.ProcessEnv = process.env) => run('node', [BIN, ...args], { env }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(await fail(['parse', feed, '--latest', '0'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--latest: expected a whole number of at least 1 (got "0")') });
    expect(await fail(['parse', feed, '--latest', 'abc'])).toMatchObject({ code: 1 });
    expect(await fail(['parse', feed, '--entry', 'nope'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--entry: no entry\'s title or id contains "nope"') });
    const configDir = await writeConfig([{ id: 'x', kind: 'feed', url: 'http://127.0.0.1:9/feed.xml' }], [{ id: 'torch', name: 'Torch', slack: { channels: ['#t'] }, subscriptions: [{ frameworks: ['pytorch'] }] }]);
    const env = { ...process.env, CONFIG_DIR: configDir, REDIS_URL, QUEUE_PREFIX: uniquePrefix('cli-empty') };
    const yesterday = await run('node', [BIN, 'backtest', '--feed', feed, '--since', 'yesterday', '--json'], { env });
    expect(JSON.parse(yesterday.stdout)).toEqual([{ team: 'torch', immediate: [], held: [], digest: [], muted: [] }]);
    const since = await run('node', [BIN, 'backtest', '--feed', feed, '--since', '2025-07-01', '--now', '2025-07-31', '--json'], { env });
    expect((JSON.parse(since.stdout) as { immediate: string[] }[])[0]?.immediate).toEqual(['2025-07-14 PyTorch 2.3 and earlier reached end of patch and support']);
    expect(await fail(['backtest', '--feed', feed, '--since', 'last tuesday'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--since: use a date like 2025-01-31, a time like 2025-01-31T09:00:00Z, "today", "yesterday" or an age like 7d / 12h (got "last tuesday")') });
    expect((await run('node', [BIN, 'dlq', 'list', '--json'], { env })).stdout.trim()).toBe('[]');
    const validated = await run('node', [BIN, 'validate'], { env });
    expect(validated.stderr).toContain('warning: sources.yaml: sources[0].urls[0]: 127.0.0.1 is a loopback or private address; polls refuse it unless ALLOW_PRIVATE_SOURCES=true');
    await deletePrefix(env.QUEUE_PREFIX);
  });

  it('start says how to start Redis when it is unreachable', async () => {
    const err = (await run('node', [BIN, 'start'], { env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', CONFIG_DIR: path.resolve('config') } }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('cannot use Redis at redis://127.0.0.1:1');
    expect(err.stderr).toContain('docker compose up -d redis');
  });

  it('start runs the service with its HTTP server and shuts down cleanly on SIGTERM', async () => {
    const prefix = uniquePrefix('cli-start');
    const feeds = await startDocumentServer();
    const { readFileSync } = await import('node:fs');
    feeds.serve('/f.xml', readFileSync(fixture('dlvm/release-notes.atom.xml'), 'utf8'));
    const dir = await writeConfig([{ id: 'dlvm', kind: 'feed', url: `${feeds.url}/f.xml`, every: '1h' }], [{ id: 't', name: 'T', email: { to: ['t@example.com'] }, subscriptions: [{ frameworks: ['pytorch'] }] }]);
    const child = spawn('node', [BIN, 'start'], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: prefix, CONFIG_DIR: dir, HTTP_PORT: '0', OUTBOX_DIR: path.join(dir, 'outbox'), LOG_LEVEL: 'info', ALLOW_PRIVATE_SOURCES: 'true' } });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    try {
      await waitFor(() => /"http":"http:\/\/127\.0\.0\.1:\d+"/.test(logs), 'service start');
      const url = /"http":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(logs)![1]!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 'ready');
      await waitFor(() => logs.includes('baseline recorded'), 'the scheduler to poll immediately and record a baseline');
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/release_radar_polls_total\{source="dlvm",outcome="changed"\} 1/);
      const page = await (await fetch(`${url}/`)).text();
      expect(page).toMatch(/<tr data-source="dlvm"><td>dlvm<\/td><td>feed<\/td><td><code>http:\/\/127\.0\.0\.1:\d+\/f\.xml<\/code><\/td><td><span class="ok">ok<\/span>/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await feeds.close();
      await deletePrefix(prefix);
    }
  });
});
