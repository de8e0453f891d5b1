// Feed entries → release events: notes are split, classified, and merged into a set per entry,
// unique by (kind, framework, version, release). Ids are deterministic so a re-read feed yields the
// same ids, and an amended entry yields new ids only for its new notes.
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { describeSubject, type ReleaseEvent } from '../domain/events.js';
import { stableId } from '../domain/ids.js';
import type { Finding } from './reading/compose.js';
import { readNote, titleSubject, type EntryContext, type NoteReading } from './reading/read-note.js';
import type { FeedEntry } from './feed.js';
import { splitNotes, type Note } from './notes.js';

export interface ExtractOptions {
  source: string;
  products?: string[];
  /** Keep each note's whole reading (`parse --explain`). Off, only its unread statements are kept. */
  explain?: boolean;
}

export interface ExtractedNote {
  entryId: string;
  noteId: string;
  note: Note;
  /** Statements whose kind was not understood (they went out as "other"): /metrics and the status page. */
  unread: { text: string; context: string | null }[];
  /**
   * How each statement was read, with `explain`. A document's readings are several times the size
   * of its events, and keeping them all until the last entry is read made the collector copy them
   * over and over; only `parse --explain` needs them.
   */
  reading?: NoteReading;
  events: ReleaseEvent[];
}

export function noteIdOf(source: string, entryId: string, note: Note): string {
  return stableId(source, entryId, noteFingerprint(note));
}

/**
 * normalizeText(`${product} ${heading} ${text}`), the text a note's id is derived from (ids must
 * never change: seen-note sets in Redis are keyed by them). A note's parts are already single-
 * spaced and trimmed (cleanText) and joined by "\n", so joining the non-empty ones with a space
 * gives the same string without a whitespace pass over the whole note.
 */
export function noteFingerprint(note: Pick<Note, 'product' | 'heading' | 'text'>): string {
  // (Product and heading are single lines; one lowercased copy, then the text's line breaks as spaces.)
  let joined = note.text;
  if (note.heading !== '') joined = joined === '' ? note.heading : `${note.heading} ${joined}`;
  if (note.product) joined = joined === '' ? note.product : `${note.product} ${joined}`;
  const lower = joined.toLowerCase();
  return lower.includes('\n') ? lower.replaceAll('\n', ' ') : lower;
}

/** What may stand before a framework line's name in a heading that names the line. */
const LINE_HEADING = /^(?:(?:AWS\s+)?(?:Deep Learning Containers?|DLCs?)\s+for\s+)?/i;

/** Yield to the event loop at least this often while extracting a large feed. */
const SLICE_MS = 10;

/** All entries of a feed, yielding between entries so that other work (HTTP, workers) keeps running. */
export async function extractEntries(entries: FeedEntry[], options: ExtractOptions): Promise<ExtractedNote[]> {
  const out: ExtractedNote[] = [];
  let sliceStart = performance.now();
  for (const entry of entries) {
    out.push(...extractEntry(entry, options));
    if (performance.now() - sliceStart > SLICE_MS) {
      await setImmediate();
      sliceStart = performance.now();
    }
  }
  return out;
}

