// Lifecycle knowledge: for each framework version line, its end of patch and support date and its
// end of availability date, as the supported-versions tables say now, plus what the release notes
// said ("TensorFlow versions 2.17 and earlier have reached their end of patch and support dates").
// Pure: the store keeps these in Redis, the reminder planner and the calendar read them.
import picomatch from 'picomatch';
import { z } from 'zod';
import { FrameworkSchema, type Framework } from './events.js';
import { compareVersions, versionMatches } from './versions.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const DATE_KINDS = ['end-of-patch', 'end-of-availability'] as const;
export type DateKind = (typeof DATE_KINDS)[number];

export const DATE_KIND_LABEL: Record<DateKind, string> = {
  'end-of-patch': 'end of patch and support',
  'end-of-availability': 'end of availability',
};

/**
 * One framework version line of a supported-versions table: the rows of one version label, with
 * their accelerators merged when they share dates ("2.17 (Python 3.10)", CPU and GPU).
 */
export const LifecycleLineSchema = z.object({
  /** "<source>|<section>|<label>" (plus "|<accelerator>" when accelerators have different dates). */
  key: z.string(),
  sourceId: z.string(),
  section: z.string(),
  framework: FrameworkSchema,
  /** X.Y (CUDA version for base lines); null when the page gives none ("Base-CPU"). */
  version: z.string().nullable(),
  label: z.string(),
  accelerators: z.array(z.string()),
  imageFamily: z.string().nullable(),
  endOfPatch: IsoDate.nullable(),
  endOfAvailability: IsoDate.nullable(),
  /** How often each date has moved since we first saw the line: the calendar's SEQUENCE. */
  revisions: z.object({ 'end-of-patch': z.number().int(), 'end-of-availability': z.number().int() }),
  firstSeenAt: z.string(),
});
export type LifecycleLine = z.infer<typeof LifecycleLineSchema>;

/** What a release note said: every version of `framework` up to `version` reached end of patch on `date`. */
export const EndOfSupportNoticeSchema = z.object({
  framework: FrameworkSchema,
  version: z.string(),
  scope: z.enum(['exact', 'and-earlier']),
  date: IsoDate,
});
export type EndOfSupportNotice = z.infer<typeof EndOfSupportNoticeSchema>;

export function dateOf(line: LifecycleLine, kind: DateKind): string | null {
  return kind === 'end-of-patch' ? line.endOfPatch : line.endOfAvailability;
}

/**
 * Carry revisions from the previous lines of the same source: a date that moved raises its
 * revision; a new line starts at 0. Lines no longer on the page are dropped.
 */
export function mergeLines(previous: LifecycleLine[], next: LifecycleLine[]): LifecycleLine[] {
  const before = new Map(previous.map((l) => [l.key, l]));
  return next.map((line) => {
    const old = before.get(line.key);
    if (!old) return line;
    return {
      ...line,
      firstSeenAt: old.firstSeenAt,
      revisions: {
        'end-of-patch': old.revisions['end-of-patch'] + (old.endOfPatch !== line.endOfPatch ? 1 : 0),
        'end-of-availability': old.revisions['end-of-availability'] + (old.endOfAvailability !== line.endOfAvailability ? 1 : 0),
      },
    };
  });
}

/** Did a release note say this line's end of patch has been reached? */
export function noticeCovers(notice: EndOfSupportNotice, line: Pick<LifecycleLine, 'framework' | 'version'>): boolean {
  if (notice.framework !== line.framework || line.version === null) return false;
  return notice.scope === 'and-earlier' ? compareVersions(line.version, notice.version) <= 0 : compareVersions(line.version, notice.version) === 0;
}

/** Still receiving patches on `today`: end of patch not passed, and no release note said it ended. */
export function inSupport(line: LifecycleLine, today: string, notices: EndOfSupportNotice[]): boolean {
  if (line.endOfPatch !== null && line.endOfPatch < today) return false;
  if (line.endOfPatch === null && line.endOfAvailability !== null && line.endOfAvailability < today) return false;
  return !notices.some((n) => n.date <= today && noticeCovers(n, line));
}

