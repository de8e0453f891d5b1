// The support timeline of a team, drawn as SVG for the status page: one bar per framework version
// line its subscriptions cover, from today to the end of availability; green while patched (until
// the end of patch and support date, marked), amber while only available, a line for today. Pure:
// a string of SVG, with data attributes that say what each shape means (tests read them).
import type { TeamConfig } from '../config/schema.js';
import { daysBetween, linesForSubscription, type LifecycleLine } from '../domain/lifecycle.js';
import type { Plan } from '../domain/plans.js';
import { escapeHtml } from './escape.js';
import { lineName } from './present.js';

export const TIMELINE_COLORS = { patched: '#2e7d32', available: '#f9a825', today: '#c62828', ended: '#9e9e9e', plan: '#1565c0' } as const;

export interface TimelineRow {
  line: LifecycleLine;
  /** Null when that date is unknown. */
  endOfPatch: string | null;
  endOfAvailability: string | null;
  ended: boolean;
}

/** The lines a team's subscriptions cover, that have an end of availability, newest first. */
export function timelineRows(team: TeamConfig, lines: LifecycleLine[], today: string): TimelineRow[] {
  const covered = new Map<string, LifecycleLine>();
  for (const sub of team.subscriptions) for (const l of linesForSubscription(lines, sub)) covered.set(l.key, l);
  return [...covered.values()]
    .filter((l) => l.endOfAvailability !== null || l.endOfPatch !== null)
    .map((l) => ({ line: l, endOfPatch: l.endOfPatch, endOfAvailability: l.endOfAvailability, ended: (l.endOfAvailability ?? l.endOfPatch ?? today) < today }))
    .sort((a, b) => Number(a.ended) - Number(b.ended) || (b.endOfAvailability ?? '').localeCompare(a.endOfAvailability ?? '') || a.line.label.localeCompare(b.line.label));
}

export interface TimelineGeometry {
  width: number;
  labelWidth: number;
  rowHeight: number;
  /** x of a date on the axis. */
  x(date: string): number;
}

/** A label in at most two lines of about `chars` characters, split at a space or slash. */
function wrapLabel(label: string, chars: number): string[] {
  if (label.length <= chars) return [label];
  const cut = Math.max(label.lastIndexOf(' ', chars), label.lastIndexOf('/', chars));
  const at = cut > chars / 2 ? cut + 1 : chars;
  const second = label.slice(at).trim();
  return [label.slice(0, at).trim(), second.length > chars ? `${second.slice(0, chars - 1)}…` : second];
}

/**
 * Lines still available are drawn; lines whose dates have all passed are returned apart (`ended`),
 * for the page to fold under "n ended" instead of a wall of grey rows.
 */
