// The status page at /: is it working (sources, the URL each one really uses, last poll, last
// error, statements the parser could not read, lost state), what came in (recent events), and
// for each team the support timeline of the versions it subscribes to.
// Everything shown about sources goes through redaction: a source URL may carry credentials.
import { createHash } from 'node:crypto';
import { escapeHtml } from '../render/escape.js';
import { lineName, upgradeSummary } from '../render/present.js';
import { countsText, type TeamExposure } from '../domain/exposure.js';
import { daysBetween } from '../domain/lifecycle.js';
import { loadExposures } from '../processors/exposure.js';
import { supportTimelineSvg, TIMELINE_COLORS } from '../render/timeline.js';
import { ago, localDate } from '../domain/time.js';
import type { Deps } from '../processors/deps.js';
import type { StateGuardStatus } from '../processors/state-guard.js';
import type { InstanceInfo } from '../stores/instances.js';
import { redactText, redactUrl } from '../redact.js';

// One stylesheet, allowed by its hash (no inline style attributes, no script). It works at phone
// width: wide tables scroll inside their box, the timeline scales down.
const STYLE = [
  'body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#f6f8fa;line-height:1.45}',
  'main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:24px 0 8px}h3{font-size:15px;margin:16px 0 6px}',
  '.scroll{overflow-x:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px}table{border-collapse:collapse;width:100%}',
  'td,th{border-bottom:1px solid #eaeef2;padding:6px 10px;text-align:left;font-size:14px;vertical-align:top}th{background:#f6f8fa;font-weight:600;white-space:nowrap}',
  '.bad{color:#cf222e}.ok{color:#1a7f37}.muted{color:#59636e}small{font-weight:normal;color:#59636e}code{font-size:13px;word-break:break-all}',
  '.banner{border:1px solid #cf222e;border-left-width:4px;border-radius:6px;padding:10px 14px;background:#fff5f5;margin:12px 0}.banner.info{border-color:#9a6700;background:#fff8e6}',
  '.panel{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;margin:8px 0}',
  '.legend span{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px;vertical-align:middle}',
  `.legend .patched{background:${TIMELINE_COLORS.patched}}.legend .available{background:${TIMELINE_COLORS.available}}.legend .today{background:${TIMELINE_COLORS.today}}.legend .ended{background:${TIMELINE_COLORS.ended}}.legend .plan{background:${TIMELINE_COLORS.plan};transform:rotate(45deg);width:9px;height:9px}`,
  '.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;overflow:hidden}svg.timeline{display:block;max-width:100%;height:auto}details{margin:6px 0 12px}summary{cursor:pointer;color:#59636e}',
  '.when{white-space:nowrap}@media (max-width:600px){main{padding:8px}td,th{padding:4px 6px;font-size:13px}}',
].join('');

/** No script at all; the one stylesheet is allowed by its hash, nothing else loads. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>release-radar</title><style>${STYLE}</style></head><body><main><h1>release-radar</h1>${body}</main></body></html>`;
}

function when(iso: string | null, now: Date): string {
  if (!iso) return '<span class="muted">—</span>';
  return `<span class="when" title="${escapeHtml(iso)}">${escapeHtml(iso.slice(0, 16).replace('T', ' '))} <small>(${escapeHtml(ago(iso, now))})</small></span>`;
}

const table = (id: string, head: string[], rows: string[]): string => `<div class="scroll"><table id="${id}"><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows.join('')}</table></div>`;

/** While Redis is away: what the process knows without it. */
export function renderUnavailablePage(deps: Deps, reason: string): string {
  const rows = deps.config.sources.map((s) => `<tr><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td>${escapeHtml(redactUrl(s.urls[0] ?? ''))}</td></tr>`).join('');
  return page(
    `<p class="banner bad">${escapeHtml(redactText(reason))}. Workers are paused and retry the connection; nothing is lost while jobs wait in Redis.</p>` +
      `<h2>Configured sources</h2><div class="scroll"><table id="sources"><tr><th>source</th><th>kind</th><th>url</th></tr>${rows}</table></div>`,
  );
}

function recoveryBanner(guard: StateGuardStatus | null): string {
  const r = guard?.lastRecovery;
  const problem = guard?.problem ? `<p class="banner bad">${escapeHtml(redactText(guard.problem))}</p>` : '';
  if (!r) return problem;
  return (
    problem +
    `<p class="banner info" id="recovery">Redis lost release-radar's state; noticed at ${escapeHtml(r.detectedAt)}. Schedulers were re-created and sources re-baselined. ` +
    `Notes published between ${escapeHtml(r.lostAfter)} and ${escapeHtml(r.detectedAt)} may have been missed: the operator was sent the list per source.</p>`
  );
}

