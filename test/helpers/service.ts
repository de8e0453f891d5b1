import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import yaml from 'js-yaml';
import { loadEnv } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/load.js';
import { JOB, STAGES } from '../../src/queue/names.js';
import { startService, type Service, type ServiceOptions } from '../../workers/service.js';
import { REDIS_URL } from './redis.js';

export async function writeConfig(sources: unknown[], teams: unknown[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-config-'));
  await writeFile(path.join(dir, 'sources.yaml'), yaml.dump({ sources }));
  await writeFile(path.join(dir, 'teams.yaml'), yaml.dump({ teams }));
  return dir;
}

export interface TestServiceOptions {
  prefix: string;
  configDir: string;
  env?: Record<string, string>;
  service?: Partial<ServiceOptions>;
  /** Default: silent. */
  logger?: Logger;
}

/** The real service (all stages in-process) against the real Redis, as `release-radar start` runs it. */
export async function startTestService(o: TestServiceOptions): Promise<Service> {
  const outbox = await mkdtemp(path.join(tmpdir(), 'rr-outbox-'));
  // Test feeds are served from 127.0.0.1: allowed here explicitly (the default refuses them).
  const env = loadEnv({ REDIS_URL, QUEUE_PREFIX: o.prefix, CONFIG_DIR: o.configDir, OUTBOX_DIR: outbox, HTTP_PORT: '0', LOG_LEVEL: 'silent', ALLOW_PRIVATE_SOURCES: 'true', ...o.env });
  const config = await loadConfig(env.CONFIG_DIR);
  return startService(env, config, o.logger ?? pino({ level: 'silent' }), {
    stages: STAGES,
    scheduler: false,
    http: false,
    fetch: { timeoutMs: 5_000 },
    ...o.service,
  });
}

export async function pollNow(service: Service, sourceId: string): Promise<void> {
  await service.deps.queues.poll.add(JOB.poll, { sourceId });
}