export function supportTimelineSvg(team: TeamConfig, lines: LifecycleLine[], today: string, options: { width?: number; maxRows?: number; plans?: Plan[] } = {}): { svg: string; geometry: TimelineGeometry; rows: TimelineRow[]; ended: TimelineRow[] } {
  const width = options.width ?? 900;
  const all = timelineRows(team, lines, today);
  const ended = all.filter((r) => r.ended);
  const active = all.filter((r) => !r.ended);
  const rows = active.slice(0, options.maxRows ?? 30);
  const labels = rows.map((r) => wrapLabel(lineName(r.line), 40));
  const longest = Math.max(10, ...labels.flat().map((l) => l.length));
  // About 6.6 px per character at 12 px: the label column fits the longest line, within bounds.
  const labelWidth = Math.min(300, Math.max(140, Math.ceil(longest * 6.6) + 12));
  const twoLines = labels.some((l) => l.length > 1);
  const rowHeight = twoLines ? 32 : 24;
  const top = 28;
  const lastDate = rows.reduce((max, r) => [r.endOfAvailability, r.endOfPatch, max].filter((d): d is string => d !== null).sort().at(-1) ?? max, today);
  const span = Math.max(365, daysBetween(today, lastDate) + 30);
  const plot = width - labelWidth - 20;
  const x = (date: string): number => labelWidth + Math.max(0, Math.min(plot, (daysBetween(today, date) / span) * plot));
  const height = top + rows.length * rowHeight + 10;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-team="${escapeHtml(team.id)}" data-today="${today}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Support timeline for ${escapeHtml(team.name)}">`,
  );
  // Year ticks.
  for (let year = Number(today.slice(0, 4)) + 1; `${year}-01-01` <= addSpan(today, span); year++) {
    const tx = x(`${year}-01-01`);
    parts.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${height - 6}" stroke="#ddd"/><text x="${tx + 2}" y="${top - 10}" font-size="11" fill="#666">${year}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const label = lineName(r.line);
    const bar = y + (rowHeight - 14) / 2;
    // One group per row: hovering anywhere on it shows the full label and both dates.
    parts.push(`<g class="row"><title>${escapeHtml(`${label}: end of patch ${r.endOfPatch ?? 'unknown'}, end of availability ${r.endOfAvailability ?? 'unknown'}`)}</title>`);
    const text = labels[i] ?? [label];
    parts.push(`<text x="4" y="${text.length > 1 ? y + 13 : y + 16}" font-size="12" fill="#222" class="label">${text.map((t, k) => `<tspan x="4" dy="${k === 0 ? 0 : 14}">${escapeHtml(t)}</tspan>`).join('')}</text>`);
    const attrs = `data-line="${escapeHtml(r.line.key)}" data-eop="${r.endOfPatch ?? ''}" data-eoa="${r.endOfAvailability ?? ''}"`;
    const start = x(today);
    const eop = r.endOfPatch && r.endOfPatch > today ? x(r.endOfPatch) : start;
    const end = r.endOfAvailability ? x(r.endOfAvailability) : eop;
    if (eop > start) parts.push(`<rect class="patched" x="${start}" y="${bar}" width="${eop - start}" height="14" fill="${TIMELINE_COLORS.patched}" ${attrs}/>`);
    if (end > eop) parts.push(`<rect class="available" x="${eop}" y="${bar}" width="${end - eop}" height="14" fill="${TIMELINE_COLORS.available}" ${attrs}/>`);
    if (r.endOfPatch && r.endOfPatch > today) parts.push(`<line class="eop-mark" x1="${eop}" y1="${bar - 3}" x2="${eop}" y2="${bar + 17}" stroke="#000" stroke-width="2" ${attrs}/>`);
    // The team's upgrade plan for the line: a diamond on its planned day (on today's line when overdue).
    const plan = (options.plans ?? []).find((p) => p.teamId === team.id && p.status === 'planned' && p.framework === r.line.framework && p.line === r.line.version);
    if (plan) {
      const px = x(plan.date > today ? plan.date : today);
      const cy = bar + 7;
      parts.push(`<path class="plan-mark" d="M${px} ${cy - 8} L${px + 8} ${cy} L${px} ${cy + 8} L${px - 8} ${cy} Z" fill="${TIMELINE_COLORS.plan}" stroke="#fff" stroke-width="1.5" data-plan="${escapeHtml(`${plan.line}→${plan.target}`)}" data-date="${plan.date}"><title>${escapeHtml(`Plan: move to ${plan.target} by ${plan.date}${plan.date < today ? ' (overdue)' : ''}`)}</title></path>`);
    }
    parts.push('</g>');
  });
  parts.push(`<line class="today" x1="${x(today)}" y1="${top - 6}" x2="${x(today)}" y2="${height - 6}" stroke="${TIMELINE_COLORS.today}" stroke-width="2"/>`);
  if (active.length > rows.length) parts.push(`<text x="4" y="${height - 2}" font-size="11" fill="#666">… ${active.length - rows.length} more</text>`);
  parts.push('</svg>');
  return { svg: parts.join(''), geometry: { width, labelWidth, rowHeight, x }, rows, ended };
}

function addSpan(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