function processesSection(processes: { mine: string; live: InstanceInfo[]; differing: InstanceInfo[] } | null): string {
  if (!processes || processes.live.length === 0) return '';
  const rows = processes.live
    .map((i) => `<tr${i.configHash !== processes.mine ? ' class="bad"' : ''}><td>${escapeHtml(i.host)}:${i.pid}</td><td>${escapeHtml(i.stages.join(', '))}${i.scheduler ? ' + schedulers' : ''}</td><td><code>${escapeHtml(i.configHash)}</code></td><td>${escapeHtml(i.startedAt)}</td><td>${escapeHtml(i.seenAt)}</td></tr>`)
    .join('');
  const warning = processes.differing.length > 0 ? `<p class="banner bad">${processes.differing.length} process(es) run a different configuration than this one (<code>${escapeHtml(processes.mine)}</code>): a job is matched, routed and sent with the config of whichever process takes it. Finish the deploy, or reload them (SIGHUP, <code>POST /-/reload</code>).</p>` : '';
  return `<h2>Processes</h2>${warning}<div class="scroll"><table id="processes"><tr><th>process</th><th>stages</th><th>config</th><th>started</th><th>last seen</th></tr>${rows}</table></div>`;
}

const STATE_TEXT: Record<string, string> = { supported: 'supported', 'patch-only': 'patch-only (a newer line is supported)', 'past-end-of-patch': 'past end of patch', 'past-end-of-availability': 'past end of availability', unknown: 'dates not known' };

/** A team's lines in use, most at risk first; lines past end of patch stand out. */
function inUseSection(teamId: string, exposure: TeamExposure | undefined, today: string, now: Date): string {
  if (!exposure) return '';
  const rows = exposure.lines.map((l) => {
    const past = l.state === 'past-end-of-patch' || l.state === 'past-end-of-availability';
    const runway = l.endOfPatch ? daysBetween(today, l.endOfPatch) : null;
    const runwayText = runway === null ? '—' : runway >= 0 ? `${runway} days (end of patch ${l.endOfPatch ?? ''})` : `${-runway} days past end of patch (${l.endOfPatch ?? ''})`;
    return `<tr data-line="${escapeHtml(l.key)}"${past ? ' class="bad"' : ''}><td>${escapeHtml(l.name)}</td><td>${escapeHtml(STATE_TEXT[l.state ?? 'unknown'] ?? '')}</td><td>${escapeHtml(runwayText)}</td><td>${escapeHtml(countsText(l.counts))}</td><td>${escapeHtml(ago(l.lastSeen, now))}${l.stale ? ' <strong>(stale)</strong>' : ''}</td><td>${l.upgrade ? escapeHtml(upgradeSummary(l.upgrade)) : '—'}</td></tr>`;
  });
  const unrecognised = exposure.unrecognised.filter((u) => u.status === 'unreadable').length;
  const note = unrecognised > 0 ? `<p class="muted">${unrecognised} image reference${unrecognised === 1 ? '' : 's'} could not be read (see <code>GET /teams/${escapeHtml(teamId)}/exposure</code> with the team's token, or <code>release-radar inventory show ${escapeHtml(teamId)}</code>).</p>` : '';
  return `<h4>Images in use</h4>${rows.length > 0 ? table(`in-use-${teamId}`, ['line', 'state', 'runway', 'runs on', 'last seen', 'upgrade'], rows) : '<p class="muted">No recognised image in its inventory.</p>'}${note}`;
}

