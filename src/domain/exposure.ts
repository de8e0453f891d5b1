// What a team runs, against what we know of each line: exposure. Pure.
//
// An inventory is a set of documents per team, one per way in ("teams.yaml", an import, a CI push,
// a repository scan), each replaced whole when it is sent again, each with the time it was taken.
// Exposure groups their recognised entries by framework version line and says, per line, how many
// VMs, pods, disks and code references run it, when it was last seen, from where, and where the line
// stands (its end dates, its upgrade). Rules:
//  - exposure ranks and escalates, it never filters: it is only ever added to what subscriptions send;
//  - an entry not refreshed for `staleAfter` is flagged stale, never silently trusted or dropped;
//  - what the grammar cannot read is listed (unrecognised), never dropped.
import { z } from 'zod';
import { frameworkLabel, type Framework, type ReleaseEvent } from './events.js';
import { INVENTORY_KINDS, InventoryEntrySchema, type InventoryEntry, type InventoryKind } from '../inventory/formats.js';
import { daysBetween, lineState, suggestUpgrade, type EndOfSupportNotice, type LifecycleLine, type LineState, type UpgradeSuggestion } from './lifecycle.js';
import { compareVersions, versionMatches } from './versions.js';
import { ago } from './time.js';

export const InventoryDocSchema = z.object({
  /** The way in: "teams.yaml", "gcloud", "kubectl", "ci", "scan", or a name the sender chose. */
  source: z.string().min(1),
  /** When it was taken (the import, the push, the scan). */
  at: z.string(),
  entries: z.array(InventoryEntrySchema),
  /** Stopped VMs and finished pods seen in it: not exposed, but said. */
  notRunning: z.number().int().default(0),
  /** Declared in teams.yaml: true while the config says so, never stale. */
  declared: z.boolean().default(false),
});
export type InventoryDoc = Omit<z.infer<typeof InventoryDocSchema>, 'entries'> & { entries: InventoryEntry[] };

export type Counts = Record<InventoryKind, number>;

export interface LineExposure {
  /** "pytorch|2.4": the same key plans and line mutes use. */
  key: string;
  framework: Framework;
  version: string | null;
  name: string;
  counts: Counts;
  /** Newest time any entry of the line was seen. */
  lastSeen: string;
  /** Every entry of the line is older than the team's staleAfter. */
  stale: boolean;
  /** Where each entry was found ("prod-vms.json: instance trainer-1 (us-central1-a)", "infra/main.tf:12"). */
  where: string[];
  families: string[];
  /** Null when no supported-versions page lists the line (its dates are not known). */
  state: LineState | null;
  endOfPatch: string | null;
  endOfAvailability: string | null;
  upgrade: UpgradeSuggestion | null;
}

export interface Unrecognised {
  ref: string;
  where: string;
  /** unreadable: looks like a Deep Learning image but the grammar cannot read it; other: another image. */
  status: 'unreadable' | 'other';
  reason: string;
}

export interface TeamExposure {
  teamId: string;
  lines: LineExposure[];
  unrecognised: Unrecognised[];
  sources: { source: string; at: string; stale: boolean; entries: number; notRunning: number; declared: boolean }[];
}

export const emptyCounts = (): Counts => ({ vm: 0, disk: 0, pod: 0, ref: 0 });

/** The lifecycle line an inventory line is on: same framework and version, the accelerator's row when rows differ, the earliest end of patch otherwise. */
function lifecycleOf(framework: Framework, version: string | null, accelerators: Set<string>, lines: LifecycleLine[]): LifecycleLine | null {
  if (version === null) return null;
  const same = lines.filter((l) => l.framework === framework && l.version === version);
  // The page's accelerator labels: "CPU only", "GPU (CUDA 12.3)", "CUDA 12.4".
  const kindOf = (label: string): string => (/cpu/i.test(label) ? 'cpu' : /tpu/i.test(label) ? 'tpu' : /gpu|cuda/i.test(label) ? 'gpu' : label.toLowerCase());
  const byAcc = same.filter((l) => l.accelerators.some((a) => accelerators.has(kindOf(a))));
  const pool = byAcc.length > 0 ? byAcc : same;
  return [...pool].sort((a, b) => (a.endOfPatch ?? '9999').localeCompare(b.endOfPatch ?? '9999'))[0] ?? null;
}

export interface ExposureInput {
  teamId: string;
  docs: InventoryDoc[];
  lines: LifecycleLine[];
  notices: EndOfSupportNotice[];
  now: Date;
  /** The team's local date. */
  today: string;
  staleAfterMs: number;
}

