import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';

async function dirWith(sources: string, teams: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-cfg-'));
  await writeFile(path.join(dir, 'sources.yaml'), sources);
  await writeFile(path.join(dir, 'teams.yaml'), teams);
  return dir;
}

describe('config loading', () => {
  it('loads the shipped example config', async () => {
    const config = await loadConfig(path.resolve('config'));
    expect(config.sources.map((s) => s.kind).sort()).toEqual(['feed', 'feed', 'versions-table', 'versions-table']);
    expect(config.teams).toHaveLength(2);
    expect(config.teams[0]?.subscriptions[0]?.deliver).toBe('auto');
  });

  it('checks routing settings: quiet hours, mutes (and what they refer to), snoozes, reminders, families', async () => {
    const dir = await dirWith(
      'sources:\n  - { id: a, kind: feed, url: "https://x.test/f.xml" }\n',
      [
        'teams:',
        '  - id: t1',
        '    name: T',
        '    slack: { channels: ["#c"] }',
        '    quietHours: { start: "25:00", end: "07:00" }',
        '    mutes: [{ until: "someday" }, { until: "2026-12-31", subscription: 3 }, { until: "2026-12-31", subscription: nope }]',
        '    snoozes: [{ until: "2026-12-31", framework: pytorch, versions: ">=2.x" }]',
        '    subscriptions:',
        '      - { name: torch, frameworks: [pytorch], families: ["pytorch-2-4-*"], remind: { days: [-1] } }',
        '',
      ].join('\n'),
    );
    const problems = ((await loadConfig(dir).catch((e: unknown) => e)) as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.quietHours\.start: expected HH:MM/),
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.mutes\[0\].until: expected a real full ISO date/),
        'teams.yaml: teams[0].mutes[1].subscription: no such subscription (got "3")',
        'teams.yaml: teams[0].mutes[2].subscription: no such subscription (got "nope")',
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.snoozes\[0\]\.versions: invalid version range/),
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.remind\.days\[0\]: /),
      ]),
    );
  });

  it('lists every problem with its file and path', async () => {
    const dir = await dirWith(
      'sources:\n  - { id: a, kind: rss, url: "not a url", every: soon }\n  - { id: a, kind: feed, url: "https://x.test/f.xml" }\n',
      'teams:\n  - id: t1\n    name: T\n    timezone: Mars/Base\n    slack: { channels: ["#c"] }\n    subscriptions:\n      - { frameworks: [pytorch], versions: ">=2.x" }\n      - { frameworks: [caffe2] }\n',
    );
    const err = await loadConfig(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\.yaml: sources\[0\]\.kind: /),
        expect.stringMatching(/^sources\.yaml: sources\[0\]\.url: /),
        expect.stringMatching(/^sources\.yaml: sources\[0\]\.every: expected a duration/),
        'sources.yaml: sources[1].id: duplicate id "a"',
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.timezone: not an IANA time zone/),
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.versions: invalid version range.*\(got ">=2\.x"\)$/),
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.subscriptions\[1\]\.frameworks\[0\]: /),
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('reports a YAML syntax error with its line', async () => {
    const dir = await dirWith('sources: [\n', 'teams: []\n');
    const err = (await loadConfig(dir).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems[0]).toMatch(/^sources\.yaml: YAML syntax error at line \d+/);
  });

  it('reads the environment with defaults and treats empty values as unset', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: '', HTTP_PORT: '9000' });
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
    expect(env.HTTP_PORT).toBe(9000);
    expect(env.OUTBOX_DIR).toBe('./outbox');
    expect(() => loadEnv({ HTTP_PORT: 'eighty' })).toThrow(/environment: HTTP_PORT/);
  });

  it('reads per-team inventory tokens (INVENTORY_TOKEN_<TEAM>) and refuses short ones, naming the variable', () => {
    const env = loadEnv({ INVENTORY_TOKEN_ML_PLATFORM: 'a'.repeat(24), INVENTORY_TOKEN_RESEARCH_TF: 'b'.repeat(16) });
    expect(env.INVENTORY_TOKENS).toEqual({ 'ml-platform': 'a'.repeat(24), 'research-tf': 'b'.repeat(16) });
    expect(loadEnv({}).INVENTORY_TOKENS).toEqual({});
    expect(() => loadEnv({ INVENTORY_TOKEN_ML: 'short' })).toThrow(/environment: INVENTORY_TOKEN_ML: at least 16 characters/);
  });

  it('reads Sentinel and Cluster settings, hash-tags the prefix for a Cluster, and refuses what cannot work, naming the key', () => {
    const sentinel = loadEnv({ REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2.internal:26380,[::1]:26381', REDIS_SENTINEL_MASTER: 'mymaster' });
    expect(sentinel.REDIS_SENTINELS).toEqual([{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-2.internal', port: 26380 }, { host: '::1', port: 26381 }]);
    expect(sentinel.QUEUE_PREFIX).toBe('release-radar');
    expect(loadEnv({ REDIS_CLUSTER_NODES: 'redis-0:6379' }).QUEUE_PREFIX).toBe('{release-radar}');
    expect(loadEnv({ REDIS_CLUSTER_NODES: 'redis-0:6379', QUEUE_PREFIX: '{rr}' }).QUEUE_PREFIX).toBe('{rr}');
    expect(() => loadEnv({ REDIS_SENTINELS: '10.0.0.1:26379' })).toThrow(/environment: REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/);
    expect(() => loadEnv({ REDIS_SENTINEL_MASTER: 'mymaster' })).toThrow(/environment: REDIS_SENTINELS: required/);
    expect(() => loadEnv({ REDIS_SENTINELS: '10.0.0.1', REDIS_SENTINEL_MASTER: 'm' })).toThrow(/environment: REDIS_SENTINELS\.0: expected host:port/);
    expect(() => loadEnv({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'm', REDIS_CLUSTER_NODES: 'b:2' })).toThrow(/REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set/);
    expect(() => loadEnv({ QUEUE_PREFIX: 'rr}' })).toThrow(/environment: QUEUE_PREFIX/);
  });
});

// Issue #11: the typos people make, applied to the shipped config. Each must be refused with the
// key (or value) named, its path, and a suggestion where one is close.
describe('typos in the shipped config are refused, naming the key', () => {
  type Files = { sources: Record<string, unknown>; teams: Record<string, unknown> };
  const shipped = async (): Promise<Files> => ({
    sources: yaml.load(await readFile('config/sources.yaml', 'utf8'), { schema: yaml.CORE_SCHEMA }) as Record<string, unknown>,
    teams: yaml.load(await readFile('config/teams.yaml', 'utf8'), { schema: yaml.CORE_SCHEMA }) as Record<string, unknown>,
  });
  // Paths into the YAML documents, e.g. ['teams', 0, 'subscriptions'].
  const at = (root: Record<string, unknown>, p: (string | number)[]): Record<string, unknown> =>
    p.reduce<Record<string, unknown>>((node, k) => (node as Record<string | number, unknown>)[k] as Record<string, unknown>, root);
  const rename = (root: Record<string, unknown>, p: (string | number)[], from: string, to: string): void => {
    const node = at(root, p);
    node[to] = node[from] ?? 'x';
    delete node[from];
  };
  async function problemsOf(mutate: (f: Files) => void): Promise<string[]> {
    const files = await shipped();
    mutate(files);
    const dir = await dirWith(yaml.dump(files.sources), yaml.dump(files.teams));
    const err = await loadConfig(dir).then(() => null, (e: unknown) => e);
    expect(err, 'the mistake was accepted').toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }

  it('the shipped config itself is valid', async () => {
    const files = await shipped();
    await expect(loadConfig(await dirWith(yaml.dump(files.sources), yaml.dump(files.teams)))).resolves.toBeTruthy();
  });

  const cases: [string, (f: Files) => void, RegExp][] = [
    ['subscriptons (the team would silently get nothing)', (f) => rename(f.teams, ['teams', 0], 'subscriptions', 'subscriptons'), /^teams\.yaml: teams\[0\]\.subscriptons: unknown key "subscriptons"; did you mean "subscriptions"\?/],
    ['version instead of versions (would cover every version)', (f) => rename(f.teams, ['teams', 0, 'subscriptions', 0], 'versions', 'version'), /^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.version: unknown key "version"; did you mean "versions"\?/],
    ['delivery: digest (would send immediately)', (f) => { at(f.teams, ['teams', 0, 'subscriptions', 0]).delivery = 'digest'; }, /^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.delivery: unknown key "delivery"; did you mean "deliver"\?/],
    ['operater (watchdog alerts would go nowhere)', (f) => { f.sources.operater = { slack: { channels: ['#ops'] } }; }, /^sources\.yaml: operater: unknown key "operater"; did you mean "operator"\?/],
    ['timzone', (f) => rename(f.teams, ['teams', 0], 'timezone', 'timzone'), /^teams\.yaml: teams\[0\]\.timzone: unknown key "timzone"; did you mean "timezone"\?/],
    ['evry on a source', (f) => rename(f.sources, ['sources', 0], 'every', 'evry'), /^sources\.yaml: sources\[0\]\.evry: unknown key "evry"; did you mean "every"\?/],
    ['evry on a digest', (f) => rename(f.teams, ['teams', 0, 'digest'], 'every', 'evry'), /^teams\.yaml: teams\[0\]\.digest\.evry: unknown key "evry"; did you mean "every"\?/],
    ['prodcuts', (f) => { at(f.sources, ['sources', 0]).prodcuts = ['Deep Learning VM Images']; }, /^sources\.yaml: sources\[0\]\.prodcuts: unknown key "prodcuts"; did you mean "products"\?/],
    ['missedPols', (f) => { f.sources.watchdog = { every: '5m', missedPols: 3 }; }, /^sources\.yaml: watchdog\.missedPols: unknown key "missedPols"; did you mean "missedPolls"\?/],
    ['a javascript: source URL', (f) => { at(f.sources, ['sources', 0]).urls = ['javascript:alert(1)']; }, /^sources\.yaml: sources\[0\]\.urls\[0\]: expected an http:\/\/ or https:\/\/ URL \(got "javascript:alert\(1\)"\)/],
    ['a file:// source URL', (f) => { at(f.sources, ['sources', 1]).urls = ['file:///etc/passwd']; }, /^sources\.yaml: sources\[1\]\.urls\[0\]: expected an http:\/\/ or https:\/\/ URL \(got "file:\/\/\/etc\/passwd"\)/],
    ['a gopher:// source URL', (f) => { at(f.sources, ['sources', 2]).urls = ['gopher://example.com/1']; }, /^sources\.yaml: sources\[2\]\.urls\[0\]: expected an http:\/\/ or https:\/\/ URL \(got "gopher:\/\/example\.com\/1"\)/],
    ['a mute until "2" (read as the year 2001)', (f) => { at(f.teams, ['teams', 0]).mutes = [{ until: '2' }]; }, /^teams\.yaml: teams\[0\]\.mutes\[0\].until: expected a real full ISO date or date-time .*\(got "2"\)/],
    ['a team with no subscriptions', (f) => { at(f.teams, ['teams', 1]).subscriptions = []; }, /^teams\.yaml: teams\[1\]\.subscriptions: a team needs at least one subscription/],
    ['an unknown framework', (f) => { at(f.teams, ['teams', 0, 'subscriptions', 0]).frameworks = ['pytorh']; }, /^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.frameworks\[0\]: unknown value "pytorh"; did you mean "pytorch"\?/],
    ['an unknown kind', (f) => { at(f.teams, ['teams', 0, 'subscriptions', 1]).kinds = ['securty-update']; }, /^teams\.yaml: teams\[0\]\.subscriptions\[1\]\.kinds\[0\]: unknown value "securty-update"; did you mean "security-update"\?/],
    ['a date that does not exist (2027-02-30 would become March 2)', (f) => { at(f.teams, ['teams', 0]).mutes = [{ until: '2027-02-30' }]; }, /^teams\.yaml: teams\[0\]\.mutes\[0\]\.until: expected a real full ISO date/],
    ['products on a versions table', (f) => { at(f.sources, ['sources', 2]).products = ['Deep Learning VM Images']; }, /^sources\.yaml: sources\[2\]\.products: only feeds have products/],
    ['a poll interval of 273,972 years', (f) => { at(f.sources, ['sources', 0]).every = '99999999d'; }, /^sources\.yaml: sources\[0\]\.every: expected a duration between 1s and 30d/],
    ['the same URL twice', (f) => { const s = at(f.sources, ['sources', 0]); s.urls = [(s.urls as string[])[0], (s.urls as string[])[0]]; }, /^sources\.yaml: sources\[0\]\.urls\[1\]: the same URL twice/],
    ['ulrs (a swap, as close to url as to urls)', (f) => rename(f.sources, ['sources', 0], 'urls', 'ulrs'), /^sources\.yaml: sources\[0\]\.ulrs: unknown key "ulrs"; did you mean "urls"\?/],
    ['versions: 2.10 unquoted (YAML reads the number 2.1)', (f) => { at(f.teams, ['teams', 0, 'subscriptions', 0]).versions = 2.1; }, /^teams\.yaml: teams\[0\]\.subscriptions\[0\]\.versions: expected text, but YAML read the number 2\.1: put the value in quotes as you wrote it/],
    ['a password with an unencoded "/" (parses as host "alice", port 8443)', (f) => { at(f.sources, ['sources', 0]).urls = ['https://alice:8443/s3cretPassXY@feeds.example.com/x.xml']; }, /^sources\.yaml: sources\[0\]\.urls\[0\]: this looks like user:password@host with a "\/" in the password: percent-encode it as %2F \(the URL is not shown here\)$/],
    ['a source without its kind', (f) => { delete at(f.sources, ['sources', 0]).kind; }, /^sources\.yaml: sources\[0\]\.kind: missing \(required; one of: feed, versions-table\)$/],
  ];
  it('a source URL that is refused is echoed without its credentials, whatever the password holds', async () => {
    const problems = await problemsOf((f) => {
      at(f.sources, ['sources', 0]).urls = ['https://alice:Zm9v/YmFyQmF6c2VjcmV0@feeds.example.com/private.xml', 'ftp://bob:hunter2 secretword@feeds.example.com/x'];
      at(f.sources, ['sources', 1]).urls = ['https://carol:pa<ss>word99@feeds.example.com:99999/'];
    });
    expect(problems.join('\n')).not.toMatch(/YmFy|hunter2|secretword|pa<ss|word99/);
    expect(problems).toContain('sources.yaml: sources[0].urls[1]: expected an http:// or https:// URL (got "ftp://***@feeds.example.com/x")');
  });

  it('an empty file, or one with only comments, is said to be empty and what it should hold', async () => {
    const err = (await loadConfig(await dirWith('# only a comment\n', '')).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toEqual([
      'sources.yaml: the file is empty (or only comments): expected "sources:" with a list of sources (see config/sources.yaml in the repository)',
      'teams.yaml: the file is empty (or only comments): expected "teams:" with a list of teams (see config/teams.yaml in the repository)',
    ]);
  });
  it('accepts YAML merge keys with anchors kept under x- keys, and refuses an alias bomb', async () => {
    const files = await shipped();
    const teams = `x-defaults: &defaults\n  timezone: Europe/Berlin\n  email: { to: [a@example.com] }\nteams:\n  - <<: *defaults\n    id: a\n    name: A\n    subscriptions: [{ frameworks: [pytorch] }]\n`;
    const config = await loadConfig(await dirWith(yaml.dump(files.sources), teams));
    expect(config.teams[0]).toMatchObject({ id: 'a', timezone: 'Europe/Berlin', email: { to: ['a@example.com'] } });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'teams: []'].join('\n');
    const problems = ((await loadConfig(await dirWith(yaml.dump(files.sources), bomb)).catch((e: unknown) => e)) as ConfigError).problems;
    expect(problems).toEqual([expect.stringMatching(/^teams\.yaml: more than 200,000 values once YAML aliases are expanded; refused/)]);
  });

  it('warns, without refusing, about a mute that already ended and about no teams', async () => {
    const files = await shipped();
    at(files.teams, ['teams', 0]).mutes = [{ until: '2020-01-01' }];
    const config = await loadConfig(await dirWith(yaml.dump(files.sources), yaml.dump(files.teams)));
    expect(config.warnings).toEqual(['teams.yaml: teams[0].mutes[0].until: 2020-01-01 is already past (in Europe/Berlin); this mute is not in force']);
    const empty = await loadConfig(await dirWith(yaml.dump(files.sources), 'teams: []\n'));
    expect(empty.warnings).toEqual(['teams.yaml: teams: no teams, so nothing will be sent to anyone']);
  });

  it.each(cases)('%s', async (_name, mutate, expected) => {
    const problems = await problemsOf(mutate);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});

describe('silence ends (teams.yaml until:, mute/snooze --until)', () => {
  it('a date is the start of that day in the team zone; a date-time needs its zone; anything else is refused', async () => {
    const { parseUntil } = await import('../../src/domain/time.js');
    expect(parseUntil('2026-12-31', 'Europe/Berlin')?.toISOString()).toBe('2026-12-30T23:00:00.000Z');
    expect(parseUntil('2026-12-31T18:00:00Z', 'Europe/Berlin')?.toISOString()).toBe('2026-12-31T18:00:00.000Z');
    expect(parseUntil('2026-12-31T18:00+02:00', 'UTC')?.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    for (const bad of ['2', '2027', '1/2/2027', '2026-12-31T18:00', '2027-02-30', '2026-13-01', '99999', '+099999-01-01']) expect(parseUntil(bad, 'UTC'), bad).toBeNull();
  });
});
