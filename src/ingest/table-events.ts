import { ReleaseEventSchema, type ReleaseEvent } from '../domain/events.js';
import { stableId } from '../domain/ids.js';
import { titleOf } from './extract.js';
import { redactUrl } from '../redact.js';
import type { TableChange } from './versions-table.js';

/** A table change as a release event; its id is stable for the same change of the same row. */
export function tableChangeToEvent(change: TableChange, source: string, url: string | null, detectedAt: Date): ReleaseEvent {
  const { row } = change;
  const dates =
    change.kind === 'version-added' || change.kind === 'version-removed'
      ? { endOfPatch: row.endOfPatch, endOfAvailability: row.endOfAvailability }
      : { from: change.from, to: change.to, endOfPatch: row.endOfPatch, endOfAvailability: row.endOfAvailability };
  const text =
    change.kind === 'version-added'
      ? `${row.section}: ${row.label} (${row.accelerator}) was added. End of patch and support: ${row.endOfPatchText}; end of availability: ${row.endOfAvailabilityText}.`
      : change.kind === 'version-removed'
        ? `${row.section}: ${row.label} (${row.accelerator}) is no longer listed.`
        : `${row.section}: ${row.label} (${row.accelerator}) ${change.kind === 'end-of-patch-changed' ? 'end of patch and support date' : 'end of availability date'} moved from ${change.from ?? 'unknown'} to ${change.to ?? 'unknown'}.`;
  const event: ReleaseEvent = {
    id: stableId(source, row.key, change.kind, change.from, change.to),
    source,
    entryId: row.key,
    noteId: stableId(source, row.key),
    publishedAt: detectedAt.toISOString(),
    kind: change.kind,
    framework: row.framework,
    version: row.version,
    scope: row.version ? 'exact' : null,
    release: null,
    cuda: row.framework === 'base' ? row.version : (/CUDA (\d+\.\d+)/.exec(row.accelerator)?.[1] ?? null),
    python: /Python (\d+\.\d+)/.exec(row.label)?.[1] ?? null,
    os: /(Ubuntu|Debian) ([\d.]+)/.exec(row.label)?.slice(1, 3).join(' ') ?? null,
    cves: [],
    imageFamilies: row.imageFamily ? [row.imageFamily] : [],
    noteType: null,
    title: '',
    text,
    url: url ? redactUrl(url) : null,
    update: false,
    dates,
  };
  event.title = `${titleOf(event)} (${row.accelerator})`;
  return ReleaseEventSchema.parse(event);
}