export async function renderStatusPage(deps: Deps, guard: StateGuardStatus | null = null, processes: { mine: string; live: InstanceInfo[]; differing: InstanceInfo[] } | null = null): Promise<string> {
  const now = deps.clock();
  const sourceRows: string[] = [];
  const failing: string[] = [];
  let baselined = 0;
  const states = await deps.sources.getMany(deps.config.sources.map((s) => s.id));
  for (const s of deps.config.sources) {
    const st = states.get(s.id);
    if (!st) continue;
    if (st.baselineAt) baselined += 1;
    const health = st.failing ? `<span class="bad">failing</span>` : st.lastSuccessAt ? `<span class="ok">ok</span>` : 'not polled yet';
    const silent = st.silentEntries > 0 ? ` <span class="bad">${st.silentEntries} new entries without events</span>` : '';
    const unread = st.unreadStatements > 0 ? ` <span class="bad">${st.unreadStatements} unread statement(s)</span>` : '';
    const inUse = redactUrl(st.activeUrl ?? s.urls[0] ?? '');
    const moved = st.activeUrl && st.activeUrl !== redactUrl(s.urls[0] ?? '') ? ' <small>(not the first configured URL)</small>' : '';
    const error = redactText(st.lastError ?? '');
    if (st.failing) failing.push(`<li><strong>${escapeHtml(s.id)}</strong>: ${escapeHtml(error || 'failing')} <small>(last success ${st.lastSuccessAt ? escapeHtml(ago(st.lastSuccessAt, now)) : 'never'})</small></li>`);
    sourceRows.push(
      `<tr data-source="${escapeHtml(s.id)}"><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td><code>${escapeHtml(inUse)}</code>${moved}</td><td>${health}${silent}${unread}</td><td>${when(st.lastPollAt, now)}</td><td>${when(st.lastSuccessAt, now)}</td><td>${when(st.lastChangeAt, now)}</td><td>${escapeHtml(error)}</td></tr>`,
    );
  }
  // What needs a person comes first: failing sources, lost state, processes on different configs.
  const failingPanel = failing.length > 0 ? `<div class="banner" id="failing"><strong>${failing.length} source${failing.length === 1 ? '' : 's'} failing</strong>: no news from ${failing.length === 1 ? 'it' : 'them'} until fixed; every other source keeps working. <code>release-radar doctor</code> says what to do.<ul>${failing.join('')}</ul></div>` : '';
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
  const eventRows = recent.map((e) => `<tr><td>${when(e.publishedAt, now)}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.title)}</td><td>${escapeHtml(e.source)}</td></tr>`);
  const noEvents =
    baselined === 0
      ? 'None yet: each source is baselined on its first successful poll, and none has succeeded yet.'
      : `None since the baseline (${baselined} of ${deps.config.sources.length} source${deps.config.sources.length === 1 ? '' : 's'} baselined): only what is published from now on is alerted.`;
  const unread = await deps.sources.unread(deps.config.sources.map((s) => s.id), 10);
  const unreadRows = unread.map((u) => `<tr><td>${escapeHtml(u.source)}</td><td>${escapeHtml(u.entry)}</td><td>${escapeHtml(u.text)}</td><td>${escapeHtml(u.reason)}</td></tr>`);
  const [lines, plans, notices] = await Promise.all([deps.lifecycle.lines(), deps.plans.all(), deps.lifecycle.notices()]);
  const exposures = await loadExposures(deps.inventory, deps.config.teams, now, { lines, notices });
  const teams = deps.config.teams
    .map((t) => {
      const today = localDate(now, t.timezone);
      const { svg, rows, ended } = supportTimelineSvg(t, lines, today, { plans });
      const timeline = rows.length > 0 ? `<div class="chart">${svg}</div>` : ended.length > 0 ? '<p class="muted">No version it subscribes to is still available.</p>' : '<p class="muted">No end dates known for its subscriptions yet (a versions-table source must be polled first).</p>';
      const endedList =
        ended.length > 0
          ? `<details class="ended"><summary>${ended.length} ended</summary><ul>${ended.map((r) => `<li>${escapeHtml(lineName(r.line))}: end of availability ${escapeHtml(r.endOfAvailability ?? 'unknown')}${r.endOfPatch ? `, end of patch ${escapeHtml(r.endOfPatch)}` : ''}</li>`).join('')}</ul></details>`
          : '';
      return `<section class="team" id="team-${escapeHtml(t.id)}"><h3>${escapeHtml(t.name)} <small>(${escapeHtml(t.id)}, ${escapeHtml(t.timezone)}; digest ${escapeHtml(t.digest.every)} at ${escapeHtml(t.digest.at)}; <a href="/teams/${escapeHtml(t.id)}/calendar.ics">calendar</a>)</small></h3>${inUseSection(t.id, exposures.get(t.id), today, now)}${timeline}${endedList}</section>`;
    })
    .join('');
  const legend = `<p class="legend"><span class="patched"></span> patched (until end of patch and support) <span class="available"></span> available, no more patches (until end of availability) <span class="today"></span> today <span class="plan"></span> upgrade plan <span class="ended"></span> ended (folded below each timeline)</p>`;
  return page(
    `<p class="muted">Slack: ${escapeHtml(deps.slack.mode)} · Email: ${escapeHtml(deps.email.mode)} · ${escapeHtml(now.toISOString().slice(0, 16).replace('T', ' '))} UTC</p>${failingPanel}${recoveryBanner(guard)}
${processesSection(processes)}
<h2>Sources</h2>${table('sources', ['source', 'kind', 'url in use', 'health', 'last poll', 'last success', 'last change', 'last error'], sourceRows)}
<h2>Queues</h2>${deadLetters > 0 ? `<p class="banner">${deadLetters} dead letter(s): see <code>release-radar dlq list</code>, re-send with <code>release-radar dlq retry</code>.</p>` : ''}${table('queues', ['queue', 'waiting', 'active', 'delayed (held, paced, retrying)', 'failed'], queueRows)}
<h2>Recent events</h2>${recent.length > 0 ? table('events', ['published', 'kind', 'title', 'source'], eventRows) : `<p class="muted">${escapeHtml(noEvents)}</p>`}
<h2>Statements not understood</h2>${unread.length > 0 ? `<p class="muted">The parser read these but could not tell what kind of change they state; ones naming a framework went out as <code>other</code> events. <code>release-radar parse --explain</code> shows why.</p>${table('unread', ['source', 'entry', 'statement', 'why'], unreadRows)}` : '<p class="muted">None.</p>'}
<h2>Support timelines</h2>${legend}${teams}`,
  );
}
