// Whether Slack clicks can reach this deployment, from the environment alone (every process draws
// the same buttons, whichever of them runs the Slack app). Kept apart from app.ts so that knowing
// it does not load Bolt.
import type { Env } from '../config/env.js';

export type SlackAppMode = 'socket' | 'http';

export function interactiveMode(env: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET'>): SlackAppMode | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  if (env.SLACK_APP_TOKEN) return 'socket';
  if (env.SLACK_SIGNING_SECRET) return 'http';
  return null;
}

/** Where Slack posts in HTTP mode (the receiver and the servers route these). */
export const SLACK_PATHS = ['/slack/interactions', '/slack/commands'] as const;
