// Every secret the environment and the config hold, so redaction can remove them by value
// wherever they turn up (src/redact.ts), not only where their shape gives them away.
import { secretsOfUrl } from '../redact.js';
import type { Env } from './env.js';
import type { AppConfig } from './load.js';

export function configuredSecrets(env: Env, config: AppConfig | null): string[] {
  const out: (string | undefined)[] = [env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN, env.SLACK_SIGNING_SECRET, env.ADMIN_TOKEN, env.REDIS_PASSWORD, env.REDIS_SENTINEL_PASSWORD, ...secretsOfUrl(env.REDIS_URL), ...secretsOfUrl(env.SMTP_URL), ...secretsOfUrl(env.SLACK_API_URL), ...Object.values(env.INVENTORY_TOKENS)];
  for (const s of config?.sources ?? []) for (const url of [...s.urls, s.homepage]) out.push(...secretsOfUrl(url));
  return out.filter((x): x is string => typeof x === 'string' && x !== '');
}