export const UpgradeSuggestionSchema = z.object({
  framework: FrameworkSchema,
  version: z.string(),
  label: z.string(),
  imageFamily: z.string().nullable(),
  endOfPatch: IsoDate.nullable(),
  /** Days from today to the suggested line's end of patch (null when that date is not known). */
  runwayDays: z.number().int().nullable(),
});
export type UpgradeSuggestion = z.infer<typeof UpgradeSuggestionSchema>;

/**
 * The newest version of the same framework still in support, if it is newer than `current`
 * (or `current` is unknown). Base lines compare by CUDA version.
 */
export function suggestUpgrade(
  framework: Framework,
  current: string | null,
  lines: LifecycleLine[],
  today: string,
  notices: EndOfSupportNotice[],
): UpgradeSuggestion | null {
  const candidates = lines
    .filter((l) => l.framework === framework && l.version !== null && inSupport(l, today, notices))
    .sort((a, b) => compareVersions(b.version ?? '0', a.version ?? '0') || (b.endOfPatch ?? '').localeCompare(a.endOfPatch ?? ''));
  const best = candidates[0];
  if (!best?.version) return null;
  if (current !== null && /^\d+(\.\d+)*$/.test(current) && compareVersions(best.version, current) <= 0) return null;
  return {
    framework,
    version: best.version,
    label: best.label,
    imageFamily: best.imageFamily,
    endOfPatch: best.endOfPatch,
    runwayDays: best.endOfPatch ? daysBetween(today, best.endOfPatch) : null,
  };
}

/** Whole days from ISO date `from` to ISO date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The lines a subscription covers: its frameworks and version range. A line without a version
 * ("Base-CPU") is covered only by an open range ("*"): a team watching ">=12.4" means CUDA lines.
 */
export function linesForSubscription(lines: LifecycleLine[], sub: { frameworks: string[]; versions: string; families?: string[]; from?: 'inventory'; inUse?: { framework: string; version: string | null }[] }): LifecycleLine[] {
  // `from: inventory`: exactly the lines the team runs.
  if (sub.from === 'inventory') return lines.filter((l) => l.version !== null && (sub.inUse ?? []).some((u) => u.framework === l.framework && u.version === l.version));
  const open = ['*', '', 'any'].includes(sub.versions.trim().toLowerCase());
  const families = sub.families ?? [];
  return lines.filter(
    (l) =>
      (sub.frameworks.includes('all') || sub.frameworks.includes(l.framework)) &&
      (l.version === null ? open : versionMatches(sub.versions, l.version, 'exact')) &&
      (families.length === 0 || (l.imageFamily !== null && families.some((p) => picomatch.isMatch(l.imageFamily ?? '', p, { nocase: true })))),
  );
}

/**
 * Where a line stands on `today`: the newest line of its framework in support ("supported"), an
 * older one still patched ("patch-only": upgrade when you can), past its end of patch, or past its
 * end of availability (new VMs from its images fail).
 */
export type LineState = 'supported' | 'patch-only' | 'past-end-of-patch' | 'past-end-of-availability';

export const LINE_STATE_LABEL: Record<LineState, string> = {
  supported: 'supported',
  'patch-only': 'patch-only (a newer line is supported)',
  'past-end-of-patch': 'past end of patch (no more fixes)',
  'past-end-of-availability': 'past end of availability (images can no longer be used)',
};

export function lineState(line: LifecycleLine, lines: LifecycleLine[], today: string, notices: EndOfSupportNotice[]): LineState {
  if (line.endOfAvailability !== null && line.endOfAvailability < today) return 'past-end-of-availability';
  if (!inSupport(line, today, notices)) return 'past-end-of-patch';
  const newer = lines.some((l) => l.framework === line.framework && l.version !== null && line.version !== null && compareVersions(l.version, line.version) > 0 && inSupport(l, today, notices));
  return newer ? 'patch-only' : 'supported';
}
