// The shipped Slack app manifest asks for what the code needs: every scope the notifier and the
// doctor check for, the /radar command the app listens to, interactivity, and Socket Mode.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { HISTORY_SCOPES } from '../../src/notify/slack.js';

interface Manifest {
  features: { slash_commands: { command: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe('config/slack-app-manifest.yaml', () => {
  const manifest = yaml.load(readFileSync(new URL('../../config/slack-app-manifest.yaml', import.meta.url), 'utf8')) as Manifest;

  it('asks for the scopes the code uses, offers /radar, and turns on interactivity through Socket Mode', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['chat:write', 'channels:read', 'groups:read', 'commands', ...HISTORY_SCOPES]));
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/radar']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
