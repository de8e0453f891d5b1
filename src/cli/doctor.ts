// `release-radar doctor`: what an operator needs to know before trusting the service, in one run.
// Config valid; Redis reachable and set up not to lose jobs (AOF on, maxmemory-policy
// noeviction); every source fetched once (status, redirects, final URL, content type, size) and
// read (entries, newest entry, notes and events; or table rows and end dates); Slack token,
// scopes and channel membership; SMTP greeting and login. Nothing is sent, nothing is written.
// Every failure and warning says what to do.
import { Redis } from 'ioredis';
import { inventoryTokenVar, type Env } from '../config/env.js';
import { withDeadline } from '../deadline.js';
import type { InventoryDoc } from '../domain/exposure.js';
import { exposuresOf } from '../processors/exposure.js';
import { InventoryStore } from '../stores/inventory.js';
import { ConfigError, didYouMean, loadConfig, type AppConfig } from '../config/load.js';
import type { SourceConfig } from '../config/schema.js';
import { extractEntries } from '../ingest/extract.js';
import { parseFeed } from '../ingest/feed.js';
import { fetchDocument, FetchError, type FetchResult } from '../ingest/fetch.js';
import { productKey, productTitles } from '../ingest/notes.js';
import { linesOfTable, parseVersionsTable } from '../ingest/versions-table.js';
import { checkSmtp } from '../notify/email.js';
import { createRedis, describeRedis } from '../queue/connection.js';
import { checkSlack, HISTORY_SCOPES, type SlackCheck } from '../notify/slack.js';
import { interactiveMode } from '../slack-app/mode.js';
import { WebClient } from '@slack/web-api';
import { configuredSecrets } from '../config/secrets.js';
import { redactText, redactUrl, registerSecrets } from '../redact.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  check: string;
  status: CheckStatus;
  message: string;
  /** What to do about it (warnings and failures). */
  fix: string | null;
  details?: Record<string, unknown>;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

const check = (name: string, status: CheckStatus, message: string, fix: string | null = null, details?: Record<string, unknown>): Check => ({
  check: name,
  status,
  message: redactText(message),
  fix: fix ? redactText(fix) : null,
  ...(details ? { details } : {}),
});

