// Each team's exposure, read when a stage needs it: the `runs:` of teams.yaml plus the documents
// pushed, imported or scanned into Redis, against the lifecycle lines we know. Used by the match
// stage (who runs what an event is about), the remind stage (reminders and escalations about lines
// in use), the digest (exposed first), and the HTTP API and status page.
import type { InUseLine, TeamConfig } from '../config/schema.js';
import { parseDuration } from '../domain/duration.js';
import { teamExposure, type InventoryDoc, type TeamExposure } from '../domain/exposure.js';
import type { EndOfSupportNotice, LifecycleLine } from '../domain/lifecycle.js';
import { localDate } from '../domain/time.js';
import { entryOf } from '../inventory/formats.js';
import type { InventoryStore } from '../stores/inventory.js';

/**
 * `runs:` read once per loaded team (a config is immutable; a reload makes new team objects): the
 * match stage asks for every team on every job.
 */
const declaredEntries = new WeakMap<TeamConfig['runs'], InventoryDoc['entries']>();

/** teams.yaml `runs:` as an inventory document: declared, so never stale. */
export function declaredDoc(team: TeamConfig, now: Date): InventoryDoc | null {
  if (team.runs.length === 0) return null;
  let entries = declaredEntries.get(team.runs);
  if (!entries) {
    entries = team.runs.map((r, i) => {
      const image = typeof r === 'string' ? r : r.image;
      const count = typeof r === 'string' ? 1 : r.count;
      const where = typeof r === 'string' || !r.where ? `teams.yaml: ${team.id} runs[${i}]` : `teams.yaml: ${team.id} runs[${i}] (${r.where})`;
      return entryOf(image, 'ref', where, `runs:${i}`, count);
    });
    declaredEntries.set(team.runs, entries);
  }
  return { source: 'teams.yaml', at: now.toISOString(), entries, notRunning: 0, declared: true };
}

export const staleAfterMs = (team: TeamConfig): number => parseDuration(team.inventory.staleAfter) ?? 7 * 86_400_000;


/**
 * Exposure of the given teams (only those with any inventory appear in the map). `lifecycle`
 * gives states, end dates and upgrades; without it (the match stage's fast path) lines have none.
 */
export async function loadExposures(store: InventoryStore, teams: readonly TeamConfig[], now: Date, lifecycle: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] } = { lines: [], notices: [] }): Promise<Map<string, TeamExposure>> {
  return exposuresOf(teams, await store.allDocs(), now, lifecycle);
}

/** Exposure from given pushed documents (the CLI without Redis passes none: `runs:` only). */
export function exposuresOf(teams: readonly TeamConfig[], pushed: ReadonlyMap<string, InventoryDoc[]>, now: Date, lifecycle: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] } = { lines: [], notices: [] }): Map<string, TeamExposure> {
  const out = new Map<string, TeamExposure>();
  for (const team of teams) {
    const exposure = exposureOfDocs(team, pushed.get(team.id) ?? [], now, lifecycle);
    if (exposure) out.set(team.id, exposure);
  }
  return out;
}

/** One team's exposure (undefined when it has no inventory at all). */
export async function loadTeamExposure(store: InventoryStore, team: TeamConfig, now: Date, lifecycle: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] }): Promise<TeamExposure | undefined> {
  return exposureOfDocs(team, await store.docs(team.id), now, lifecycle);
}

function exposureOfDocs(team: TeamConfig, pushed: InventoryDoc[], now: Date, lifecycle: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] }): TeamExposure | undefined {
  const declared = declaredDoc(team, now);
  const docs = [...(declared ? [declared] : []), ...pushed];
  if (docs.length === 0) return undefined;
  return teamExposure({ teamId: team.id, docs, lines: lifecycle.lines, notices: lifecycle.notices, now, today: localDate(now, team.timezone), staleAfterMs: staleAfterMs(team) });
}

/** The lines a team runs, as `from: inventory` subscriptions cover them. */
export function inUseLines(exposure: TeamExposure | undefined): InUseLine[] {
  return (exposure?.lines ?? []).map((l) => ({ framework: l.framework, version: l.version, families: l.families }));
}

/** The team with its `from: inventory` subscriptions resolved to what it runs (the same object when it has none). */
export function withInventory(team: TeamConfig, exposure: TeamExposure | undefined): TeamConfig {
  if (!team.subscriptions.some((s) => s.from === 'inventory')) return team;
  const inUse = inUseLines(exposure);
  return { ...team, subscriptions: team.subscriptions.map((s) => (s.from === 'inventory' ? { ...s, inUse } : s)) };
}

/** One team resolved (`from: inventory` filled in) and its exposure, with states and dates. */
export async function resolveTeam(store: InventoryStore, team: TeamConfig, now: Date, lifecycle: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] }): Promise<{ team: TeamConfig; exposure: TeamExposure | undefined }> {
  const exposure = await loadTeamExposure(store, team, now, lifecycle);
  return { team: withInventory(team, exposure), exposure };
}

/** Every team resolved, and the exposures it was resolved from. */
export async function resolveTeams(store: InventoryStore, teams: readonly TeamConfig[], now: Date, lifecycle?: { lines: LifecycleLine[]; notices: EndOfSupportNotice[] }): Promise<{ teams: TeamConfig[]; exposure: Map<string, TeamExposure> }> {
  return resolvedWith(teams, await loadExposures(store, teams, now, lifecycle));
}

export function resolvedWith(teams: readonly TeamConfig[], exposure: Map<string, TeamExposure>): { teams: TeamConfig[]; exposure: Map<string, TeamExposure> } {
  return { teams: teams.map((t) => withInventory(t, exposure.get(t.id))), exposure };
}
