// Status and metrics server (binds 127.0.0.1 unless configured): /healthz, /readyz, /metrics, the
// status page at /, team calendars at /teams/<id>/calendar.ics and Bull Board at /admin/queues.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import { teamCalendar } from '../domain/calendar.js';
import type { Deps } from '../processors/deps.js';
import { digestSchedulerId, pollSchedulerId, remindSchedulerId, WATCHDOG_SCHEDULER_ID } from '../queue/schedules.js';
import { ADMIN_BASE, createAdminHandler } from './admin.js';
import { renderStatusPage } from './status-page.js';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

async function refreshGauges(deps: Deps): Promise<void> {
  for (const [name, queue] of Object.entries(deps.queues) as [string, Queue][]) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    for (const [state, n] of Object.entries(counts)) deps.metrics.queueDepth.set({ queue: name, state }, Number(n));
  }
  const now = deps.clock().getTime();
  const states = await deps.sources.getMany(deps.config.sources.map((s) => s.id));
  for (const s of deps.config.sources) {
    const st = states.get(s.id);
    if (!st) continue;
    if (st.lastSuccessAt) deps.metrics.secondsSinceSuccess.set({ source: s.id }, Math.max(0, (now - Date.parse(st.lastSuccessAt)) / 1000));
  }
}

async function readiness(deps: Deps): Promise<{ ok: boolean; problems: string[] }> {
  const problems: string[] = [];
  try {
    await deps.redis.ping();
  } catch (err) {
    problems.push(`redis: ${(err as Error).message}`);
    return { ok: false, problems };
  }
  const ids = async (q: Queue): Promise<Set<string>> => new Set((await q.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key));
  const [polls, digests, reminders, watchdog] = await Promise.all([deps.queues.poll, deps.queues.digest, deps.queues.remind, deps.queues.watchdog].map(ids));
  for (const s of deps.config.sources) if (!polls?.has(pollSchedulerId(s.id))) problems.push(`no poll scheduler for source ${s.id}`);
  for (const t of deps.config.teams) {
    if (!digests?.has(digestSchedulerId(t.id))) problems.push(`no digest scheduler for team ${t.id}`);
    if (!reminders?.has(remindSchedulerId(t.id))) problems.push(`no reminder scheduler for team ${t.id}`);
  }
  if (!watchdog?.has(WATCHDOG_SCHEDULER_ID)) problems.push('no watchdog scheduler');
  return { ok: problems.length === 0, problems };
}

export async function startHttpServer(deps: Deps, options: { host: string; port: number; adminToken?: string }): Promise<HttpServer> {
  const admin = await createAdminHandler(deps.queues, options.adminToken);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === ADMIN_BASE || url.pathname.startsWith(`${ADMIN_BASE}/`)) {
      admin(req, res);
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    switch (url.pathname) {
      case '/healthz':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz': {
        const r = await readiness(deps);
        res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r));
        return;
      }
      case '/metrics':
        await refreshGauges(deps);
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(await deps.metrics.registry.metrics());
        return;
      case '/':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(await renderStatusPage(deps));
        return;
      default: {
        const calendar = /^\/teams\/([a-z0-9][a-z0-9-]*)\/calendar\.ics$/.exec(url.pathname);
        const team = calendar?.[1] ? deps.teams.get(calendar[1]) : undefined;
        if (team) {
          const [lines, notices] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]);
          res
            .writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `inline; filename="${team.id}.ics"` })
            .end(teamCalendar(team, lines, notices, deps.clock()).toString());
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.logger.error({ err: (err as Error).message, path: req.url }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
