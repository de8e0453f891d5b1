// Status and metrics server (binds 127.0.0.1 unless configured): /healthz, /readyz, /metrics, the
// status page at /, team calendars at /teams/<id>/calendar.ics and Bull Board at /admin/queues.
// Every answer that needs Redis has a deadline: while Redis is away the endpoints answer fast with
// 503 and the reason (a supervisor can act on it), and never hang on the dead connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import { teamCalendar } from '../render/calendar.js';
import type { Deps } from '../processors/deps.js';
import type { StateGuard } from '../processors/state-guard.js';
import type { InstanceRegistry, InstanceInfo } from '../stores/instances.js';
import { configFingerprint } from '../config/load.js';
import { digestSchedulerId, pollGraceMs, POLL_SWEEP_SCHEDULER_ID, remindSchedulerId, WATCHDOG_SCHEDULER_ID } from '../queue/schedules.js';
import { redactText, redactUrl } from '../redact.js';
import { handleInventoryApi, isInventoryPath } from './inventory-api.js';
import { eolAnswer, isEolPath } from './eol-api.js';
import { loadExposures } from '../processors/exposure.js';
import { ADMIN_BASE, createAdminHandler, tokenMatches } from './admin.js';
import { DeadlineError, withDeadline } from '../deadline.js';
import { renderStatusPage, renderUnavailablePage, STATUS_PAGE_CSP } from './status-page.js';
import { SLACK_PATHS } from '../slack-app/mode.js';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export interface HttpOptions {
  host: string;
  port: number;
  adminToken?: string;
  guard?: StateGuard | null;
  /** Deadline of any Redis work behind one request (default 1.5 s: answers within 2 s). */
  redisDeadlineMs?: number;
  /** The processes sharing this prefix (for the status page and a mixed-config warning). */
  instances?: InstanceRegistry;
  /** `POST /-/reload` (Alertmanager's): validate the config files again and apply them. */
  reload?: () => Promise<{ ok: boolean; message: string }>;
  /** Stages of this process that stopped taking jobs. */
  canary?: { problems(): string[] };
  /** Per-team tokens for PUT /teams/<team>/inventory (INVENTORY_TOKEN_<TEAM>). */
  inventoryTokens?: Readonly<Record<string, string>>;
  /** HTTP-mode Slack app: POST /slack/interactions and /slack/commands (verified there). */
  slack?: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> } | null;
}

const isLoopback = (address: string | undefined): boolean => address === '::1' || (address ?? '').replace(/^::ffff:/, '').startsWith('127.');

/** Why this process cannot do its work, or null when Redis is fine. */
function redisProblem(deps: Deps): string | null {
  const s = deps.health.status();
  if (s.up) return null;
  return `redis: ${s.state === 'refusing' ? 'refuses writes' : 'unreachable'} since ${s.downSince?.toISOString() ?? '?'} (${s.reason ?? 'unknown error'})`;
}

/** Live processes whose config differs from this one's. */
export async function otherConfigs(deps: Deps, instances: InstanceRegistry | undefined): Promise<{ mine: string; live: InstanceInfo[]; differing: InstanceInfo[] }> {
  const mine = configFingerprint(deps.config);
  const live = instances ? await instances.live() : [];
  return { mine, live, differing: live.filter((i) => i.configHash !== mine) };
}

async function refreshGauges(deps: Deps, instances: InstanceRegistry | undefined): Promise<void> {
  deps.metrics.configMismatch.set((await otherConfigs(deps, instances)).differing.length);
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
    deps.metrics.unreadStatements.set({ source: s.id }, st.unreadStatements);
  }
  // What each team runs, per line and where the line stands.
  const [lines, notices] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]);
  deps.metrics.exposedInstances.reset();
  for (const [team, exposure] of await loadExposures(deps.inventory, deps.config.teams, deps.clock(), { lines, notices })) {
    for (const l of exposure.lines) deps.metrics.exposedInstances.set({ team, line: l.key, state: l.stale ? 'stale' : (l.state ?? 'unknown') }, l.counts.vm + l.counts.pod + l.counts.disk + l.counts.ref);
  }
}

