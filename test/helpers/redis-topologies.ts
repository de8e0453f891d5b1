// Real Redis topologies started by the test, on free ports, from Debian's redis-server:
// - Sentinel: one master, one replica and three sentinels (`redis-server <conf> --sentinel`, what
//   Debian's redis-sentinel package runs), AOF on every data node;
// - Cluster: three masters, each with one replica, made a cluster by `redis-cli --cluster create`.
// Each node can be killed (SIGKILL) to force a failover.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Node {
  port: number;
  child: ChildProcess;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const pong = await probe.connect().then(() => probe.ping()).catch(() => 'no');
  probe.disconnect();
  return pong === 'PONG';
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis topology: timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startNode(args: string[], port: number): Promise<Node> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await until(() => answers(port), `redis-server on ${port}`);
  return { port, child };
}

function kill(node: Node): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    node.child.once('exit', () => resolve());
    node.child.kill('SIGKILL');
  });
}

async function info(port: number, section: string): Promise<string> {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.info(section);
  } finally {
    r.disconnect();
  }
}

const dataNodeArgs = (port: number, dir: string): string[] => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];

export interface SentinelSetup {
  masterName: string;
  /** "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3", as REDIS_SENTINELS takes it. */
  sentinels: string;
  /** The port of the current master, as the sentinels see it. */
  masterPort(): Promise<number>;
  /** SIGKILL the current master and wait until the sentinels promoted the replica. */
  failover(): Promise<{ from: number; to: number }>;
  close(): Promise<void>;
}

export async function startSentinelSetup(): Promise<SentinelSetup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rr-sentinel-'));
  const masterName = 'rr-master';
  const [mPort, rPort] = [await freePort(), await freePort()];
  const nodes: Node[] = [];
  nodes.push(await startNode(dataNodeArgs(mPort, path.join(dir)), mPort));
  const replicaDir = mkdtempSync(path.join(dir, 'replica-'));
  nodes.push(await startNode([...dataNodeArgs(rPort, replicaDir), '--replicaof', '127.0.0.1', String(mPort)], rPort));
  await until(async () => /master_link_status:up/.test(await info(rPort, 'replication')), 'the replica to sync');
  const sentinelPorts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${port}.conf`);
    // Sentinel rewrites its config file: each gets its own, writable.
    writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${masterName} 127.0.0.1 ${mPort} 2`, `sentinel down-after-milliseconds ${masterName} 1000`, `sentinel failover-timeout ${masterName} 5000`, `sentinel parallel-syncs ${masterName} 1`, ''].join('\n'));
    nodes.push(await startNode([conf, '--sentinel'], port));
    sentinelPorts.push(port);
  }
  const askSentinel = async (): Promise<number> => {
    const s = new Redis({ port: sentinelPorts[0], host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: true });
    s.on('error', () => undefined);
    try {
      await s.connect();
      const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', masterName)) as [string, string];
      return Number(addr[1]);
    } finally {
      s.disconnect();
    }
  };
  // Every sentinel must know the replica and the other sentinels before a failover can happen.
  await until(async () => {
    const s = await info(sentinelPorts[0] ?? 0, 'sentinel');
    return new RegExp(`name=${masterName},status=ok,address=127.0.0.1:${mPort},slaves=1,sentinels=3`).test(s);
  }, 'the sentinels to see the replica and each other', 30_000);
  return {
    masterName,
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    masterPort: askSentinel,
    async failover() {
      const from = await askSentinel();
      const master = nodes.find((n) => n.port === from);
      if (master) await kill(master);
      await until(async () => (await askSentinel()) !== from && /role:master/.test(await info(await askSentinel(), 'replication')), 'the sentinels to promote the replica', 30_000);
      return { from, to: await askSentinel() };
    },
    close: async () => {
      await Promise.all(nodes.map(kill));
    },
  };
}

export interface ClusterSetup {
  /** "127.0.0.1:p1,…" (the masters), as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  /** SIGKILL the master serving this key's slot and wait until its replica took over. */
  failoverOf(key: string): Promise<{ from: number; to: number }>;
  close(): Promise<void>;
}

export async function startClusterSetup(): Promise<ClusterSetup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rr-cluster-'));
  const nodes: Node[] = [];
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    const nodeDir = mkdtempSync(path.join(dir, `node-${port}-`));
    nodes.push(await startNode([...dataNodeArgs(port, nodeDir), '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '3000'], port));
  }
  // Three masters, one replica each (redis-cli picks the pairs).
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes']);
  const clusterOk = async (port: number): Promise<boolean> => /cluster_state:ok/.test(await clusterInfo(port));
  await until(async () => (await Promise.all(nodes.map((n) => clusterOk(n.port)))).every(Boolean), 'the cluster to be ok', 30_000);
  // A replica that never finished its first sync refuses to take over (its data counts as too old).
  const synced = async (port: number): Promise<boolean> => {
    const r = await info(port, 'replication');
    return /role:master/.test(r) || /master_link_status:up/.test(r);
  };
  await until(async () => (await Promise.all(nodes.map((n) => synced(n.port)))).every(Boolean), 'every replica to sync', 30_000);
  // Settled: every node ok and every node telling the same slot map, twice in a row a second apart
  // (a cluster that just formed can still flap: a node marked failing, a spurious failover).
  const slotMap = async (port: number): Promise<string> => {
    const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    r.on('error', () => undefined);
    try {
      await r.connect();
      const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
      return JSON.stringify(slots.map(([from, to, master]) => [from, to, master[1]]).sort((x, y) => Number(x[0]) - Number(y[0])));
    } finally {
      r.disconnect();
    }
  };
  let agreed: string | null = null;
  await until(async () => {
    const maps = await Promise.all(nodes.map((n) => slotMap(n.port)));
    const ok = (await Promise.all(nodes.map((n) => clusterOk(n.port)))).every(Boolean);
    const same = ok && maps.every((m) => m === maps[0]) ? (maps[0] ?? null) : null;
    const settled = same !== null && same === agreed;
    agreed = same;
    if (!settled) await new Promise((r) => setTimeout(r, 1_000));
    return settled;
  }, 'the cluster to settle (every node ok, one slot map)', 60_000);
  const live = (): Node[] => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  const ownerOf = async (key: string): Promise<number> => {
    const r = new Redis({ port: live()[0]?.port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: true });
    r.on('error', () => undefined);
    try {
      await r.connect();
      const slot = (await r.call('CLUSTER', 'KEYSLOT', key)) as number;
      const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      return Number(range?.[2][1]);
    } finally {
      r.disconnect();
    }
  };
  const masters = nodes.slice(0, 3).map((n) => `127.0.0.1:${n.port}`).join(',');
  return {
    nodes: masters,
    async failoverOf(key) {
      const from = await ownerOf(key);
      const master = nodes.find((n) => n.port === from);
      if (master) await kill(master);
      await until(async () => {
        const owner = await ownerOf(key);
        return owner !== from && (await clusterOk(owner));
      }, 'a replica to take over the slot', 30_000);
      return { from, to: await ownerOf(key) };
    },
    close: async () => {
      await Promise.all(nodes.map(kill));
    },
  };
}

async function clusterInfo(port: number): Promise<string> {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return String(await r.call('CLUSTER', 'INFO'));
  } finally {
    r.disconnect();
  }
}
