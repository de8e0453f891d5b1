import type { Processor } from 'bullmq';
import { pollEvery } from '../queue/schedules.js';
import { redactText } from '../redact.js';
import type { Deps } from './deps.js';
import { alertOperator } from './operator.js';

export type WatchdogProblem = 'stale' | 'silent';

export interface SourceCheck {
  sourceId: string;
  problem: WatchdogProblem;
  message: string;
}

/**
 * Looks at every source: no successful poll for `missedPolls` intervals ("stale"), or new entries
 * that parsed to zero events ("silent": the page probably changed format). Each incident alerts the
 * operator once, and once more when it clears. Incidents are Redis keys, so restarts and several
 * watchdog workers do not repeat alerts.
 */
/** When Redis was last away (written by the service on recovery): no source is to blame for it. */
export const redisOutageKey = (prefix: string): string => `${prefix}:redis-outage`;

export function createWatchdogProcessor(deps: Deps): Processor<unknown, { problems: number }> {
  return async () => {
    const now = deps.clock();
    const found: SourceCheck[] = [];
    const states = await deps.sources.getMany(deps.config.sources.map((s) => s.id));
    const outage = await deps.redis.get(redisOutageKey(deps.prefix));
    const outageEnded = outage ? ((JSON.parse(outage) as { to?: string }).to ?? null) : null;
    for (const source of deps.config.sources) {
      const state = states.get(source.id);
      if (!state) continue;
      const interval = pollEvery(source);
      // Never polled successfully: count from when the watchdog first looked at the source.
      const sinceKey = `${deps.prefix}:watchdog:since:${source.id}`;
      await deps.redis.set(sinceKey, now.toISOString(), 'NX');
      const lastGood = state.lastSuccessAt ?? (await deps.redis.get(sinceKey)) ?? now.toISOString();
      // Polls that could not run while Redis was away are not the source's fault: count from the end of the outage.
      const since = outageEnded && outageEnded > lastGood ? outageEnded : lastGood;
      const silentFor = now.getTime() - Date.parse(since);
      const checks: [WatchdogProblem, boolean, string][] = [
        [
          'stale',
          silentFor > deps.config.watchdog.missedPolls * interval,
          `source ${source.id} has had no successful poll for ${Math.round(silentFor / 60_000)} min (${deps.config.watchdog.missedPolls} intervals of ${source.every})${state.lastError ? `; last error: ${redactText(state.lastError)}` : ''}`,
        ],
        ['silent', state.silentEntries > 0, `source ${source.id}: ${state.silentEntries} new entr${state.silentEntries === 1 ? 'y' : 'ies'} parsed to zero events; has the page format changed?`],
      ];
      for (const [problem, present, message] of checks) {
        const incidentKey = `${deps.prefix}:watchdog:incident:${source.id}:${problem}`;
        if (present) {
          found.push({ sourceId: source.id, problem, message });
          deps.metrics.watchdog.set({ source: source.id, problem }, 1);
          const opened = await deps.redis.set(incidentKey, now.toISOString(), 'NX');
          if (opened === 'OK') await alertOperator(deps, `watchdog|${source.id}-${problem}-${now.toISOString()}`, message.charAt(0).toUpperCase() + message.slice(1), message, source.homepage ?? source.urls[0] ?? null);
        } else {
          deps.metrics.watchdog.set({ source: source.id, problem }, 0);
          const openedAt = await deps.redis.get(incidentKey);
          if (openedAt) {
            await deps.redis.del(incidentKey);
            await alertOperator(deps, `watchdog|${source.id}-${problem}-${openedAt}-recovered`, `Source ${source.id} recovered (${problem} since ${openedAt})`, `Source ${source.id} is healthy again.`, source.homepage ?? source.urls[0] ?? null, 'resolved');
          }
        }
      }
    }
    return { problems: found.length };
  };
}