export function extractEntry(entry: FeedEntry, options: ExtractOptions): ExtractedNote[] {
  const notes = splitNotes(entry.html, options.products ? { products: options.products } : {});
  const seenKeys = new Set<string>();
  const out: ExtractedNote[] = [];
  // The same note text twice in one day (it happens) is one note.
  const seenNotes = new Set<string>();
  const context = { title: entry.title, subject: titleSubject({ title: entry.title }) };
  // A note under a heading that names a framework line ("PyTorch 2.9 — 2026-08-14", "AWS Deep
  // Learning Containers for PyTorch 2.4 Inference") is about that line, as under such an entry title.
  const headed = new Map<string, EntryContext>();
  const contextOf = (note: Note): EntryContext => {
    if (!note.heading || note.type !== 'other') return context;
    let c = headed.get(note.heading);
    if (!c) {
      // Only a heading that is the line's name ("PyTorch 2.9 — …", "… Containers for PyTorch 2.4 …"),
      // not one about it ("Migrating from PyTorch 1.13 to PyTorch 2.0", "Comparison with TensorFlow 2.15").
      const subject = titleSubject({ title: note.heading });
      const named = subject !== null && subject.versions.length > 0 && subject.start === (LINE_HEADING.exec(note.heading)?.[0].length ?? -1);
      c = named ? { title: note.heading, subject } : context;
      headed.set(note.heading, c);
    }
    return c;
  };
  for (const note of notes) {
    const noteId = noteIdOf(options.source, entry.id, note);
    if (seenNotes.has(noteId)) continue;
    seenNotes.add(noteId);
    // An event an earlier note of this entry already stated (same product, kind, framework,
    // version, release) is not stated twice.
    const reading = readNote(note, contextOf(note));
    const events: ReleaseEvent[] = [];
    for (const e of readNoteEvents(note, entry, options.source, noteId, reading)) {
      const key = `${note.product ?? ''}|${eventKey(e)}`;
      if (seenKeys.has(key)) continue;
      seenKeys.add(key);
      events.push(e);
    }
    const unread: ExtractedNote['unread'] = [];
    for (const r of reading.statements) if (r.unread) unread.push({ text: r.text, context: r.context });
    out.push({ entryId: entry.id, noteId, note, unread, events, ...(options.explain ? { reading } : {}) });
  }
  // Across the notes of one entry too: a line's exact release makes its bare line redundant.
  if (out.reduce((sum, n) => sum + n.events.length, 0) < 2) return out;
  const lines = new LineVersions();
  for (const n of out) for (const e of n.events) lines.add(`${n.note.product ?? ''}|${e.kind}`, e);
  for (const n of out) {
    const redundant = (e: ReleaseEvent): boolean => lines.moreSpecific(`${n.note.product ?? ''}|${e.kind}`, e) !== null;
    if (n.events.some(redundant)) n.events = n.events.filter((e) => !redundant(e));
  }
  return out;
}

/**
 * The versions said of each framework line, to find one more specific than a bare line ("2.6.0"
 * beside "2.6"). `scope` says what else must match (the kind; the product, across notes).
 */
class LineVersions {
  private readonly byLine = new Map<string, string[]>();

  add(scope: string, item: { framework: string | null; version: string | null }): void {
    if (!item.framework || !item.version) return;
    const line = `${scope}|${item.framework}`;
    const list = this.byLine.get(line);
    if (list) list.push(item.version);
    else this.byLine.set(line, [item.version]);
  }

  moreSpecific(scope: string, item: { framework: string | null; version: string | null }): string | null {
    if (!item.framework || !item.version) return null;
    return this.byLine.get(`${scope}|${item.framework}`)?.find((v) => v.startsWith(`${item.version}.`)) ?? null;
  }
}

const eventKey = (e: Pick<ReleaseEvent, 'kind' | 'framework' | 'version' | 'release'>): string => `${e.kind}|${e.framework ?? ''}|${e.version ?? ''}|${e.release ?? ''}`;

/** The events one note states, on its own (no other note of the entry considered). */
export function readNoteEvents(note: Note, entry: FeedEntry, source: string, noteId = noteIdOf(source, entry.id, note), reading: NoteReading = readNote(note, { title: entry.title })): ReleaseEvent[] {
  // One line said twice in a note, once as its line and once as its exact release ("PyTorch 2.6
  // containers are available" … "Introduced containers for PyTorch 2.6.0"), is one event: the most
  // specific version.
  if (reading.findings.length === 0) return [];
  if (reading.findings.length === 1 && reading.findings[0]) return [toEvent(reading.findings[0], note, noteId, entry, source)];
  const lines = new LineVersions();
  for (const f of reading.findings) lines.add(f.kind, f);
  const merged = new Map<string, Finding>();
  for (const found of reading.findings) {
    const specific = lines.moreSpecific(found.kind, found);
    const f = specific ? { ...found, version: specific } : found;
    // Statements of one note that name different releases stay apart.
    const key = `${f.kind}|${f.framework ?? ''}|${f.version ?? ''}|${f.release ?? note.release ?? ''}`;
    const prev = merged.get(key);
    merged.set(key, prev ? mergeFindings(prev, f) : f);
  }
  const events: ReleaseEvent[] = [];
  for (const f of merged.values()) events.push(toEvent(f, note, noteId, entry, source));
  return events;
}