export function teamExposure(input: ExposureInput): TeamExposure {
  const { docs, now, staleAfterMs } = input;
  const isStale = (d: InventoryDoc): boolean => !d.declared && now.getTime() - Date.parse(d.at) > staleAfterMs;
  const byLine = new Map<string, { framework: Framework; version: string | null; entries: { e: InventoryEntry; at: string; stale: boolean }[] }>();
  const unrecognised: Unrecognised[] = [];
  // One VM or container seen in two documents counts once: the newest sighting wins. Documents
  // taken at the same instant go by source name, so messages list places in the same order every time.
  const seen = new Map<string, { at: string }>();
  const ordered = [...docs].sort((a, b) => b.at.localeCompare(a.at) || a.source.localeCompare(b.source));
  for (const doc of ordered) {
    const stale = isStale(doc);
    for (const e of doc.entries) {
      if (e.status !== 'recognised' || !e.line) {
        unrecognised.push({ ref: e.ref, where: e.where, status: e.status === 'other' ? 'other' : 'unreadable', reason: e.problem ?? 'not recognised' });
        continue;
      }
      if (e.kind !== 'ref' && seen.has(e.key)) continue;
      seen.set(e.key, { at: doc.at });
      const framework = e.line.framework;
      const key = `${framework}|${e.line.version ?? ''}`;
      const slot = byLine.get(key) ?? { framework, version: e.line.version, entries: [] };
      slot.entries.push({ e, at: doc.at, stale });
      byLine.set(key, slot);
    }
  }
  const out: LineExposure[] = [];
  for (const [key, slot] of byLine) {
    const counts = emptyCounts();
    for (const { e } of slot.entries) counts[e.kind] += e.count;
    const accelerators = new Set(slot.entries.map(({ e }) => e.line?.accelerator ?? '').filter(Boolean));
    const life = lifecycleOf(slot.framework, slot.version, accelerators, input.lines);
    out.push({
      key,
      framework: slot.framework,
      version: slot.version,
      name: lineLabel(slot.framework, slot.version),
      counts,
      lastSeen: slot.entries.map((x) => x.at).sort().at(-1) ?? now.toISOString(),
      stale: slot.entries.every((x) => x.stale),
      where: [...new Set(slot.entries.map(({ e }) => e.where))],
      families: [...new Set(slot.entries.map(({ e }) => e.line?.family ?? '').filter(Boolean))],
      state: life ? lineState(life, input.lines, input.today, input.notices) : null,
      endOfPatch: life?.endOfPatch ?? null,
      endOfAvailability: life?.endOfAvailability ?? null,
      upgrade: suggestUpgrade(slot.framework, slot.version, input.lines, input.today, input.notices),
    });
  }
  // Most at risk first: past end of availability, past end of patch, then the nearest end of patch.
  const risk = (l: LineExposure): number => (l.state === 'past-end-of-availability' ? 0 : l.state === 'past-end-of-patch' ? 1 : 2);
  out.sort((a, b) => risk(a) - risk(b) || (a.endOfPatch ?? '9999').localeCompare(b.endOfPatch ?? '9999') || a.key.localeCompare(b.key));
  return {
    teamId: input.teamId,
    lines: out,
    unrecognised,
    sources: ordered.map((d) => ({ source: d.source, at: d.at, stale: isStale(d), entries: d.entries.length, notRunning: d.notRunning, declared: d.declared })),
  };
}

/** "PyTorch 2.4", "Base CUDA 12.4", "TensorFlow latest". */
export function lineLabel(framework: Framework, version: string | null): string {
  if (framework === 'base') return version ? `Base CUDA ${version}` : 'Base CPU';
  return `${frameworkLabel(framework)} ${version ?? 'latest'}`;
}

// What one message says about exposure -----------------------------------------------------------

export const ExposureNoteSchema = z.object({
  /** The lines of the event the team runs ("PyTorch 2.4"). */
  lines: z.array(z.string()),
  counts: z.object({ vm: z.number().int(), disk: z.number().int(), pod: z.number().int(), ref: z.number().int() }),
  lastSeen: z.string(),
  stale: z.boolean(),
  /** Where the match came from: inventory entries, file:line, pods. */
  where: z.array(z.string()),
});
export type ExposureNote = z.infer<typeof ExposureNoteSchema>;

/** Does an inventory line fall under what an event is about: its framework and version (or scope), or one of its image families? */
export function eventCoversLine(event: Pick<ReleaseEvent, 'framework' | 'version' | 'scope' | 'imageFamilies'>, line: Pick<LineExposure, 'framework' | 'version' | 'families'>): boolean {
  if (event.imageFamilies.some((f) => line.families.some((g) => g === f || g.endsWith(`/${f}`)))) return true;
  if (event.framework === null || event.framework !== line.framework) return false;
  // A note about the framework as a whole ("PyTorch images: …") is about every line of it.
  if (event.version === null) return true;
  if (line.version === null) return false;
  return versionMatches(line.version, event.version, event.scope) || (event.scope === 'and-earlier' && compareVersions(line.version, event.version) <= 0);
}

