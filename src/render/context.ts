// The links and the date a team's messages are written for, from the running config.
import type { AppConfig } from '../config/load.js';
import type { TeamConfig } from '../config/schema.js';
import type { ReleaseEvent } from '../domain/events.js';
import { localDate } from '../domain/time.js';
import { redactUrl } from '../redact.js';
import type { RenderContext } from './present.js';
import { versionsTables } from '../config/lookup.js';

/**
 * The supported-versions page for an event: the versions-table source whose id shares the most
 * leading words with the event's source ("dlvm-release-notes" → "dlvm-supported-versions"), or the
 * only one there is.
 */
export function versionsPageFor(config: AppConfig, event: ReleaseEvent): string | null {
  const tables = versionsTables(config);
  if (tables.length === 0) return null;
  const words = event.source.split('-');
  const shared = (id: string): number => {
    const other = id.split('-');
    let n = 0;
    while (n < words.length && words[n] === other[n]) n += 1;
    return n;
  };
  const best = [...tables].sort((a, b) => shared(b.id) - shared(a.id))[0];
  const chosen = best && (shared(best.id) > 0 || tables.length === 1) ? best : null;
  const url = chosen ? (chosen.homepage ?? chosen.urls[0] ?? null) : null;
  return url ? redactUrl(url) : null;
}

export function renderContextFor(config: AppConfig, team: TeamConfig | undefined, now: Date, publicUrl: string | null): RenderContext {
  return {
    today: localDate(now, team?.timezone ?? 'UTC'),
    now,
    calendarUrl: publicUrl && team ? `${publicUrl}/teams/${encodeURIComponent(team.id)}/calendar.ics` : null,
    versionsPageUrl: (event) => versionsPageFor(config, event),
  };
}
