import { mkdtemp, writeFile } from 'node:fs/promises';
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
        expect.stringMatching(/^teams\.yaml: teams\[0\]\.mutes\[0\]\.until: expected a full ISO date/),
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
});
