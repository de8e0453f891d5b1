// The status page at /: is it working (sources, the URL each one really uses, last poll, last
// error, statements the parser could not read, lost state), what came in (recent events), and
// for each team the support timeline of the versions it subscribes to.
// Everything shown about sources goes through redaction: a source URL may carry credentials.
import { createHash } from 'node:crypto';
import { escapeHtml } from '../render/escape.js';
import { supportTimelineSvg, TIMELINE_COLORS } from '../render/timeline.js';
import { localDate } from '../domain/time.js';
import type { Deps } from '../processors/deps.js';
import type { StateGuardStatus } from '../processors/state-guard.js';
import type { InstanceInfo } from '../stores/instances.js';
import { redactText, redactUrl } from '../redact.js';

const STYLE =
  'body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}' +
  '.bad{color:#b00}.ok{color:#070}.muted{color:#777}.banner{border:2px solid #b00;padding:8px 12px;background:#fff4f4}.legend span{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px}' +
  `.legend .patched{background:${TIMELINE_COLORS.patched}}.legend .available{background:${TIMELINE_COLORS.available}}.legend .today{background:${TIMELINE_COLORS.today}}small{font-weight:normal;color:#555}code{font-size:13px}`;

/** No script at all; the one stylesheet is allowed by its hash, nothing else loads. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>release-radar</title><style>${STYLE}</style></head><body><h1>release-radar</h1>${body}</body></html>`;
}

/** While Redis is away: what the process knows without it. */
export function renderUnavailablePage(deps: Deps, reason: string): string {
  const rows = deps.config.sources.map((s) => `<tr><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td>${escapeHtml(redactUrl(s.urls[0] ?? ''))}</td></tr>`).join('');
  return page(
    `<p class="banner bad">${escapeHtml(redactText(reason))}. Workers are paused and retry the connection; nothing is lost while jobs wait in Redis.</p>` +
      `<h2>Configured sources</h2><table id="sources"><tr><th>source</th><th>kind</th><th>url</th></tr>${rows}</table>`,
  );
}

function recoveryBanner(guard: StateGuardStatus | null): string {
  const r = guard?.lastRecovery;
  const problem = guard?.problem ? `<p class="banner bad">${escapeHtml(redactText(guard.problem))}</p>` : '';
  if (!r) return problem;
  return (
    problem +
    `<p class="banner" id="recovery">Redis lost release-radar's state; noticed at ${escapeHtml(r.detectedAt)}. Schedulers were re-created and sources re-baselined. ` +
    `Notes published between ${escapeHtml(r.lostAfter)} and ${escapeHtml(r.detectedAt)} may have been missed: the operator was sent the list per source.</p>`
  );
}

function processesSection(processes: { mine: string; live: InstanceInfo[]; differing: InstanceInfo[] } | null): string {
  if (!processes || processes.live.length === 0) return '';
  const rows = processes.live
    .map((i) => `<tr${i.configHash !== processes.mine ? ' class="bad"' : ''}><td>${escapeHtml(i.host)}:${i.pid}</td><td>${escapeHtml(i.stages.join(', '))}${i.scheduler ? ' + schedulers' : ''}</td><td><code>${escapeHtml(i.configHash)}</code></td><td>${escapeHtml(i.startedAt)}</td><td>${escapeHtml(i.seenAt)}</td></tr>`)
    .join('');
  const warning = processes.differing.length > 0 ? `<p class="banner bad">${processes.differing.length} process(es) run a different configuration than this one (<code>${escapeHtml(processes.mine)}</code>): a job is matched, routed and sent with the config of whichever process takes it. Finish the deploy, or reload them (SIGHUP, <code>POST /-/reload</code>).</p>` : '';
  return `<h2>Processes</h2>${warning}<table id="processes"><tr><th>process</th><th>stages</th><th>config</th><th>started</th><th>last seen</th></tr>${rows}</table>`;
}

