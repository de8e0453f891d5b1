// A redis-server of the test's own, on a free port, that the test may kill and restart (the
// machine's Redis on 6379 is shared by every test and must stay up). Debian's redis-server package.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface OwnRedis {
  port: number;
  /** redis://… (with the password when one is set). */
  url: string;
  /** Start again on the same port (empty, unless persistence is on). */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no save. */
  kill(): Promise<void>;
  /** SHUTDOWN: a clean stop (with persistence, the AOF is complete). */
  shutdown(): Promise<void>;
  /** SIGSTOP / SIGCONT: a frozen server whose connections stay open (a black hole). */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export interface OwnRedisOptions {
  /** AOF with fsync always: a restart keeps the data (the chaos suite). Default: nothing kept. */
  persistence?: boolean;
  password?: string;
  maxmemoryPolicy?: string;
}

export async function startOwnRedis(options: OwnRedisOptions = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rr-own-redis-'));
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  const url = `redis://${auth}127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', options.persistence ? 'yes' : 'no',
    ...(options.persistence ? ['--appendfsync', 'always'] : []),
    '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction',
    ...(options.password ? ['--requirepass', options.password] : []),
  ];
  const answers = async (): Promise<boolean> => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const pong = await probe.connect().then(() => probe.ping()).catch(() => 'no');
    probe.disconnect();
    return pong === 'PONG';
  };
  const own: OwnRedis = {
    port,
    url,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (!(await answers())) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
      child = null;
    },
    async shutdown() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      const admin = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      admin.on('error', () => undefined);
      await admin.shutdown().catch(() => undefined);
      admin.disconnect();
      await exited;
      child = null;
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    close: async () => {
      child?.kill('SIGCONT');
      await own.kill();
    },
  };
  await own.start();
  return own;
}