async function readiness(deps: Deps): Promise<string[]> {
  const problems: string[] = [];
  await deps.redis.ping();
  const ids = async (q: Queue): Promise<Set<string>> => new Set((await q.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key));
  const [polls, digests, reminders, watchdog] = await Promise.all([deps.queues.poll, deps.queues.digest, deps.queues.remind, deps.queues.watchdog].map(ids));
  if (deps.config.sources.length > 0 && !polls?.has(POLL_SWEEP_SCHEDULER_ID)) problems.push('no poll sweep scheduler');
  const due = await deps.polls.dueTimes(deps.config.sources.map((s) => s.id));
  const now = Date.now();
  for (const s of deps.config.sources) {
    const at = due.get(s.id);
    if (at === undefined) problems.push(`source ${s.id} is not in the poll plan`);
    else if (at < now - pollGraceMs(s)) problems.push(`source ${s.id} is overdue for polling since ${new Date(at).toISOString()} (is the poll sweep running?)`);
  }
  for (const t of deps.config.teams) {
    if (!digests?.has(digestSchedulerId(t.id))) problems.push(`no digest scheduler for team ${t.id}`);
    if (!reminders?.has(remindSchedulerId(t.id))) problems.push(`no reminder scheduler for team ${t.id}`);
  }
  if (!watchdog?.has(WATCHDOG_SCHEDULER_ID)) problems.push('no watchdog scheduler');
  return problems;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export async function startHttpServer(deps: Deps, options: HttpOptions): Promise<HttpServer> {
  const admin = await createAdminHandler(deps.queues, options.adminToken);
  const deadline = options.redisDeadlineMs ?? 1_500;
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(body)}\n`);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === ADMIN_BASE || url.pathname.startsWith(`${ADMIN_BASE}/`)) {
      admin(req, res);
      return;
    }
    if ((SLACK_PATHS as readonly string[]).includes(url.pathname)) {
      if (!options.slack) {
        json(res, 404, { ok: false, message: 'Slack interactivity is not enabled here (set SLACK_SIGNING_SECRET for HTTP mode, or SLACK_APP_TOKEN for Socket Mode)' });
        return;
      }
      await options.slack.handle(req, res);
      return;
    }
    if (url.pathname === '/-/reload') {
      if (req.method !== 'POST') {
        json(res, 405, { ok: false, message: 'reload is a POST (curl -X POST …/-/reload), or send SIGHUP to the process' });
        return;
      }
      if (!options.reload) {
        json(res, 404, { ok: false, message: 'reload is not available in this process' });
        return;
      }
      // With ADMIN_TOKEN set (the server may then be reachable beyond loopback), reload needs it too.
      if (options.adminToken && !tokenMatches(req, options.adminToken)) {
        json(res, 401, { ok: false, message: 'admin token required (Authorization: Bearer $ADMIN_TOKEN)' });
        return;
      }
      // Without one, only from this machine: a server opened up for Slack's requests (HTTP mode)
      // must not let anyone who reaches it reload the configuration.
      if (!options.adminToken && !isLoopback(req.socket.remoteAddress)) {
        json(res, 403, { ok: false, message: 'reload from another host needs ADMIN_TOKEN (set it, then send Authorization: Bearer $ADMIN_TOKEN), or send SIGHUP to the process' });
        return;
      }
      const r = await options.reload();
      json(res, r.ok ? 200 : 400, r);
      return;
    }
    if (isInventoryPath(url.pathname)) {
      await handleInventoryApi(req, res, deps, url.pathname, url.searchParams, { tokens: options.inventoryTokens ?? {}, ...(options.adminToken ? { adminToken: options.adminToken } : {}) }, json);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (isEolPath(url.pathname)) {
      const lines = await withDeadline(deps.lifecycle.lines(), deadline, 'lifecycle');
      const versions = deps.config.sources.find((s) => s.kind === 'versions-table');
      const answer = eolAnswer(url.pathname, lines, deps.clock(), { base: deps.publicUrl, versionsPage: versions ? redactUrl(versions.homepage ?? versions.urls[0] ?? '') || null : null });
      json(res, answer.status, answer.body);
      return;
    }
    switch (url.pathname) {
      case '/healthz': {
        // Liveness: this process can do its work. Redis away, or lost state it could not restore,
        // is a reason for a supervisor to act (restart, page someone); both say why.
        // Workers that silently stopped taking jobs are a reason to restart, like Redis being away.
        const problems = [redisProblem(deps), options.guard?.status().problem ?? null, ...(options.canary?.problems() ?? [])].filter((p): p is string => p !== null);
        // A frozen Redis keeps its connection open: ask it, briefly, before saying ok.
        if (problems.length === 0) await withDeadline(deps.redis.ping(), Math.min(deadline, 1_000), 'liveness').catch((err: unknown) => problems.push(`redis: ${redactText((err as Error).message)}`));
        if (problems.length > 0) json(res, 503, { ok: false, problems });
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      }
      case '/readyz': {
        const down = redisProblem(deps);
        if (down) return json(res, 503, { ok: false, problems: [down] });
        try {
          const problems = [...(await withDeadline(readiness(deps), deadline, 'readiness')), ...(options.canary?.problems() ?? [])];
          json(res, problems.length === 0 ? 200 : 503, { ok: problems.length === 0, problems });
        } catch (err) {
          json(res, 503, { ok: false, problems: [`redis: ${redactText((err as Error).message)}`] });
        }
        return;
      }
      case '/metrics': {
        // Process metrics and counters are always served; queue and source gauges need Redis.
        const down = redisProblem(deps);
        deps.metrics.redisUp.set(down ? 0 : 1);
        if (!down) await withDeadline(refreshGauges(deps, options.instances), deadline, 'metrics').catch(() => deps.metrics.redisUp.set(0));
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(await deps.metrics.registry.metrics());
        return;
      }
      case '/': {
        const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STATUS_PAGE_CSP, 'cache-control': 'no-store' };
        const down = redisProblem(deps);
        if (down) {
          res.writeHead(503, headers).end(renderUnavailablePage(deps, down));
          return;
        }
        try {
          const page = await withDeadline(
            (async () => renderStatusPage(deps, options.guard?.status() ?? null, options.instances ? await otherConfigs(deps, options.instances) : null))(),
            deadline,
            'status page',
          );
          res.writeHead(200, headers).end(page);
        } catch (err) {
          if (!(err instanceof DeadlineError)) throw err;
          res.writeHead(503, headers).end(renderUnavailablePage(deps, `redis: ${err.message}`));
        }
        return;
      }
      default: {
        const calendar = /^\/teams\/([a-z0-9][a-z0-9-]*)\/calendar\.ics$/.exec(url.pathname);
        const team = calendar?.[1] ? deps.teams.get(calendar[1]) : undefined;
        if (team) {
          const [lines, notices, plans] = await withDeadline(Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices(), deps.plans.all()]), deadline, 'calendar');
          res
            .writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `inline; filename="${team.id}.ics"` })
            .end(teamCalendar(team, lines, notices, deps.clock(), plans).toString());
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const deadlineHit = err instanceof DeadlineError;
      if (!deadlineHit) deps.logger.error({ err: (err as Error).message, path: req.url }, 'http handler failed');
      if (!res.headersSent) res.writeHead(deadlineHit ? 503 : 500, { 'content-type': 'text/plain' });
      res.end(err instanceof DeadlineError ? `${redactText(err.message)}\n` : '');
    });
  });
  return listening(server, options.host, options.port, 'HTTP');
}

/** Listens, saying which setting to change when it cannot (not only the errno); the URL and a close that drops open connections. */
async function listening(server: Server, host: string, port: number, setting: 'HTTP' | 'SLACK_HTTP'): Promise<HttpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`${host}:${port} is already in use (another release-radar?): set ${setting}_PORT to a free port, or stop the other process`));
      else if (err.code === 'EACCES') reject(new Error(`not allowed to listen on ${host}:${port}: set ${setting}_PORT above 1023, or ${setting}_HOST to an address of this machine`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
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

/**
 * HTTP mode's own listener (SLACK_HTTP_PORT): only POST /slack/interactions and /slack/commands,
 * so that endpoint can face the internet while the status page, /metrics and reload stay on
 * HTTP_HOST. Everything else is 404.
 */
export async function startSlackListener(deps: Deps, slack: { handle(req: IncomingMessage, res: ServerResponse): Promise<void> }, host: string, port: number): Promise<HttpServer> {
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!(SLACK_PATHS as readonly string[]).includes(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      req.resume();
      return;
    }
    slack.handle(req, res).catch((err: unknown) => {
      deps.logger.error({ err: (err as Error).message, path }, 'slack listener failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return listening(server, host, port, 'SLACK_HTTP');
}
