// The typed events release-radar produces. Zod is the single source of these boundary types:
// parser output, job payloads and the CLI's JSON lines all go through ReleaseEventSchema.
import { z } from 'zod';

export const FRAMEWORKS = ['tensorflow', 'pytorch', 'base', 'r', 'jax', 'other'] as const;
export const FrameworkSchema = z.enum(FRAMEWORKS);
export type Framework = z.infer<typeof FrameworkSchema>;

/** Kinds read from release notes (feeds). */
export const NOTE_EVENT_KINDS = [
  'new-image',
  'patch-update',
  'security-update',
  'dependency-update',
  'end-of-support-reached',
  'deprecation',
  'rename',
  'known-issue',
  'fix',
  'other',
] as const;

/** Kinds read from supported-versions tables (diffs between snapshots). */
export const TABLE_EVENT_KINDS = [
  'version-added',
  'version-removed',
  'end-of-patch-changed',
  'end-of-availability-changed',
] as const;

export const EVENT_KINDS = [...NOTE_EVENT_KINDS, ...TABLE_EVENT_KINDS] as const;
export const EventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKindSchema>;

export const NOTE_TYPES = [
  'feature',
  'changed',
  'fixed',
  'security',
  'announcement',
  'deprecated',
  'breaking',
  'issue',
  'libraries',
  'other',
] as const;
export const NoteTypeSchema = z.enum(NOTE_TYPES);
export type NoteType = z.infer<typeof NoteTypeSchema>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const ReleaseEventSchema = z.object({
  /** Deterministic: hash of (source, entry id, normalized note text, kind, framework, version). */
  id: z.string().regex(/^[a-f0-9]{20,64}$/),
  source: z.string(),
  /** Atom entry id for feed events; "<section>|<version label>|<accelerator>" for table events. */
  entryId: z.string(),
  /** Deterministic id of the note (or table row) the event came from. */
  noteId: z.string(),
  publishedAt: z.string().nullable(),
  kind: EventKindSchema,
  framework: FrameworkSchema.nullable(),
  /** Version as written in the source: "2.4", "2.4.0", CUDA "12.4" for base images. */
  version: z.string().nullable(),
  /** "and-earlier": the event concerns every version up to and including `version`. */
  scope: z.enum(['exact', 'and-earlier']).nullable(),
  /** DLVM release label of the note, e.g. "M126"; null when the note has none. */
  release: z.string().nullable(),
  cuda: z.string().nullable(),
  python: z.string().nullable(),
  os: z.string().nullable(),
  cves: z.array(z.string()),
  imageFamilies: z.array(z.string()),
  noteType: NoteTypeSchema.nullable(),
  /** Short human title, e.g. "PyTorch 2.4 images are now available (M126)". */
  title: z.string(),
  /** The statement(s) of the note this event was read from, plain text. */
  text: z.string(),
  url: z.string().nullable(),
  /** True when the entry had been seen before and this note was added by an amendment. */
  update: z.boolean(),
  /** Only for table events: the dates involved. */
  dates: z
    .object({
      endOfPatch: IsoDate.nullable().optional(),
      endOfAvailability: IsoDate.nullable().optional(),
      from: IsoDate.nullable().optional(),
      to: IsoDate.nullable().optional(),
    })
    .optional(),
});
export type ReleaseEvent = z.infer<typeof ReleaseEventSchema>;

const FRAMEWORK_LABELS: Record<Framework, string> = {
  tensorflow: 'TensorFlow',
  pytorch: 'PyTorch',
  base: 'Base (CUDA)',
  r: 'R',
  jax: 'JAX',
  other: 'Other',
};

export function frameworkLabel(framework: Framework | null): string {
  return framework ? FRAMEWORK_LABELS[framework] : 'General';
}

/** "PyTorch 2.4", "TensorFlow 2.17 and earlier", "Base (CUDA) 12.4". */
export function describeSubject(event: Pick<ReleaseEvent, 'framework' | 'version' | 'scope'>): string {
  const name = frameworkLabel(event.framework);
  if (!event.version) return name;
  return `${name} ${event.version}${event.scope === 'and-earlier' ? ' and earlier' : ''}`;
}
