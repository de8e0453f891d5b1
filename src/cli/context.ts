// What every command shares: printing, loading env + config once, a short-lived Redis connection
// for commands that read or change the running service's state, and team lookup.
import { InvalidArgumentError } from 'commander';
import type { Redis } from 'ioredis';
import { loadEnv, type Env } from '../config/env.js';
import { loadConfig, type AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import { assertRedisReachable, createRedis } from '../queue/connection.js';
import { configuredSecrets } from '../config/secrets.js';
import { registerSecrets } from '../redact.js';

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function loadAll(): Promise<{ env: Env; config: AppConfig }> {
  const env = loadEnv();
  // Secrets of the environment are known before the config is read: its errors are redacted too.
  registerSecrets(configuredSecrets(env, null));
  const config = await loadConfig(env.CONFIG_DIR);
  registerSecrets(configuredSecrets(env, config));
  return { env, config };
}

/** Runs `fn` with a Redis connection to the service's Redis, closed afterwards. */
export async function withRedis<T>(env: Env, fn: (redis: Redis) => Promise<T>): Promise<T> {
  await assertRedisReachable(env.REDIS_URL);
  const redis = createRedis(env.REDIS_URL);
  try {
    return await fn(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export function findTeam(config: AppConfig, teamId: string): TeamConfig {
  const team = config.teams.find((t) => t.id === teamId);
  if (!team) throw new InvalidArgumentError(`no team "${teamId}" in teams.yaml (teams: ${config.teams.map((t) => t.id).join(', ') || 'none'})`);
  return team;
}
