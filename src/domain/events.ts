// The typed events release-radar produces. Zod is the single source of these boundary types:
// parser output, job payloads and the CLI's JSON lines all go through ReleaseEventSchema.
import { z } from 'zod';
import { stableId } from './ids.js';

/**
 * What an event can be about: the frameworks and runtimes machine images are built for. `base` is
 * the Base / CUDA-only image line (its version is the CUDA version); `python` is Python itself as
 * the subject (a Python version that stops being available); `other` is any other named image line
 * (Theia, MXNet, RAPIDS…). The words that name each one are in src/ingest/reading/lexicon.ts.
 */
export const FRAMEWORKS = ['tensorflow', 'pytorch', 'base', 'r', 'jax', 'huggingface', 'vllm', 'sglang', 'ray', 'xgboost', 'scikit-learn', 'spark', 'python', 'other'] as const;
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

// Field descriptions travel into the JSON Schema (`release-radar schema`), so they are the documentation.
export const ReleaseEventSchema = z
  .object({
    id: z.string().regex(/^[a-f0-9]{20,64}$/).describe('Deterministic: hash of (note id, kind, framework, version). The same note read again yields the same id.'),
    source: z.string().describe('Id of the configured source the event came from.'),
    entryId: z.string().describe('Atom entry id for feed events; "<section>|<version label>|<accelerator>" for table events.'),
    noteId: z.string().describe('Hash of (source, entry id, normalized note text): the note or table row the event came from.'),
    publishedAt: z.string().nullable().describe('ISO time of the feed entry; null for table events.'),
    kind: EventKindSchema.describe('What happened. Feed kinds: new-image … other; table kinds: version-added … end-of-availability-changed.'),
    framework: FrameworkSchema.nullable().describe('Framework the event is about; null when the note names none (it concerns every image).'),
    version: z.string().nullable().describe('Version as written: "2.4", "2.4.0", "2.x"; for base images the CUDA version ("12.4").'),
    scope: z.enum(['exact', 'and-earlier']).nullable().describe('"and-earlier": every version up to and including `version` ("versions 2.17 and earlier").'),
    release: z.string().nullable().describe('DLVM release label of the note, e.g. "M126"; null when the note has none.'),
    cuda: z.string().nullable().describe('CUDA version when stated.'),
    python: z.string().nullable().describe('Python version when stated.'),
    os: z.string().nullable().describe('Operating system when stated, e.g. "Debian 11".'),
    cves: z.array(z.string()).describe('CVE ids named by the note.'),
    imageFamilies: z.array(z.string()).describe('Image family / image names named by the note, e.g. "pytorch-2-4-cu124-debian-11-py310".'),
    noteType: NoteTypeSchema.nullable().describe('The section heading the note sat under (Feature, Fixed, Breaking, …); null for table events.'),
    title: z.string().describe('Short human title, e.g. "PyTorch 2.4.0 images with CUDA 12.4 are now available (M126)".'),
    text: z.string().describe('The statement(s) of the note this event was read from, plain text.'),
    url: z.string().nullable().describe('Link to the note (feed) or the page (table).'),
    update: z.boolean().describe('True when the entry had been seen before and this note was added by an amendment.'),
    dates: z
      .object({
        endOfPatch: IsoDate.nullable().optional(),
        endOfAvailability: IsoDate.nullable().optional(),
        from: IsoDate.nullable().optional(),
        to: IsoDate.nullable().optional(),
      })
      .optional()
      .describe('Table events only: the row\'s end dates, or the date that moved (from → to).'),
    severity: z.enum(['problem', 'resolved', 'info']).optional().describe('release-radar\'s own notices to its operator only: a problem to act on, one that cleared, or information.'),
  })
  .describe('One release-radar event: what changed in which framework version, read from a release-notes feed or a supported-versions table.');
export type ReleaseEvent = z.infer<typeof ReleaseEventSchema>;

const FRAMEWORK_LABELS: Record<Framework, string> = {
  tensorflow: 'TensorFlow',
  pytorch: 'PyTorch',
  base: 'Base (CUDA)',
  r: 'R',
  jax: 'JAX',
  huggingface: 'Hugging Face',
  vllm: 'vLLM',
  sglang: 'SGLang',
  ray: 'Ray',
  xgboost: 'XGBoost',
  'scikit-learn': 'scikit-learn',
  spark: 'Spark',
  python: 'Python',
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

/**
 * A message release-radar says itself (a test message, a watchdog alert), as an event so that it
 * travels and renders like every other alert: kind "other", about no framework.
 */
export function notice(key: string, at: Date, content: { title: string; text: string; url: string | null; severity?: 'problem' | 'resolved' | 'info' }): ReleaseEvent {
  const id = stableId('notice', key);
  return ReleaseEventSchema.parse({
    id,
    source: 'release-radar',
    entryId: key,
    noteId: id,
    publishedAt: at.toISOString(),
    kind: 'other',
    framework: null,
    version: null,
    scope: null,
    release: null,
    cuda: null,
    python: null,
    os: null,
    cves: [],
    imageFamilies: [],
    noteType: null,
    update: false,
    ...content,
  });
}