export async function runDoctor(env: Env, options: { now?: Date } = {}): Promise<DoctorReport> {
  const checks: Check[] = [];
  let config: AppConfig | null = null;
  try {
    config = await loadConfig(env.CONFIG_DIR);
    // Source credentials and webhook secrets of the config never reach the report.
    registerSecrets(configuredSecrets(env, config));
    checks.push(check('config', 'ok', `${config.sources.length} source(s), ${config.teams.length} team(s) in ${env.CONFIG_DIR}`));
    for (const w of config.warnings) checks.push(check('config', 'warn', w, 'see the line above; the config is valid but probably not what was meant'));
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
    for (const p of problems) checks.push(check('config', 'fail', p, 'fix this line of the config; `release-radar validate` repeats the list'));
  }
  // Every part at once (each bounded by its own timeouts), reported in a fixed order.
  const now = options.now ?? new Date();
  const parts = await Promise.all([
    checkRedis(env),
    ...(config ? [...config.sources.map((source) => checkSource(source, env, now)), checkSlackSetup(env, config), checkEmailSetup(env, config), checkInventory(env, config, now)] : []),
  ]);
  checks.push(...parts.flat());
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

async function checkRedis(env: Env): Promise<Check[]> {
  const where = describeRedis(env);
  // Every command is bounded: a frozen Redis, or a port that accepts and says nothing, is a failure
  // within seconds, not a doctor that never prints.
  const redis = createRedis(env, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, commandTimeout: 5_000, retryStrategy: () => null });
  const errors: Error[] = [];
  redis.on('error', (e: Error) => errors.push(e));
  try {
    await redis.connect();
    const server = await redis.info('server');
    const persistence = await redis.info('persistence');
    const memory = await redis.info('memory');
    const field = (info: string, name: string): string | null => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
    const version = field(server, 'redis_version');
    const aof = field(persistence, 'aof_enabled');
    const policy = field(memory, 'maxmemory_policy');
    const out = [check('redis', 'ok', `${where} answers (Redis ${version ?? '?'})`)];
    if (policy !== 'noeviction') {
      out.push(check('redis', 'fail', `maxmemory-policy is ${policy ?? 'unknown'}: when memory runs out Redis drops queued jobs while every add reports success`, 'set maxmemory-policy noeviction (redis.conf, or CONFIG SET maxmemory-policy noeviction; docker-compose.yml does it)'));
    } else out.push(check('redis', 'ok', 'maxmemory-policy noeviction'));
    if (aof !== '1') {
      out.push(check('redis', 'warn', 'AOF persistence is off: a Redis restart loses queued alerts, baselines and seen notes (the service re-creates its schedulers and re-baselines, and tells you)', 'turn on appendonly yes (docker-compose.yml does it)'));
    } else out.push(check('redis', 'ok', 'AOF persistence on'));
    if (env.REDIS_SENTINELS) out.push(await replicationCheck(redis));
    return out;
  } catch (err) {
    const reason = errors.find((e) => !/Connection is closed/i.test(e.message))?.message ?? (err as Error).message;
    const fix = /WRONGPASS|NOAUTH/i.test(reason) ? 'check the user and password in REDIS_URL' : /timed out/i.test(reason) ? 'something answers at that address but not as Redis should (a frozen Redis, another service on the port?): check REDIS_URL and the Redis process' : 'start Redis (docker compose up -d redis) or point REDIS_URL at one';
    return [check('redis', 'fail', `cannot use Redis at ${where}: ${reason}`, fix)];
  } finally {
    redis.disconnect();
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const kb = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

async function checkSource(source: SourceConfig, env: Env, now: Date): Promise<Check[]> {
  const name = `source ${source.id}`;
  const out: Check[] = [];
  let answered: { url: string; result: Extract<FetchResult, { status: 'ok' }>; ms: number } | null = null;
  for (const [i, url] of source.urls.entries()) {
    const started = Date.now();
    try {
      const result = await fetchDocument(url, { allowPrivate: env.ALLOW_PRIVATE_SOURCES, timeoutMs: 20_000 });
      if (result.status !== 'ok') continue;
      const ms = Date.now() - started;
      const moved = result.redirects.length > 0 ? `, redirected ${result.redirects.map((r) => `${r.status} → ${redactUrl(r.to)}`).join(', ')}` : '';
      const permanent = result.redirects.some((r) => r.permanent);
      out.push(
        check(
          name,
          permanent ? 'warn' : 'ok',
          `${redactUrl(url)} → ${result.contentType ?? 'no content type'}, ${kb(result.bytes)} in ${ms} ms${moved}`,
          permanent ? `put ${redactUrl(result.url)} first in sources.yaml (sources[id=${source.id}].urls): the old address moved for good` : null,
          { url: redactUrl(url), finalUrl: redactUrl(result.url), contentType: result.contentType, bytes: result.bytes, redirects: result.redirects.map((r) => ({ ...r, from: redactUrl(r.from), to: redactUrl(r.to) })) },
        ),
      );
      if (i > 0) out.push(check(name, 'warn', `the preferred URL did not answer; a fallback did (${redactUrl(url)})`, `check ${redactUrl(source.urls[0] ?? '')} or reorder the urls of source ${source.id}`));
      answered = { url, result, ms };
      break;
    } catch (err) {
      const last = i === source.urls.length - 1;
      out.push(check(name, last ? 'fail' : 'warn', `${(err as Error).message}${last ? '' : '; trying the next URL'}`, fetchFix(err, source)));
    }
  }
  if (!answered) return out;
  const { result } = answered;
  try {
    if (source.kind === 'feed') out.push(...(await readFeedCheck(source, result.text, result.contentType, now)));
    else out.push(readTableCheck(source, result.text));
  } catch (err) {
    out.push(check(name, 'fail', `fetched, but not readable as a ${source.kind}: ${(err as Error).message}`, source.kind === 'feed' ? 'this is not an Atom/RSS feed: check the URL (an HTML page? a login page?)' : TABLE_FIX));
  }
  return out;
}

function fetchFix(err: unknown, source: SourceConfig): string {
  if (!(err instanceof FetchError)) return 'check the URL and that this machine can reach it';
  const status = err.status ?? 0;
  switch (err.code) {
    case 'http-status':
      if (status === 404 || status === 410) return `the address is gone: find the current one (Google moved its docs to docs.cloud.google.com) and put it first in sources[id=${source.id}].urls`;
      if (status === 401 || status === 403) return 'the server refuses this machine: check the credentials in the URL, or an IP allow-list / proxy in between';
      if (status === 429) return 'rate-limited: poll less often (interval) or wait';
      if (status >= 500) return 'the server is failing: try again later; if it persists, the address may be wrong';
      return 'check the URL';
    case 'private-address':
      return 'set ALLOW_PRIVATE_SOURCES=true if this internal address is intended';
    case 'timeout':
      return 'the server is slow or unreachable: check the network path, or try again';
    case 'too-large':
      return 'this is not a release-notes feed or versions page (too big): check the URL';
    case 'bad-redirect':
    case 'too-many-redirects':
      return 'open the URL in a browser and put the address it ends on in urls';
    case 'decode':
      return 'the server sends a charset we cannot decode: check the URL';
    case 'network':
      return 'check that this machine can reach the host (DNS, firewall, internet access)';
  }
}

async function readFeedCheck(source: SourceConfig, text: string, contentType: string | null, now: Date): Promise<Check[]> {
  const name = `source ${source.id}`;
  const feed = await parseFeed(text);
  const notes = await extractEntries(feed.entries, { source: source.id, ...(source.products ? { products: source.products } : {}) });
  const events = notes.flatMap((n) => n.events);
  const newest = feed.entries.map((e) => e.publishedAt ?? '').sort().at(-1) ?? null;
  const titles = new Map<string, number>();
  for (const e of feed.entries) for (const t of productTitles(e.html)) titles.set(t, (titles.get(t) ?? 0) + 1);
  const unread = notes.reduce((sum, n) => sum + n.unread.length, 0);
  const out: Check[] = [];
  const summary = `${plural(feed.entries.length, 'entry', 'entries')}, newest ${newest?.slice(0, 10) ?? 'undated'}; ${plural(notes.length, 'note')} → ${plural(events.length, 'event')}${unread ? ` (${plural(unread, 'statement')} not understood, sent as "other")` : ''}${titles.size > 0 ? `; ${plural(titles.size, 'product title')}` : ''}`;
  const details = { entries: feed.entries.length, newest, notes: notes.length, events: events.length, unread, products: Object.fromEntries([...titles].sort((a, b) => b[1] - a[1])) };
  if (feed.entries.length === 0) out.push(check(name, 'warn', `a feed with no entries: ${summary}`, 'check that this is the release-notes feed (not an empty or wrong one)', details));
  else if (newest && now.getTime() - Date.parse(newest) > 365 * 86_400_000) out.push(check(name, 'warn', `${summary}; the newest entry is over a year old`, 'a feed that stopped a year ago is probably not the one Google updates: check for a newer address', details));
  else if (notes.length > 0 && events.length === 0) out.push(check(name, 'warn', `${summary}; no note read as an event`, 'the page format may have changed: run `release-radar parse <url> --explain`', details));
  else out.push(check(name, 'ok', summary, null, details));
  if (contentType && !/xml|atom|rss/i.test(contentType)) out.push(check(name, 'warn', `served as ${contentType}, not as a feed`, 'it parsed, but check that the URL is the feed and not a page'));
  if (titles.size > 0 && !source.products) {
    // Suggest the titles this service is about first (DLVM, DLC, Workbench), then the busiest.
    const relevant = (t: string): number => (/deep learning|workbench|colab/i.test(t) ? 0 : 1);
    const suggested = [...titles].sort((a, b) => relevant(a[0]) - relevant(b[0]) || b[1] - a[1]).slice(0, 3).map(([t]) => `"${t}"`);
    out.push(check(name, 'warn', `an all-products feed (${titles.size} products) read whole: every product's notes would be alerted`, `add products: to source ${source.id}, e.g. [${suggested.join(', ')}] (\`release-radar doctor --json\` lists all ${titles.size} titles with their note counts)`));
  }
  if (source.products) {
    const keys = new Map([...titles.keys()].map((t) => [productKey(t), t]));
    for (const p of source.products) {
      if (keys.has(productKey(p))) continue;
      const near = didYouMean(p, [...titles.keys()]);
      out.push(check(name, titles.size > 0 ? 'warn' : 'fail', `product "${p}" is not in this feed${titles.size ? ` (it carries ${titles.size} products)` : ' (it has no product titles: not an all-products feed)'}`, near ? `did you mean "${near}"?` : `pick titles from: ${[...titles.keys()].slice(0, 8).join(', ')}${titles.size > 8 ? ', …' : ''}`));
    }
  }
  return out;
}

/**
 * Behind Sentinel, a write the master acknowledged but no replica received is lost at failover
 * (an alert claimed as sent, a seen note). min-replicas-to-write makes the master refuse writes
 * it cannot replicate, so BullMQ retries them instead.
 */
/**
 * Inventories: a token for a team that does not exist (a typo: its pushes would be refused), a
 * `from: inventory` subscription with nothing to cover yet, an inventory gone stale.
 */
async function checkInventory(env: Env, config: AppConfig, now: Date): Promise<Check[]> {
  const out: Check[] = [];
  const ids = new Set(config.teams.map((t) => t.id));
  for (const id of Object.keys(env.INVENTORY_TOKENS)) {
    if (!ids.has(id)) out.push(check('inventory', 'fail', `${inventoryTokenVar(id)} is set, but there is no team "${id}" in teams.yaml`, `${didYouMean(id, [...ids]) ? `did you mean ${inventoryTokenVar(didYouMean(id, [...ids]) ?? '')}? ` : ''}the variable name is INVENTORY_TOKEN_ and the team id in capitals, dashes as underscores`));
  }
  const watching = config.teams.filter((t) => t.runs.length > 0 || t.subscriptions.some((s) => s.from === 'inventory') || env.INVENTORY_TOKENS[t.id] !== undefined);
  if (watching.length === 0) return out;
  let pushed: Map<string, InventoryDoc[]>;
  try {
    pushed = await withDeadline(readInventories(env), 5_000, 'reading inventories');
  } catch (err) {
    out.push(check('inventory', 'warn', `could not read the pushed inventories (${(err as Error).message})`, 'see the redis check above'));
    return out;
  }
  const exposure = exposuresOf(config.teams, pushed, now);
  for (const t of watching) {
    const x = exposure.get(t.id);
    const fromInventory = t.subscriptions.some((s) => s.from === 'inventory');
    if (!x || x.lines.length === 0) {
      if (fromInventory) out.push(check('inventory', 'warn', `team ${t.id}: a from: inventory subscription, and no recognised image in its inventory yet: it receives nothing from it`, `add runs: to teams.yaml, or release-radar inventory import|scan ${t.id} …, or PUT /teams/${t.id}/inventory${env.INVENTORY_TOKENS[t.id] ? '' : ` (set ${inventoryTokenVar(t.id)} first)`}`));
      else out.push(check('inventory', 'ok', `team ${t.id}: ${inventoryTokenVar(t.id)} is set; nothing pushed yet`));
      continue;
    }
    const stale = x.sources.filter((s) => s.stale);
    if (stale.length > 0) out.push(check('inventory', 'warn', `team ${t.id}: inventory source${stale.length === 1 ? '' : 's'} ${stale.map((s) => `"${s.source}" (taken ${s.at})`).join(', ')} older than ${t.inventory.staleAfter}: shown as stale, not trusted for urgency`, 'push or import it again (CI on every deploy), or remove it: release-radar inventory remove'));
    const unreadable = x.unrecognised.filter((u) => u.status === 'unreadable').length;
    out.push(check('inventory', unreadable > 0 ? 'warn' : 'ok', `team ${t.id}: ${x.lines.length} line(s) in use${unreadable > 0 ? `, ${unreadable} image reference(s) not recognised` : ''}`, unreadable > 0 ? `release-radar inventory show ${t.id} lists them` : null));
  }
  return out;
}

async function readInventories(env: Env): Promise<Map<string, InventoryDoc[]>> {
  // Bounded like the redis check: a Redis that does not answer fails fast here too.
  const redis = createRedis(env, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, commandTimeout: 5_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await new InventoryStore(redis, env.QUEUE_PREFIX).allDocs();
  } finally {
    redis.disconnect();
  }
}

async function replicationCheck(redis: Redis): Promise<Check> {
  const info = await redis.info('replication');
  const field = (name: string): string | null => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null;
  const replicas = Number(field('connected_slaves') ?? 0);
  const guarded = field('min_slaves_good_slaves') !== null;
  if (replicas === 0) return check('redis', 'warn', 'the master has no connected replica: a failover has nothing to promote', 'start a replica (replicaof <master>) with AOF on, monitored by the sentinels');
  if (!guarded) return check('redis', 'warn', `the master has ${replicas} replica(s) but min-replicas-to-write is off: writes acknowledged just before a failover can be lost`, 'set min-replicas-to-write 1 and min-replicas-max-lag 10 on every node (redis.conf), with appendonly yes');
  return check('redis', 'ok', `master with ${replicas} replica(s), min-replicas-to-write on`);
}

const TABLE_FIX = 'check the URL: it must be the supported-versions page, with the end-of-patch and end-of-availability table';

function readTableCheck(source: SourceConfig, text: string): Check {
  const name = `source ${source.id}`;
  const table = parseVersionsTable(text);
  const lines = linesOfTable(table.rows, source.id, new Date());
  const dated = lines.filter((l) => l.endOfPatch || l.endOfAvailability).length;
  const sections = [...new Set(table.rows.map((r) => r.section))];
  const details = { rows: table.rows.length, lines: lines.length, linesWithEndDates: dated, sections, warnings: table.warnings };
  if (table.rows.length === 0) return check(name, 'fail', 'no supported-versions rows found', TABLE_FIX, details);
  const warn = table.warnings.length > 0 ? `; ${table.warnings.length} date(s) need attention (${table.warnings.map((w) => `${w.row}: ${w.message}`).slice(0, 2).join('; ')})` : '';
  return check(name, table.warnings.length > 0 ? 'warn' : 'ok', `${table.rows.length} rows in ${sections.length} section(s), ${dated} of ${lines.length} version lines with end dates${warn}`, table.warnings.length > 0 ? 'the dates were read as shown; Google may fix the typo later (a date change will be alerted)' : null, details);
}

// Scopes release-radar cannot work without: posting. Reading channel membership (doctor) and the
// history (effectively-once retries) are warnings when missing.
const NEEDED_SCOPES = ['chat:write'];

async function checkSlackSetup(env: Env, config: AppConfig): Promise<Check[]> {
  const channels = [...new Set([...config.teams.flatMap((t) => t.slack.channels), ...(config.operator?.slack.channels ?? [])])];
  if (!env.SLACK_BOT_TOKEN) {
    return [check('slack', channels.length > 0 ? 'warn' : 'ok', `no SLACK_BOT_TOKEN: Slack messages for ${channels.length} channel(s) go to the outbox (${env.OUTBOX_DIR}/slack/)`, channels.length > 0 ? 'set SLACK_BOT_TOKEN to a bot token (xoxb-…) to post for real' : null)];
  }
  const s = await checkSlack({ token: env.SLACK_BOT_TOKEN, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) }, channels);
  if (!s.ok && s.errorKind === 'unreachable') return [check('slack', 'fail', `Slack did not answer as Slack: ${s.error ?? 'no answer'}`, `check that this machine reaches ${env.SLACK_API_URL ?? 'https://slack.com/api/'} (DNS, firewall, a proxy or captive portal in between); the token was not judged`)];
  if (!s.ok) return [check('slack', 'fail', `the token is refused: ${s.error ?? 'auth.test failed'}`, 'create a new bot token (xoxb-…) for the Slack app and set SLACK_BOT_TOKEN')];
  const out = [check('slack', 'ok', `token valid for ${s.user ?? 'the bot'} in ${s.team ?? 'the workspace'}${s.scopes ? `; scopes ${s.scopes.join(', ')}` : ''}`)];
  const missing = s.scopes ? NEEDED_SCOPES.filter((n) => !s.scopes?.includes(n)) : [];
  if (missing.length > 0) out.push(check('slack', 'fail', `the token lacks ${missing.join(', ')}`, `add ${missing.join(', ')} to the app's bot token scopes and reinstall it`));
  if (s.listError) {
    out.push(check('slack', 'warn', `cannot list channels to check membership (${s.listError})`, 'add channels:read (and groups:read for private channels) to the bot scopes, or check each channel with `release-radar send-test <team>`'));
    return out;
  }
  out.push(...historyScopeCheck(s));
  out.push(...(await slackAppChecks(env, s)));
  const canJoinPublic = s.scopes?.includes('chat:write.public') ?? false;
  for (const c of s.channels) {
    if (!c.found) out.push(check('slack', 'fail', `channel ${c.channel} not found (or private and the bot is not in it)`, `check the name in teams.yaml / sources.yaml operator, or invite the bot: /invite @${s.user ?? 'release-radar'} in ${c.channel}`));
    else if (!c.member && !(canJoinPublic && c.isPrivate === false)) out.push(check('slack', 'fail', `the bot is not in ${c.channel}`, `invite it: /invite @${s.user ?? 'release-radar'} in ${c.channel}`));
    else out.push(check('slack', 'ok', `${c.channel}: ${c.member ? 'the bot is a member' : 'public, and the token may post without joining (chat:write.public)'}`));
  }
  return out;
}

/**
 * Buttons and /radar: which way Slack's clicks reach us, and whether that way works. Socket Mode:
 * the app-level token must be accepted by apps.connections.open (nothing is connected). HTTP mode:
 * Slack must be able to reach this server, and what else that opens up.
 */
async function slackAppChecks(env: Env, s: SlackCheck): Promise<Check[]> {
  const mode = interactiveMode(env);
  if (!mode) return [check('slack-app', 'ok', 'buttons and /radar are off (no SLACK_APP_TOKEN, no SLACK_SIGNING_SECRET): alerts carry no buttons', null)];
  const out: Check[] = [];
  if (s.scopes && !s.scopes.includes('commands')) out.push(check('slack-app', 'warn', 'the bot token lacks the commands scope: /radar will not be offered', 'add commands to the bot scopes and the /radar slash command (config/slack-app-manifest.yaml has both), then reinstall the app'));
  if (mode === 'socket') {
    const client = new WebClient(env.SLACK_APP_TOKEN, { ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}), retryConfig: { retries: 0 }, timeout: 10_000 });
    try {
      await client.apps.connections.open();
      out.push(check('slack-app', 'ok', 'Socket Mode: the app-level token is accepted (buttons and /radar arrive over an outgoing connection; no inbound port)'));
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      out.push(check('slack-app', 'fail', `Socket Mode: SLACK_APP_TOKEN is refused (${code})`, 'create an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and turn on Socket Mode for the app'));
    }
    return out;
  }
  const loopback = /^(?:127\.|localhost$|::1$)/.test(env.HTTP_HOST);
  if (loopback) out.push(check('slack-app', 'warn', `HTTP mode: this server listens on ${env.HTTP_HOST}, which Slack cannot reach`, 'put a reverse proxy in front that forwards only POST /slack/interactions and /slack/commands, or use Socket Mode (SLACK_APP_TOKEN) instead: no inbound port at all'));
  else if (!env.ADMIN_TOKEN) out.push(check('slack-app', 'warn', `HTTP mode: the whole HTTP server on ${env.HTTP_HOST} is reachable, not only /slack/* (status page, /metrics, team calendars)`, 'forward only /slack/* through a proxy, set ADMIN_TOKEN (reload and Bull Board then need it), or use Socket Mode'));
  else out.push(check('slack-app', 'ok', `HTTP mode: Slack posts to /slack/interactions and /slack/commands on ${env.HTTP_HOST}:${env.HTTP_PORT}; every request is verified with the signing secret`));
  return out;
}