/** The exposure note for an event, or null when the team runs none of what it is about. */
export function exposureForEvent(exposure: TeamExposure | undefined, event: Pick<ReleaseEvent, 'framework' | 'version' | 'scope' | 'imageFamilies'>): ExposureNote | null {
  if (!exposure) return null;
  return noteOf(exposure.lines.filter((l) => eventCoversLine(event, l)));
}

/** The exposure note for a lifecycle line (reminders, escalations). */
export function exposureForLine(exposure: TeamExposure | undefined, framework: Framework, version: string | null): ExposureNote | null {
  if (!exposure || version === null) return null;
  return noteOf(exposure.lines.filter((l) => l.framework === framework && l.version === version));
}

export function noteOf(lines: LineExposure[]): ExposureNote | null {
  if (lines.length === 0) return null;
  const counts = emptyCounts();
  for (const l of lines) for (const k of INVENTORY_KINDS) counts[k] += l.counts[k];
  return {
    lines: lines.map((l) => l.name),
    counts,
    lastSeen: lines.map((l) => l.lastSeen).sort().at(-1) ?? '',
    stale: lines.every((l) => l.stale),
    where: [...new Set(lines.flatMap((l) => l.where))],
  };
}

const NOUNS: Record<InventoryKind, [string, string]> = { vm: ['VM', 'VMs'], pod: ['pod', 'pods'], disk: ['unattached disk', 'unattached disks'], ref: ['reference in code or lists', 'references in code or lists'] };

/** "3 VMs, 2 pods". */
export function countsText(counts: Counts): string {
  return (['vm', 'pod', 'disk', 'ref'] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${NOUNS[k][counts[k] === 1 ? 0 : 1]}`)
    .join(', ');
}

/**
 * "You run this: 3 VMs, 2 pods (PyTorch 2.4), last seen 2 h ago. From: prod.json: instance
 * trainer-1 (us-central1-a); … and 3 more." Stale inventory says so.
 */
export function exposureText(note: ExposureNote, now: Date, maxWhere = 3): string {
  const where = note.where.slice(0, maxWhere).join('; ');
  const more = note.where.length > maxWhere ? `; and ${note.where.length - maxWhere} more` : '';
  const stale = note.stale ? ' (stale: the inventory was not refreshed since; it may be out of date)' : '';
  return `You run this: ${countsText(note.counts)} (${note.lines.join(', ')}), last seen ${ago(note.lastSeen, now)}${stale}. From: ${where}${more}.`;
}

// Escalation when a line in use loses support ------------------------------------------------------

export const ESCALATE_EXPOSED_EVERY_DAYS = 7;

export interface ExposureEscalationState {
  on: string;
  urgent: boolean;
  count: number;
}

export const ExposureEscalationSchema = z.object({
  key: z.string(),
  framework: z.string(),
  version: z.string(),
  name: z.string(),
  /** Past end of availability: new VMs from these images fail. */
  urgent: z.boolean(),
  endOfPatch: z.string().nullable(),
  endOfAvailability: z.string().nullable(),
  daysPastEndOfPatch: z.number().int(),
  upgrade: z.object({ framework: z.string(), version: z.string(), label: z.string(), imageFamily: z.string().nullable(), endOfPatch: z.string().nullable(), runwayDays: z.number().int().nullable() }).nullable(),
  exposure: ExposureNoteSchema,
  /** 1 for the first escalation, 2 for the first weekly repeat, … */
  repeat: z.number().int().min(1),
});
export type ExposureEscalation = z.infer<typeof ExposureEscalationSchema>;

/**
 * Lines in use past their end of patch: once, then weekly, and at once again when the line also
 * passes its end of availability (the escalation turns urgent). `excused` says why a line is not
 * escalated (a plan, a mute); such lines are skipped, not recorded, so they come back when it ends.
 */
export function exposureEscalationsDue(exposure: TeamExposure, last: ReadonlyMap<string, ExposureEscalationState>, today: string, excused: (l: LineExposure) => string | null): ExposureEscalation[] {
  const out: ExposureEscalation[] = [];
  for (const l of exposure.lines) {
    if (l.version === null || l.endOfPatch === null) continue;
    if (l.state !== 'past-end-of-patch' && l.state !== 'past-end-of-availability') continue;
    const urgent = l.state === 'past-end-of-availability';
    const before = last.get(l.key);
    const due = !before || daysBetween(before.on, today) >= ESCALATE_EXPOSED_EVERY_DAYS || (urgent && !before.urgent);
    if (!due || excused(l) !== null) continue;
    const note = noteOf([l]);
    if (!note) continue;
    out.push({
      key: l.key,
      framework: l.framework,
      version: l.version,
      name: l.name,
      urgent,
      endOfPatch: l.endOfPatch,
      endOfAvailability: l.endOfAvailability,
      daysPastEndOfPatch: Math.max(0, daysBetween(l.endOfPatch, today)),
      upgrade: l.upgrade,
      exposure: note,
      repeat: (before?.count ?? 0) + 1,
    });
  }
  return out;
}
