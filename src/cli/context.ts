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
import { parseSince } from '../domain/time.js';

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * What every `--json` prints: one JSON array, `[]` when empty, one item per line so that it still
 * greps and diffs well.
 */
export function outJson(items: unknown[]): void {
  out(items.length === 0 ? '[]' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]`);
}

/** A whole number of at least 1 (commander option parser). */
export function positiveInt(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name}: expected a whole number of at least 1 (got "${v}")`);
    return n;
  };
}

/** --since / --now: "2025-01-31", "2025-01-31T09:00:00Z", "yesterday", "7d". */
export function pastMoment(name: string, now: Date, text: string): Date {
  const at = parseSince(text, now);
  if (!at) throw new InvalidArgumentError(`${name}: use a date like 2025-01-31, a time like 2025-01-31T09:00:00Z, "today", "yesterday" or an age like 7d / 12h (got "${text}")`);
  return at;
}

/** The environment and the config (from `configDir` when given, else $CONFIG_DIR). */
export async function loadAll(configDir?: string): Promise<{ env: Env; config: AppConfig }> {
  const env = loadEnv();
  // Secrets of the environment are known before the config is read: its errors are redacted too.
  registerSecrets(configuredSecrets(env, null));
  const config = await loadConfig(configDir ?? env.CONFIG_DIR);
  registerSecrets(configuredSecrets(env, config));
  return { env, config };
}

/** Runs `fn` with a Redis connection to the service's Redis, closed afterwards. */
export async function withRedis<T>(env: Env, fn: (redis: Redis) => Promise<T>): Promise<T> {
  await assertRedisReachable(env);
  const redis = createRedis(env);
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
