// Calendar dates in a team's time zone: reminders and digests are planned on the team's local day.
import { DateTime } from 'luxon';

/** ISO date (YYYY-MM-DD) of `now` in the IANA zone `tz`. */
export function localDate(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).toISODate() ?? now.toISOString().slice(0, 10);
}

/**
 * A silence's end: a full ISO date ("2026-12-31": the start of that day in the team's time zone)
 * or date-time with a zone ("2026-12-31T18:00:00Z", "…+02:00"). Anything else is null: JavaScript
 * would read `until: "2"` as the year 2001 and "2027-02-30" as March 2, ending a mute silently.
 */
/**
 * A moment in the past as people write it on a command line: "today", "yesterday", "7d" / "12h" /
 * "2w" ago, or a full ISO date (start of that day in `tz`) or date-time. Null for anything else.
 */
export function parseSince(text: string, now: Date, tz = 'UTC'): Date | null {
  const t = text.trim().toLowerCase();
  const today = DateTime.fromJSDate(now, { zone: tz }).startOf('day');
  if (t === 'today') return today.toJSDate();
  if (t === 'yesterday') return today.minus({ days: 1 }).toJSDate();
  const ago = /^(\d+)\s*(h|d|w)$/.exec(t);
  if (ago) {
    const n = Number(ago[1]);
    return DateTime.fromJSDate(now).minus(ago[2] === 'h' ? { hours: n } : ago[2] === 'd' ? { days: n } : { weeks: n }).toJSDate();
  }
  return parseUntil(text.trim(), tz);
}

export function parseUntil(text: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$/.exec(text);
  if (!m) return null;
  const day = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: tz });
  if (!day.isValid) return null; // 2027-02-30, 2026-13-01
  if (!m[4]) return day.startOf('day').toJSDate();
  const at = DateTime.fromISO(text, { setZone: true });
  return at.isValid ? at.toJSDate() : null;
}

/** "3 min ago", "2 h ago", "in 5 days": next to every timestamp. */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const future = ms < 0;
  const s = Math.abs(ms) / 1000;
  const text = s < 45 ? (future ? 'in a moment' : 'just now') : s < 3600 ? `${Math.round(s / 60)} min` : s < 86_400 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} day${Math.round(s / 86_400) === 1 ? '' : 's'}`;
  return s < 45 ? text : future ? `in ${text}` : `${text} ago`;
}
