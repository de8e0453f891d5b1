// Status and metrics server (binds 127.0.0.1 unless configured): /healthz, /readyz, /metrics and
// a small status page at / with each source's last poll and last error.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import { teamCalendar } from '../domain/calendar.js';
import { escapeHtml } from '../domain/render.js';
import type { Deps } from '../processors/deps.js';
import { pollSchedulerId } from '../queue/schedules.js';

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
  for (const s of deps.config.sources) {
    const st = await deps.sources.get(s.id);
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
  const schedulers = new Set((await deps.queues.poll.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key));
  for (const s of deps.config.sources) if (!schedulers.has(pollSchedulerId(s.id))) problems.push(`no poll scheduler for source ${s.id}`);
  return { ok: problems.length === 0, problems };
}

async function statusPage(deps: Deps): Promise<string> {
  const rows: string[] = [];
  for (const s of deps.config.sources) {
    const st = await deps.sources.get(s.id);
    const health = st.failing ? `<span class="bad">failing</span>` : st.lastSuccessAt ? `<span class="ok">ok</span>` : 'not polled yet';
    rows.push(
      `<tr><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td>${health}</td><td>${escapeHtml(st.lastPollAt ?? '—')}</td><td>${escapeHtml(st.lastChangeAt ?? '—')}</td><td>${escapeHtml(st.lastError ?? '')}</td></tr>`,
    );
  }
  const teams = deps.config.teams.map((t) => `<li>${escapeHtml(t.name)} (${escapeHtml(t.id)}): ${t.subscriptions.length} subscription(s), digest ${escapeHtml(t.digest.every)} at ${escapeHtml(t.digest.at)} ${escapeHtml(t.timezone)}</li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>release-radar</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.bad{color:#b00}.ok{color:#070}</style></head>
<body><h1>release-radar</h1><p>Slack: ${escapeHtml(deps.slack.mode)} · Email: ${escapeHtml(deps.email.mode)}</p>
<h2>Sources</h2><table><tr><th>source</th><th>kind</th><th>health</th><th>last poll</th><th>last change</th><th>last error</th></tr>${rows.join('')}</table>
<h2>Teams</h2><ul>${teams}</ul></body></html>`;
}

export async function startHttpServer(deps: Deps, options: { host: string; port: number }): Promise<HttpServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
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
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(await statusPage(deps));
        return;
      default: {
        const calendar = /^\/teams\/([a-z0-9][a-z0-9-]*)\/calendar\.ics$/.exec(url.pathname);
        const team = calendar ? deps.config.teams.find((t) => t.id === calendar[1]) : undefined;
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
