// Calendar dates in a team's time zone: reminders and digests are planned on the team's local day.
import { DateTime } from 'luxon';

/** ISO date (YYYY-MM-DD) of `now` in the IANA zone `tz`. */
export function localDate(now: Date, tz: string): string {
  return DateTime.fromJSDate(now, { zone: tz }).toISODate() ?? now.toISOString().slice(0, 10);
}