function mergeFindings(a: Finding, b: Finding): Finding {
  return {
    ...a,
    scope: a.scope === 'and-earlier' || b.scope === 'and-earlier' ? 'and-earlier' : a.scope,
    cuda: a.cuda ?? b.cuda,
    python: a.python ?? b.python,
    os: a.os ?? b.os,
    cves: [...new Set([...a.cves, ...b.cves])],
    imageFamilies: [...new Set([...a.imageFamilies, ...b.imageFamilies])],
    text: a.text === b.text ? a.text : `${a.text}\n${b.text}`,
  };
}

function toEvent(f: Finding, note: Note, noteId: string, entry: FeedEntry, source: string): ReleaseEvent {
  const event: ReleaseEvent = {
    // A release named by the statement itself is part of the id (ids of events without one never change).
    id: f.release && f.release !== note.release ? stableId(noteId, f.kind, f.framework, f.version, f.release) : stableId(noteId, f.kind, f.framework, f.version),
    source,
    entryId: entry.id,
    noteId,
    publishedAt: entry.publishedAt,
    kind: f.kind,
    framework: f.framework,
    version: f.version,
    scope: f.version ? f.scope : null,
    release: f.release ?? note.release,
    cuda: f.cuda,
    python: f.python,
    os: f.os,
    cves: f.cves,
    imageFamilies: f.imageFamilies,
    noteType: note.type,
    title: '',
    text: f.text,
    url: entry.url,
    update: false,
  };
  event.title = titleOf(event, note);
  // Typed by construction; validated where it crosses a boundary: the parse stage validates the
  // events it enqueues (MatchJobSchema), and `parse --json` lines are checked against the JSON
  // Schema in the CLI tests. Parsing every event of every re-read document here cost more than
  // reading it.
  return event;
}

export function titleOf(e: ReleaseEvent, note?: Note): string {
  const subject = describeSubject(e);
  const release = e.release ? ` (${e.release})` : '';
  const withCuda = e.cuda && e.framework !== 'base' ? ` with CUDA ${e.cuda}` : '';
  const product = note?.product ? `${note.product}: ` : '';
  switch (e.kind) {
    case 'new-image':
      return `${product}${subject} images${withCuda} are now available${release}`;
    case 'patch-update':
      return `${product}${subject} patch update${release}`;
    case 'security-update':
      return `${product}Security update${e.framework ? ` for ${subject}` : ''}${e.cves.length ? `: ${e.cves.slice(0, 3).join(', ')}${e.cves.length > 3 ? '…' : ''}` : ''}${release}`;
    case 'dependency-update':
      return `${product}Dependency update${e.framework ? ` for ${subject}` : ''}${release}`;
    case 'end-of-support-reached':
      return `${product}${e.framework ? subject : 'Framework versions'} reached end of patch and support${release}`;
    case 'deprecation':
      return `${product}${e.framework ? subject : 'Images'} deprecated${release}`;
    case 'rename':
      return `${product}${e.framework ? `${subject} images` : 'Images'} renamed${release}`;
    case 'known-issue':
      return `${product}Known issue${e.framework ? ` with ${subject}` : ''}${release}`;
    case 'fix':
      return `${product}Fix${e.framework ? ` for ${subject}` : ''}${release}`;
    case 'other':
      return `${product}${note?.label ?? 'Release note'}${e.framework ? ` (${subject})` : ''}`;
    case 'version-added':
      return `${subject} added to the supported versions`;
    case 'version-removed':
      return `${subject} removed from the supported versions`;
    case 'end-of-patch-changed':
      return `${subject}: end of patch and support date moved`;
    case 'end-of-availability-changed':
      return `${subject}: end of availability date moved`;
  }
}