/**
 * A retry after an unknown outcome (a worker killed mid-send) looks in the channel's history before
 * posting again. Without the history scope of a channel's type it cannot, and may post twice.
 */
function historyScopeCheck(s: SlackCheck): Check[] {
  if (!s.scopes) return [];
  const [publicScope, privateScope] = HISTORY_SCOPES as [string, string];
  const needed = new Set<string>();
  for (const c of s.channels.filter((ch) => ch.found)) {
    if (c.isPrivate !== true) needed.add(publicScope);
    if (c.isPrivate !== false) needed.add(privateScope);
  }
  const lacking = [...needed].filter((n) => !s.scopes?.includes(n));
  if (lacking.length === 0) return [];
  return [check('slack', 'warn', `the token lacks ${lacking.join(', ')}: a retry after an unknown outcome (a worker killed mid-send) cannot look in the channel history, so it may post a message twice`, `add ${lacking.join(', ')} to the bot token scopes and reinstall the app; without them delivery is at-least-once (release_radar_slack_history_lookup_available 0)`)];
}

async function checkEmailSetup(env: Env, config: AppConfig): Promise<Check[]> {
  const recipients = config.teams.filter((t) => t.email.to.length > 0).length + (config.operator?.email.to.length ? 1 : 0);
  if (!env.SMTP_URL) return [check('smtp', recipients > 0 ? 'warn' : 'ok', `no SMTP_URL: email for ${recipients} team(s) goes to the outbox (${env.OUTBOX_DIR}/email/)`, recipients > 0 ? 'set SMTP_URL to send for real (smtp://host:587, user and password in the URL)' : null)];
  const r = await checkSmtp(env.SMTP_URL);
  return r.ok
    ? [check('smtp', 'ok', `${redactUrl(env.SMTP_URL)} answers and accepts the login (nothing sent)`)]
    : [check('smtp', 'fail', `${redactUrl(env.SMTP_URL)}: ${r.error ?? 'no answer'}`, 'check SMTP_URL (host, port, user, password; ?tls=off for a plain local server) and that this machine can reach it')];
}

/** The report as lines an operator reads top to bottom. */
export function formatReport(report: DoctorReport): string[] {
  const mark: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  const lines = report.checks.flatMap((c) => [`${mark[c.status]}  ${c.check}: ${c.message}`, ...(c.fix ? [`        → ${c.fix}`] : [])]);
  const count = (s: CheckStatus): number => report.checks.filter((c) => c.status === s).length;
  lines.push(`${report.checks.length} checks: ${count('ok')} ok, ${count('warn')} warning(s), ${count('fail')} failed${report.ok ? '' : ' — fix the FAIL lines before trusting the service'}`);
  return lines;
}