export async function renderStatusPage(deps: Deps, guard: StateGuardStatus | null = null, processes: { mine: string; live: InstanceInfo[]; differing: InstanceInfo[] } | null = null): Promise<string> {
  const now = deps.clock();
  const sourceRows: string[] = [];
  const states = await deps.sources.getMany(deps.config.sources.map((s) => s.id));
  for (const s of deps.config.sources) {
    const st = states.get(s.id);
    if (!st) continue;
    const health = st.failing ? `<span class="bad">failing</span>` : st.lastSuccessAt ? `<span class="ok">ok</span>` : 'not polled yet';
    const silent = st.silentEntries > 0 ? ` <span class="bad">${st.silentEntries} new entries without events</span>` : '';
    const unread = st.unreadStatements > 0 ? ` <span class="bad">${st.unreadStatements} unread statement(s)</span>` : '';
    const inUse = redactUrl(st.activeUrl ?? s.urls[0] ?? '');
    const moved = st.activeUrl && st.activeUrl !== redactUrl(s.urls[0] ?? '') ? ' <small>(not the first configured URL)</small>' : '';
    sourceRows.push(
      `<tr data-source="${escapeHtml(s.id)}"><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td><code>${escapeHtml(inUse)}</code>${moved}</td><td>${health}${silent}${unread}</td><td>${escapeHtml(st.lastPollAt ?? '—')}</td><td>${escapeHtml(st.lastSuccessAt ?? '—')}</td><td>${escapeHtml(st.lastChangeAt ?? '—')}</td><td>${escapeHtml(redactText(st.lastError ?? ''))}</td></tr>`,
    );
  }
  // Queues: what is waiting, held, failed; dead letters need a person (`release-radar dlq list`).
  const queueRows: string[] = [];
  for (const [name, queue] of Object.entries(deps.queues) as [string, import('bullmq').Queue][]) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    const attention = name === 'deadLetter' ? (c.waiting ?? 0) > 0 : (c.failed ?? 0) > 0;
    queueRows.push(
      `<tr data-queue="${escapeHtml(name)}"><td>${escapeHtml(name)}</td><td>${c.waiting ?? 0}</td><td>${c.active ?? 0}</td><td>${c.delayed ?? 0}</td><td${attention ? ' class="bad"' : ''}>${c.failed ?? 0}</td></tr>`,
    );
  }
  const deadLetters = (await deps.queues.deadLetter.getJobCounts('waiting')).waiting ?? 0;
  const recent = await deps.eventLog.recent(25);
  const eventRows = recent
    .map((e) => `<tr><td>${escapeHtml((e.publishedAt ?? '').slice(0, 10))}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.title)}</td><td>${escapeHtml(e.source)}</td></tr>`)
    .join('');
  const unread = await deps.sources.unread(deps.config.sources.map((s) => s.id), 10);
  const unreadRows = unread
    .map((u) => `<tr><td>${escapeHtml(u.source)}</td><td>${escapeHtml(u.entry)}</td><td>${escapeHtml(u.text)}</td><td>${escapeHtml(u.reason)}</td></tr>`)
    .join('');
  const lines = await deps.lifecycle.lines();
  const teams = deps.config.teams
    .map((t) => {
      const today = localDate(now, t.timezone);
      const { svg, rows } = supportTimelineSvg(t, lines, today);
      const timeline = rows.length > 0 ? svg : '<p class="muted">No end dates known for its subscriptions yet (a versions-table source must be polled first).</p>';
      return `<section class="team" id="team-${escapeHtml(t.id)}"><h3>${escapeHtml(t.name)} <small>(${escapeHtml(t.id)}, ${escapeHtml(t.timezone)}; digest ${escapeHtml(t.digest.every)} at ${escapeHtml(t.digest.at)}; <a href="/teams/${escapeHtml(t.id)}/calendar.ics">calendar</a>)</small></h3>${timeline}</section>`;
    })
    .join('');
  const legend = `<p class="legend"><span class="patched"></span> patched (until end of patch and support) <span class="available"></span> available, no more patches (until end of availability) <span class="today"></span> today</p>`;
  return page(
    `<p>Slack: ${escapeHtml(deps.slack.mode)} · Email: ${escapeHtml(deps.email.mode)} · ${escapeHtml(now.toISOString())}</p>${recoveryBanner(guard)}
<h2>Sources</h2><table id="sources"><tr><th>source</th><th>kind</th><th>url in use</th><th>health</th><th>last poll</th><th>last success</th><th>last change</th><th>last error</th></tr>${sourceRows.join('')}</table>
${processesSection(processes)}
<h2>Queues</h2>${deadLetters > 0 ? `<p class="bad">${deadLetters} dead letter(s): see <code>release-radar dlq list</code>, re-send with <code>release-radar dlq retry</code>.</p>` : ''}<table id="queues"><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed (held, paced, retrying)</th><th>failed</th></tr>${queueRows.join('')}</table>
<h2>Recent events</h2>${recent.length > 0 ? `<table id="events"><tr><th>published</th><th>kind</th><th>title</th><th>source</th></tr>${eventRows}</table>` : '<p class="muted">None yet: the first poll of each source is a baseline.</p>'}
<h2>Statements not understood</h2>${unread.length > 0 ? `<p class="muted">The parser read these but could not tell what kind of change they state; ones naming a framework went out as <code>other</code> events. <code>release-radar parse --explain</code> shows why.</p><table id="unread"><tr><th>source</th><th>entry</th><th>statement</th><th>why</th></tr>${unreadRows}</table>` : '<p class="muted">None.</p>'}
<h2>Support timelines</h2>${legend}${teams}`,
  );
}
