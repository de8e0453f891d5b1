// The status page at /: is it working (sources, last poll, last error, watchdog), what came in
// (recent events), and for each team the support timeline of the versions it subscribes to.
import { escapeHtml } from '../domain/render.js';
import { supportTimelineSvg, TIMELINE_COLORS } from '../domain/timeline.js';
import { localDate } from '../domain/time.js';
import type { Deps } from '../processors/deps.js';

export async function renderStatusPage(deps: Deps): Promise<string> {
  const now = deps.clock();
  const sourceRows: string[] = [];
  const states = await deps.sources.getMany(deps.config.sources.map((s) => s.id));
  for (const s of deps.config.sources) {
    const st = states.get(s.id);
    if (!st) continue;
    const health = st.failing ? `<span class="bad">failing</span>` : st.lastSuccessAt ? `<span class="ok">ok</span>` : 'not polled yet';
    const silent = st.silentEntries > 0 ? ` <span class="bad">${st.silentEntries} new entries without events</span>` : '';
    sourceRows.push(
      `<tr data-source="${escapeHtml(s.id)}"><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.kind)}</td><td>${health}${silent}</td><td>${escapeHtml(st.lastPollAt ?? '—')}</td><td>${escapeHtml(st.lastSuccessAt ?? '—')}</td><td>${escapeHtml(st.lastChangeAt ?? '—')}</td><td>${escapeHtml(st.lastError ?? '')}</td></tr>`,
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
  const lines = await deps.lifecycle.lines();
  const teams = deps.config.teams
    .map((t) => {
      const today = localDate(now, t.timezone);
      const { svg, rows } = supportTimelineSvg(t, lines, today);
      const timeline = rows.length > 0 ? svg : '<p class="muted">No end dates known for its subscriptions yet (a versions-table source must be polled first).</p>';
      return `<section class="team" id="team-${escapeHtml(t.id)}"><h3>${escapeHtml(t.name)} <small>(${escapeHtml(t.id)}, ${escapeHtml(t.timezone)}; digest ${escapeHtml(t.digest.every)} at ${escapeHtml(t.digest.at)}; <a href="/teams/${escapeHtml(t.id)}/calendar.ics">calendar</a>)</small></h3>${timeline}</section>`;
    })
    .join('');
  const legend = `<p class="legend"><span style="background:${TIMELINE_COLORS.patched}"></span> patched (until end of patch and support) <span style="background:${TIMELINE_COLORS.available}"></span> available, no more patches (until end of availability) <span style="background:${TIMELINE_COLORS.today}"></span> today</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>release-radar</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}.bad{color:#b00}.ok{color:#070}.muted{color:#777}.legend span{display:inline-block;width:14px;height:10px;margin:0 4px 0 12px}small{font-weight:normal;color:#555}</style></head>
<body><h1>release-radar</h1><p>Slack: ${escapeHtml(deps.slack.mode)} · Email: ${escapeHtml(deps.email.mode)} · ${escapeHtml(now.toISOString())}</p>
<h2>Sources</h2><table id="sources"><tr><th>source</th><th>kind</th><th>health</th><th>last poll</th><th>last success</th><th>last change</th><th>last error</th></tr>${sourceRows.join('')}</table>
<h2>Queues</h2>${deadLetters > 0 ? `<p class="bad">${deadLetters} dead letter(s): see <code>release-radar dlq list</code>, re-send with <code>release-radar dlq retry</code>.</p>` : ''}<table id="queues"><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed (held, paced, retrying)</th><th>failed</th></tr>${queueRows.join('')}</table>
<h2>Recent events</h2>${recent.length > 0 ? `<table id="events"><tr><th>published</th><th>kind</th><th>title</th><th>source</th></tr>${eventRows}</table>` : '<p class="muted">None yet: the first poll of each source is a baseline.</p>'}
<h2>Support timelines</h2>${legend}${teams}</body></html>`;
}
