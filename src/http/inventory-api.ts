// The inventory API:
//   PUT    /teams/<team>/inventory[?source=<name>]  what the team runs (CI pushes it), replacing that source
//   DELETE /teams/<team>/inventory?source=<name>    forget one source
//   GET    /teams/<team>/exposure                   lines in use with their runway (the status page's view);
//                                                   with the team's token, also where each was found
// Writes need the team's own token (INVENTORY_TOKEN_<TEAM>) or ADMIN_TOKEN, as a Bearer token, and
// are refused without one: a team's inventory decides what it is escalated about.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inventoryTokenVar } from '../config/env.js';
import type { TeamConfig } from '../config/schema.js';
import { countsText, type TeamExposure } from '../domain/exposure.js';
import { daysBetween } from '../domain/lifecycle.js';
import { localDate } from '../domain/time.js';
import { InventoryFormatError, isSourceName, readInventoryFiles } from '../inventory/formats.js';
import type { Deps } from '../processors/deps.js';
import { loadTeamExposure } from '../processors/exposure.js';
import { tokenMatches } from './admin.js';

export const MAX_INVENTORY_BYTES = 10 * 1024 * 1024;
const TEAM_PATH = /^\/teams\/([^/]*)\/(inventory|exposure)\/?$/;

export interface InventoryApiOptions {
  tokens: Readonly<Record<string, string>>;
  adminToken?: string;
}

type Json = (res: ServerResponse, status: number, body: unknown) => void;

/** Is this request for the inventory API? */
export const isInventoryPath = (path: string): boolean => TEAM_PATH.test(path);

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The exposure of a team as JSON: the same lines, counts and runway as the status page; `detailed` adds where each was found and what was not recognised. */
export function exposureJson(team: TeamConfig, exposure: TeamExposure | undefined, now: Date, detailed: boolean): Record<string, unknown> {
  const today = localDate(now, team.timezone);
  return {
    team: team.id,
    generatedAt: now.toISOString(),
    lines: (exposure?.lines ?? []).map((l) => ({
      key: l.key,
      framework: l.framework,
      version: l.version,
      name: l.name,
      state: l.state ?? 'unknown',
      endOfPatch: l.endOfPatch,
      endOfAvailability: l.endOfAvailability,
      /** Days until the end of patch; negative once it passed. */
      runwayDays: l.endOfPatch ? daysBetween(today, l.endOfPatch) : null,
      counts: l.counts,
      summary: countsText(l.counts),
      lastSeen: l.lastSeen,
      stale: l.stale,
      upgrade: l.upgrade,
      ...(detailed ? { where: l.where, families: l.families } : {}),
    })),
    unrecognisedCount: exposure?.unrecognised.length ?? 0,
    ...(detailed ? { unrecognised: exposure?.unrecognised ?? [] } : {}),
    sources: exposure?.sources ?? [],
  };
}

export async function handleInventoryApi(req: IncomingMessage, res: ServerResponse, deps: Deps, path: string, query: URLSearchParams, options: InventoryApiOptions, json: Json): Promise<void> {
  const [, teamId = '', what] = TEAM_PATH.exec(path) ?? [];
  const team = deps.teams.get(teamId);
  if (!team) {
    req.resume();
    json(res, 404, { ok: false, message: `no team "${teamId.slice(0, 64)}" in teams.yaml` });
    return;
  }
  const token = options.tokens[team.id];
  const authorised = (token !== undefined && tokenMatches(req, token)) || (options.adminToken !== undefined && tokenMatches(req, options.adminToken));
  const now = deps.clock();
  if (what === 'exposure') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const [lines, notices] = await Promise.all([deps.lifecycle.lines(), deps.lifecycle.notices()]);
    json(res, 200, exposureJson(team, await loadTeamExposure(deps.inventory, team, now, { lines, notices }), now, authorised));
    return;
  }
  if (req.method !== 'PUT' && req.method !== 'DELETE') {
    req.resume();
    res.writeHead(405, { allow: 'PUT, DELETE' }).end();
    return;
  }
  if (token === undefined && options.adminToken === undefined) {
    req.resume();
    json(res, 403, { ok: false, message: `no inventory token is configured for team ${team.id}: set ${inventoryTokenVar(team.id)} on the service, then send Authorization: Bearer <token>. Without one, pushes are refused.` });
    return;
  }
  if (!authorised) {
    req.resume();
    json(res, 401, { ok: false, message: `the team's inventory token is required: Authorization: Bearer $${inventoryTokenVar(team.id)}` });
    return;
  }
  const source = query.get('source') ?? 'api';
  if (!isSourceName(source)) {
    req.resume();
    json(res, 400, { ok: false, message: `source: "${source.slice(0, 80)}" is not a source name (lowercase letters, digits, . _ -, up to 64; "teams.yaml" is the config's own)` });
    return;
  }
  if (req.method === 'DELETE') {
    const removed = await deps.inventory.remove(team.id, source);
    json(res, removed ? 200 : 404, { ok: removed, team: team.id, source, message: removed ? 'removed' : `team ${team.id} has no inventory source "${source}"` });
    return;
  }
  const body = await readBody(req, MAX_INVENTORY_BYTES);
  if (body === null) {
    json(res, 413, { ok: false, message: `the inventory is larger than ${MAX_INVENTORY_BYTES / 1024 / 1024} MB` });
    return;
  }
  let read;
  try {
    read = readInventoryFiles([{ name: source, text: body }]);
    await deps.inventory.put(team.id, { source, at: now.toISOString(), entries: read.entries, notRunning: read.notRunning, declared: false });
  } catch (err) {
    if (!(err instanceof InventoryFormatError)) throw err;
    json(res, 400, { ok: false, message: err.message });
    return;
  }
  const recognised = read.entries.filter((e) => e.status === 'recognised');
  deps.logger.info({ event: 'inventory', team: team.id, source, formats: read.formats, entries: read.entries.length, recognised: recognised.length }, 'inventory pushed');
  json(res, 200, {
    ok: true,
    team: team.id,
    source,
    at: now.toISOString(),
    formats: read.formats,
    entries: read.entries.length,
    recognised: recognised.length,
    notRunning: read.notRunning,
    unrecognised: read.entries.filter((e) => e.status !== 'recognised').map((e) => ({ ref: e.ref, where: e.where, status: e.status, reason: e.problem })),
  });
}
