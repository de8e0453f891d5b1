// Reading one note: every statement ends as events or as an explicit "no event" with its reason,
// so nothing is silently dropped. A statement whose kind is not understood still becomes an
// `other` event (about its framework, if it names one) and is counted as unread, so subscribers
// see it and the operator can see what the reader does not know yet. `parse --explain` prints
// this reading.
import type { EventKind, Framework } from '../../domain/events.js';
import type { Note, Statement } from '../notes.js';
import { chooseSubjects, composeFindings, type Finding } from './compose.js';
import { expandVersions, findMentions, mayNameAFramework, VERSION_LIST, type CarriedLine, type FrameworkMention, type Mentions } from './mentions.js';
import { DEPRECATION_CALLED_OFF, mayStateAnEndOrSecurity, readPredicate, words, type PredicateReading, type Words } from './predicates.js';
import { hintsOf, registerHints, type Hints } from './words.js';

export type NoEventReason = 'lead-in' | 'pointer' | 'sub-heading' | 'inventory' | 'table header' | 'past state' | 'nothing changed' | 'empty';

export interface StatementReading {
  text: string;
  context: string | null;
  mentions: FrameworkMention[];
  predicate: PredicateReading | null;
  dropped: { mention: FrameworkMention; why: string }[];
  findings: Finding[];
  /** Set when the statement yields no event, and why. */
  noEvent: NoEventReason | null;
  /** No kind of change was understood: the statement went out as `other` (or not at all). */
  unread: boolean;
}

export interface NoteReading {
  statements: StatementReading[];
  findings: Finding[];
}

/** What the entry says about itself, for statements that name nothing: "PyTorch 2.13 — 2026-07-20". */
export interface EntryContext {
  title: string;
  /** The framework the title names, when the caller read it once for all the entry's notes. */
  subject?: FrameworkMention | null;
}

// Pointers and instructions carry no event: "To view the end of patch and support dates, see …",
// "To pin a runtime version, set the --version flag …" (a purpose, then what to do).
const INSTRUCTION = /^(?:(?:first|then|next|finally),\s+(?:stop|start|create|recreate|delete|run|open|select|go|click|remove|install|upgrade|update)\b|(?:the )?(?:[\w-]+ ){0,4}(?:can be found|is available|are available) (?:here|at|in the|on)\b|to (?:view|create|list|learn|use|see|find|read|continue|get started|check|identify|avoid|undo|enable|disable|migrate|manage|set up|upgrade|install|download|configure|get|update|opt in|opt out)\b|for (?:more )?(?:information|details|instructions|a list|the list|the full list|a complete list)\b|if you (?:must|need|want|have|are|use)\b|see\b|read more\b|learn more\b|please\b(?! (?:be aware|note)\b)|refer to\b|visit\b|check out\b|more information\b|details\b:?$|aws recommends that customers monitor\b|(?:to|for) [^,.]{3,120}, (?:please )?(?:see|refer to|visit|check out|read|consult)\b|for (?:the )?(?:latest|more|further|additional|full) (?:updates|information|details|news|changes)\b|(?:the )?following (?:table|list) (?:includes|contains|lists|provides|shows|has)\b)/i;
// A purpose, then what to do: "To pin a runtime version, set the --version flag …", "To use it,
// select …". Not when the purpose names what changed ("To mitigate CVE-2025-1234, upgrade to the
// PyTorch 2.4.1 images, which are now available"): that is news told as advice.
const PURPOSE = String.raw`^to [a-z]+\b(?:[^,.;]|\.\d){0,100},`;
const PURPOSE_THEN_DO = new RegExp(String.raw`${PURPOSE} (?:set|use|run|select|specify|add|pass|choose|open|go to|click|enable|disable|install|reinstall|create|recreate|configure|include|remove|delete|call|replace|change|edit|update|upgrade|see|visit|read|follow|apply|check|refer to|contact|restart|rebuild|redeploy|download|pull|modify|review|ensure|make sure)\b`, 'i');
// A CVE or advisory id; or that, or a name and its version: what changed.
const NAMES_A_CVE = /\bCVE-\d{4}-\d|\bGHSA-/;
const NAMES_WHAT_CHANGED = new RegExp(String.raw`${NAMES_A_CVE.source}|\b[A-Z][\w.+-]*\s+v?\d+\.\d+`);

/** A sentence that points or says what to do (and so carries no event). */
function instructs(sentence: string): boolean {
  return INSTRUCTION.test(sentence) || (PURPOSE_THEN_DO.test(sentence) && !NAMES_WHAT_CHANGED.test(sentence));
}
// Lists of what an image contains, not changes: "Tags: …", "Bundled versions: …".
const INVENTORY = /^(?:(?:(?:example |available |supported )?(?:image |container )?tags|bundled versions|image uri|image uris|available tags|containers?|supported (?:instances|regions)|gpu instance type support|cpu instance type support)\s*:|(?:built on|built with|tested on|tested with)\s*:?)\s/i;
// A bare component and its version ("CUDA 12.4.1", "cuDNN 9.1.0.70+cuda12.4", "NCCL 2.23.4-1",
// "CUDA 13.2.1 with Python 3.13.12", "TorchServe version: 0.12.0"): what an image is, not a
// change. Only when nothing else in it says a change.
// Each piece can match a given text in one way only: a version whose digits could be split
// between the dotted part and the suffix ("2.16" as ".1" + "6") made a list of them backtrack
// exponentially when the statement is not such a list (hostile feed text, found by a review).
const NAME = String.raw`[A-Za-z][\w.+/-]*(?: [A-Za-z][\w.+/-]*){0,3}`;
const NUMBER = String.raw`v?\d+(?:\.\d+)+(?:(?:[A-Za-z_+-]|\.(?!\d))[\w.+-]*)?`;
const COMPONENT_ITEM = new RegExp(String.raw`^${NAME}(?: version)?:? ${NUMBER}(?:,? (?:with|and|\+|on) ${NAME} ${NUMBER})*(?: \([^)]{0,80}\))?\.?$`, 'i');
// Present state, said of the images: "Python 3.12 is supported (in the containers)", "The
// containers support ARM64 instance types", "These DLCs continue to deliver …". Describes; no change.
const STATE_FACT = /^[A-Za-z][\w.+-]*(?: [A-Za-z][\w.+-]*){0,2} v?\d+(?:\.\d+)*(?:,? (?:and )?v?\d+(?:\.\d+)*)* (?:is|are) supported(?: (?:in|on|by|with) (?:the |all |these |this )?[\w\s-]{0,40}(?:containers?|images?|dlcs?))?\.?$|^(?:the|these|this) (?:containers?|images?|dlcs?) supports? [\w\s-]{1,40} instance types?\.?$|^(?:the|these|this) [\w\s-]{0,40}\b(?:containers?|images?|dlcs?) continues? to\b/i;

// Words without which STATE_FACT and an instruction inside a statement cannot be there: most
// statements skip those patterns on their hints alone.
const STATE_FACT_HINT = registerHints(['support', 'continue']);
const INSTRUCTION_INSIDE = /\b(?:see|to learn|for more|for details|refer to)\b/i;
const INSTRUCTION_INSIDE_HINT = registerHints(['see', 'to learn', 'for more', 'for details', 'refer to']);

const INVENTORY_LEAD_IN = /\b(?:contains?|consists? of|includes?|comes? with|ships? with) the following\b(?![^:]*\b(?:new|updated|updates?|upgraded|upgrades?|fixes|fixed|changes|improvements))/i;

function isInstruction(text: string): boolean {
  if (!instructs(text)) return false; // the first sentence must be one
  const sentences = text.split(/(?<=\.)\s+(?=[A-Z])/).filter((x) => x.trim());
  return sentences.length > 0 && sentences.every((x) => instructs(x.trim()));
}

const noEvent = (s: Statement, reason: NoEventReason): StatementReading => ({ text: s.text, context: s.context, mentions: [], predicate: null, dropped: [], findings: [], noEvent: reason, unread: false });

const CUDA_HEADING = /^CUDA\s+(\d+\.\d+)(?=\s*(?:[—–(]|-\s|$))/i;

/** Mentions in an entry title ("PyTorch 2.12 — 2026-07-02", "AWS DLCs for PyTorch 2.6 Training"). */
export function titleSubject(entry: EntryContext | undefined): FrameworkMention | null {
  if (entry?.subject !== undefined) return entry.subject;
  if (!entry?.title) return null;
  const subjects = findMentions(entry.title).frameworks.filter((m) => m.role === 'subject' && m.framework !== 'python');
  // "CUDA 13.0 — 2026-09-15": a changelog section of a CUDA-only (Base) line.
  const cudaLine = subjects.length === 0 ? CUDA_HEADING.exec(entry.title) : null;
  if (cudaLine?.[1]) return { framework: 'base', name: cudaLine[0], start: 0, end: cudaLine[0].length, versions: [cudaLine[1]], fromVersion: null, upgradeTarget: false, scope: 'exact', role: 'subject', via: 'name' };
  // One framework, possibly named twice ("PyTorch 2.13 — … PyTorch images"): its versioned mention.
  if (new Set(subjects.map((m) => m.framework)).size !== 1) return null;
  const subject = subjects.find((m) => m.versions.length > 0) ?? subjects[0] ?? null;
  // "CUDA 13.2 — 2026-07-31 (… base CUDA images)": a Base line is named by its CUDA version.
  const cuda = /\bcuda\s+(\d+\.\d+)/i.exec(entry.title)?.[1];
  return subject?.framework === 'base' && subject.versions.length === 0 && cuda ? { ...subject, versions: [cuda] } : subject;
}

/** A row of component versions: a dependency update of the image it sits under. */
function versionTable(s: Statement, scope: NoteScope): StatementReading {
  const mentions = findMentions(s.text, s.codes);
  const predicate: PredicateReading = { kind: 'dependency-update', cue: s.text, why: 'a table of component versions', also: [], from: 'statement' };
  // Under "The PyTorch 2.8 containers were rebuilt with the following component versions:", the rows are the PyTorch 2.8 images'.
  const line = s.context ? scope.contextMentions(s.context).frameworks.filter((m) => m.role === 'subject' && m.framework !== 'python' && m.versions.length > 0) : [];
  return { text: s.text, context: s.context, mentions: [], predicate, dropped: [], findings: composeFindings(s.text, mentions, predicate, line.slice(0, 1)), noEvent: null, unread: false };
}

/** Instructions inside a statement ("To upgrade, see Upgrade a cluster.") say nothing about the change. */
function withoutInstructions(text: string, hints: Hints): string {
  if (!hints[INSTRUCTION_INSIDE_HINT] || !INSTRUCTION_INSIDE.test(text)) return text;
  const sentences = text.split(/(?<=\.)\s+(?=[A-Z])/);
  const kept = sentences.filter((x) => !instructs(x.trim()));
  return kept.length > 0 && kept.length < sentences.length ? kept.join(' ') : text;
}

const OWN_VERSION = new RegExp(String.raw`^(?:from\s+)?(${VERSION_LIST})`, 'i');

/** What a note's statements share: the lead-ins' mentions and words, read once per note. */
export interface NoteScope {
  contextMentions: (context: string) => Mentions;
  contextWords: (context: string) => Words;
  /** The release a lead-in names ("The following changes are in the M131 release:"), or null. */
  contextRelease: (context: string) => string | null;
}

export function noteScope(): NoteScope {
  const mentions = new Map<string, Mentions>();
  const cues = new Map<string, Words>();
  const releases = new Map<string, string | null>();
  const releaseOf = (c: string): string | null => {
    const m = RELEASE_LEAD_IN.exec(c);
    return (m?.[1] ?? m?.[2])?.toUpperCase() ?? null;
  };
  return {
    contextMentions: (c) => mentions.get(c) ?? (mentions.set(c, findMentions(c)), mentions.get(c) as Mentions),
    contextWords: (c) => cues.get(c) ?? (cues.set(c, words(c)), cues.get(c) as Words),
    contextRelease: (c) => (releases.has(c) ? (releases.get(c) ?? null) : (releases.set(c, releaseOf(c)), releases.get(c) ?? null)),
  };
}

// A release named by the statement, or by its list's lead-in: "The M127 release includes PyTorch 2.4
// containers", "The following changes are in the M131 release:", "The M134 release of Workbench
// instances includes the following:". (Not "Starting with the M80 release, …": when something
// begins is not the release that says it.)
const RELEASE_INCLUDES = /^(?:the\s+)?(M\d{2,3}(?:\.\d+)?)\s+release\s+(?:includes|contains|brings|adds|ships(?:\s+with)?)\s+(?:the\s+)?(?!following\b)/i;
const RELEASE_LEAD_IN = /\b(?:in|of|for) (?:the )?(M\d{2,3}(?:\.\d+)?) release:$|^(?:the |this )?(?:update of the )?(M\d{2,3}(?:\.\d+)?) release\b[^:]{0,80}\b(?:includes|contains) the following\b[^:]*:$/i;

// A clause saying something goes on as before: "… can still be created", "… remain available".
// A recommendation, not news: "…, and PyTorch 2.6 images are now the recommended images".
const STILL_SO = /\b(?:can|will|may) still be\b|\b(?:remains?|stays?|is still|are still|continues? to be) (?:available|supported|usable)\b|\b(?:is|are) now the (?:recommended|preferred)\b/i;
// "PyTorch 2.4 images are not deprecated, but PyTorch 2.3 images are.": the second clause says the
// first clause's word, without its "not".
const NEGATED = /\b(?:is|are|was|were|has been|have been) not (?:yet )?([a-z]+(?: (?:of|for) [a-z]+)?)\.?$/i;
// "PyTorch 2.4 images are no longer updated, but 2.5 images are.": the second goes on as before.
const NO_LONGER = /\bno longer\b/i;
const ELIDED = /\b(?:is|are|was|were|has been|have been)\.?$/i;

// A clause that reports something done: "the jupyter-server package was updated to 2.17.0".
const DONE = /\b(?:was|were|has been|have been)\s+(?:[a-z]+ed|rebuilt|built|made)\b|^(?:upgraded|updated|bumped|added|removed|fixed|patched|installed|refreshed|rebuilt|pinned)\b/i;

// ", and" / "; " / ", but" / ", while" between two clauses that could each stand alone.
const CLAUSE_BREAK = /(?:,\s+(?:and|but|while|whereas|which means(?: that)?)|;)\s+(?=[A-Za-z0-9])/;

// "PyTorch, TensorFlow, and XGBoost": the ", and" before a list's last item joins names, not
// clauses (a date's ", 2027, and …" does not make a list).
const LIST_ITEM_BEFORE = /,\s*((?:[A-Za-z][\w./+-]*\s+){0,2}[A-Za-z][\w./+-]*)$/;
// (An item of a list names things; "…, as announced, are now available, and …" says something.)
const FINITE_VERB = /\b(?:is|are|was|were|has|have|had|will|can|may|might|should|do|does|did|[a-z]+ed)\b/i;
const CLAUSE_BREAKS = new RegExp(CLAUSE_BREAK.source, 'g');

/** The first ", and" / "; " / ", but" … that joins two clauses (not the last items of a list). */
function clauseBreak(text: string): RegExpExecArray | null {
  CLAUSE_BREAKS.lastIndex = 0;
  for (let m = CLAUSE_BREAKS.exec(text); m; m = CLAUSE_BREAKS.exec(text)) {
    const item = m[0].startsWith(';') ? null : LIST_ITEM_BEFORE.exec(text.slice(Math.max(0, m.index - 80), m.index));
    if (!item || FINITE_VERB.test(item[1] ?? '')) return m;
  }
  return null;
}

/**
 * "TensorFlow 2.20 images are now available, and TensorFlow 2.14 images are deprecated": two
 * statements in one sentence, each with its own framework and kind. Read apart when:
 * - one clause says nothing changed ("…; PyTorch is unchanged"): the other clause's reading alone;
 * - both are news of their own framework, one at least of a kind other than "other", and of two
 *   different kinds: both readings.
 * Anything less (an aside, a reason, a recommendation) stays part of one statement, read whole.
 */
function twoClauses(s: Statement, noteType: Note['type'], title: FrameworkMention | null, scope: NoteScope, mode: 'two lines' | 'unchanged' | 'done to another'): StatementReading | null {
  const at = clauseBreak(s.text);
  if (!at) return null;
  const parts = [s.text.slice(0, at.index), s.text.slice(at.index + at[0].length)].map((t) => ({ ...s, text: t.trim() }));
  const [first, second] = parts;
  if (!first || !second) return null;
  // (One line: only a clause that reports something done and names no framework makes two.)
  if (mode === 'done to another' && !parts.some((p) => DONE.test(p.text) && !mayNameAFramework(hintsOf(p.text)))) return null;
  const negated = NEGATED.exec(first.text);
  const elided = ELIDED.test(second.text);
  if (negated && elided) {
    const said = readStatement({ ...second, text: second.text.replace(/\.?$/, ` ${negated[1]}.`) }, noteType, title, false, scope, false);
    if (said.predicate?.kind != null && said.findings.length > 0) return { ...said, text: s.text };
  }
  const a = readStatement(first, noteType, title, false, scope, false);
  if (elided && NO_LONGER.test(first.text) && a.predicate?.kind != null) return { ...a, text: s.text };
  // "…, and 2.14 images are deprecated": the second clause's bare version is of the first clause's framework.
  const line = a.mentions.find((m) => m.role === 'subject' && m.framework !== 'python');
  const b = readStatement(second, noteType, title, false, scope, false, line ? { framework: line.framework, versions: line.versions } : null);
  // "…, but TensorFlow 2.18 images are unchanged", "PyTorch 2.2 images can still be created, while …":
  // the clause that says nothing changed, or that something goes on as before, yields nothing.
  // So does a deprecation called off beside one that happens ("X are deprecated; Y are not deprecated").
  const saysNothing = (r: StatementReading): boolean => r.noEvent === 'nothing changed' || (STILL_SO.test(r.text) && (r.predicate?.kind ?? 'other') === 'other') || r.predicate?.why === DEPRECATION_CALLED_OFF;
  const saysSomething = (r: StatementReading): boolean => r.predicate?.kind != null && r.findings.length > 0;
  if (saysSomething(a) && saysNothing(b)) return { ...a, text: s.text };
  if (saysSomething(b) && saysNothing(a)) return { ...b, text: s.text };
  // News about a framework; "…, and PyTorch 2.6 images are now the recommended images" is news of
  // kind "other", which keeps its own reading rather than taking the other clause's kind.
  const aboutFramework = (r: StatementReading): boolean => r.predicate?.kind != null && r.findings.some((f) => f.framework !== null);
  const ofAKind = (r: StatementReading): boolean => aboutFramework(r) && r.predicate?.kind !== 'other';
  // "The R kernel was updated from R 4.4.3 to R 4.5.1, and the jupyter-server package was updated
  // to 2.17.0": a framework's news, and a change done to something else of the images.
  const doneToSomethingElse = (x: StatementReading, other: StatementReading): boolean =>
    ofAKind(other) && x.predicate?.kind != null && x.predicate.kind !== 'other' && x.predicate.kind !== other.predicate?.kind && x.findings.length > 0 && !aboutFramework(x) && DONE.test(x.text);
  // Both clauses' readings, as the statement's.
  const both = (): StatementReading => {
    const predicate: PredicateReading = { kind: a.predicate?.kind ?? null, cue: `${a.predicate?.cue ?? ''} … ${b.predicate?.cue ?? ''}`, why: 'two clauses, each read on its own', also: [], from: 'statement' };
    return { text: s.text, context: s.context, mentions: [...a.mentions, ...b.mentions], predicate, dropped: [...a.dropped, ...b.dropped], findings: [...a.findings, ...b.findings], noEvent: null, unread: false };
  };
  if (doneToSomethingElse(b, a) || doneToSomethingElse(a, b)) return both();
  if (mode === 'done to another') return null;
  if (!aboutFramework(a) || !aboutFramework(b) || !(ofAKind(a) || ofAKind(b)) || a.predicate?.kind === b.predicate?.kind) return null;
  return both();
}

/** A statement with its lead-in: what an event quotes. */
const fullText = (s: Statement): string => (s.context ? `${s.context} ${s.text}` : s.text);

/** How many framework lines (framework and versions) a statement names as subjects: 0, 1 or 2 (two or more). */
function subjectLines(mentions: Mentions): number {
  let one: string | null = null;
  for (const m of mentions.frameworks) {
    if (m.role !== 'subject') continue;
    const line = `${m.framework} ${m.versions.join(',')}`;
    if (one === null) one = line;
    else if (line !== one) return 2;
  }
  return one === null ? 0 : 1;
}

export function readStatement(s: Statement, noteType: Note['type'], title: FrameworkMention | null, isHeading: boolean, scope: NoteScope = noteScope(), splitClauses = true, carry: CarriedLine | null = null): StatementReading {
  if (s.text.trim() === '') return noEvent(s, 'empty');
  if (isInstruction(s.text)) return noEvent(s, 'pointer');
  // One look at the statement's words tells which names and cues can be in it at all.
  const hints = hintsOf(s.text);
  if (INVENTORY.test(s.text) || (hints[STATE_FACT_HINT] && STATE_FACT.test(s.text.trim()))) return noEvent(s, 'inventory');
  // "Previously, X": how things were, said to explain the change next to it.
  if (/^previously\b/i.test(s.text)) return noEvent(s, 'past state');
  // Table rows: a header row (no digits) frames, a row of component versions ("COS-6.12.55 | v27.5.1 |
  // v2.1.3") lists what an image contains now.
  if (s.text.includes(' | ')) {
    const cells = s.text.split(' | ');
    if (cells.every((c) => !/\d/.test(c))) return noEvent(s, 'table header');
    if (cells.filter((c) => /^(?:[A-Za-z-]*[-\s])?v?\d+(?:\.\d+){1,3}\b/.test(c.trim())).length >= 2 && !/CVE-|KCTF-|GHSA-/.test(s.text)) return versionTable(s, scope);
  }
  const named = RELEASE_INCLUDES.exec(s.text);
  const release = named?.[1]?.toUpperCase() ?? (s.context ? scope.contextRelease(s.context) : null);
  if (named && named[0].length < s.text.length) {
    // "The M127 release includes fixes for …": what it includes is the statement; the release is its label.
    const inner = readStatement({ ...s, text: s.text.slice(named[0].length) }, noteType, title, isHeading, scope, splitClauses);
    if (inner.noEvent === null && inner.predicate?.kind != null && inner.findings.length > 0) {
      const text = fullText(s);
      return { ...inner, text: s.text, findings: inner.findings.map((f) => ({ ...f, text, release })) };
    }
  }
  let mentions: Mentions = findMentions(s.text, s.codes, hints, carry);
  // Two clauses can each have their own subject only if the sentence names two framework lines.
  const lines = splitClauses ? subjectLines(mentions) : 0;
  // Or one line, when the other clause says nothing changed, or reports a change done to something else.
  const clauseMode = lines >= 2 ? 'two lines' : lines === 1 && /\bunchanged\b|\bnot (?:affected|impacted|updated|changed)\b/i.test(s.text) ? 'unchanged' : lines === 1 && CLAUSE_BREAK.test(s.text) && DONE.test(s.text) ? 'done to another' : null;
  const clauses = clauseMode ? twoClauses(s, noteType, title, scope, clauseMode) : null;
  if (clauses) return clauses;
  let subjectsFromContext = false;
  if (!mentions.frameworks.some((m) => m.role === 'subject') && s.context) {
    // "TensorFlow patch version upgrades:" / "From 2.8.3 to 2.8.4.": the framework is in the lead-in;
    // only a list item that is itself a version ("From 2.8.3 to 2.8.4.", "2.6.4") replaces its versions.
    const fromContext = scope.contextMentions(s.context);
    const own = OWN_VERSION.exec(s.text)?.[1];
    const ownVersions = own ? expandVersions(own) : null;
    const frameworks = fromContext.frameworks
      .filter((m) => m.role === 'subject')
      .map((m) => (ownVersions ? { ...m, versions: ownVersions.versions, fromVersion: ownVersions.from, upgradeTarget: ownVersions.target || m.upgradeTarget, start: 0, end: 0 } : { ...m, start: 0, end: 0 }));
    if (frameworks.length > 0) {
      mentions = { ...mentions, frameworks: [...mentions.frameworks, ...frameworks] };
      subjectsFromContext = true;
    }
  }
  const saying = withoutInstructions(s.text, hints);
  const predicate = readPredicate(saying, s.context, noteType, mentions, scope.contextWords, saying === s.text ? hints : undefined);
  // A component and its version, or a table row, that says no change: part of a list of what is.
  if (predicate.kind === null && (COMPONENT_ITEM.test(s.text.trim()) || s.text.includes(' | '))) return noEvent(s, 'inventory');
  if (isHeading && predicate.kind === null) return noEvent(s, 'sub-heading');
  if (predicate.kind === null && predicate.cue !== null) return { ...noEvent(s, 'nothing changed'), predicate };
  const { subjects, dropped } = chooseSubjects(subjectsFromContext ? '' : s.text, mentions, predicate.kind);
  // A statement that names no framework, inside an entry about one framework line, is about that line.
  // What an image contains, listed under "contains the following …:", is not a change; items of a
  // release's list of "the following changes, features, and fixes" that say nothing of their own
  // are the release's news.
  if (predicate.from === 'lead-in' && s.context && INVENTORY_LEAD_IN.test(s.context)) return { ...noEvent(s, 'inventory'), predicate };
  if (predicate.from === 'lead-in' && s.context && /\bthe following (?:changes|features|fixes|improvements)\b/i.test(s.context)) predicate.kind = 'other';
  const withTitle = subjects.length === 0 && title ? [title] : subjects.length > 0 && title ? subjects.map((m) => (m.versions.length === 0 && m.framework === title.framework ? { ...m, versions: title.versions } : m)) : subjects;
  const findings = composeFindings(fullText(s), mentions, predicate, withTitle, release);
  return { text: s.text, context: s.context, mentions: mentions.frameworks, predicate, dropped, findings, noEvent: null, unread: predicate.kind === null };
}

// Where a statement's sentences meet: after . ! or ? followed by white space and a capital letter
// (not a version's dot inside a word, nor "U.S. Army"; "e.g. The" is cut, as before). A word in
// capitals ends a sentence as well as any other ("… for CPU and GPU. The …", "… on Vertex AI. You …").
const SENTENCE_BREAK = /(?<=(?:[a-z0-9)\]]|[A-Za-z][A-Z])[.!?])\s+(?=[A-Z])/;
const MAY_HAVE_SENTENCES = /[.!?]\s+[A-Z]/;

// Kinds a later sentence of a paragraph states whatever its first word, and the words that open one
// reporting a change of its own (see bySentence).
const LATER_SENTENCE_KINDS = new Set<EventKind>(['deprecation', 'end-of-support-reached', 'security-update']);
const REPORTS_A_CHANGE = /^(?:upgraded|updated|bumped|added|removed|dropped|fixed|patched|resolved|installed|refreshed|rebuilt|pinned)\b/i;
// A sentence that says what follows from the one before ("After that date, the images remain
// available but no longer receive security patches"): the consequence of its news, not news.
const CONSEQUENCE = /^(?:after (?:that|this|the) (?:date|day|point|release)|after then|from (?:that|this) (?:date|day|point) on|at that (?:date|point|time)|thereafter|once (?:that|this) (?:happens|date)|until (?:then|that date)|as a result|this means)\b/i;
// What an image (just announced) is made of, said in the present: "The containers include CUDA
// 12.8", "The images come with PyTorch preinstalled". A description, not a change (unless "now").
const DESCRIBES_CONTENTS = /^(?:(?:the|these|this|both|all|each)\s+(?:[\w.-]+\s+){0,3}?(?:images?|containers?|runtimes?|dlcs?|vms?|versions?)|it|they)\s+(?:also\s+)?(?:include|includes|contain|contains|come with|comes with|ship with|ships with|bundle|bundles|provide|provides|are built on|is built on|ha(?:s|ve)\b(?!\s+(?:been|not|now|already|[a-z]+ed)\b))\b/i;
// A sentence that points back at the paragraph's images: "the same containers", "these images",
// "the images", "it". Only such a sentence is about the paragraph's framework line when it names
// none ("… on some images" is not).
const REFERS_BACK = /\b(?:the same|these|those|this|that|its|their)\b(?:\s+[\w.-]+){0,3}?\s+(?:images?|containers?|image famil(?:y|ies)|versions?|runtimes?|dlcs?|lines?)\b|^(?:the\s+)(?:[\w.-]+\s+){0,3}?(?:images?|containers?|image famil(?:y|ies)|runtimes?|dlcs?)\b|^(?:it|they)\b/i;

// A version written in a sentence.
const VERSIONED = /\d\.\d/;

// A sentence that explains the one before ("Note that this TensorFlow Enterprise version does not
// include Long Term Version Support", "This change was made to improve size"), or says what to do
// about it ("Use tpu-ubuntu2204-base and install …", "To use it, select …").
const EXPLAINS = new RegExp(String.raw`^(?:note that|note:|please note|keep in mind|be aware|this (?:change|update|release|fix) (?:was made|is|helps|means|makes|lets|allows)|(?:this|that) is because|(?:use|install|run|select|choose|migrate|switch|move|set|specify|upgrade|update) (?:to |the |your |a |an |it\b|them\b|[\w-]+ (?:instead|and|or)\b|<)|${PURPOSE.slice(1)})`, 'i');

/**
 * A paragraph of several sentences, read with its sentences. Read whole, a paragraph states the
 * kind its strongest words say, wherever they are; that is what joins a framework named in one
 * sentence to the kind said in another, or to an example that shows it ("Added the CUDA version
 * to the TensorFlow 2.12 image names. For example, tf-2-12-gpu is renamed tf-2-12-cu118."). The
 * sentences, each read alone, correct it where the kind came from a later sentence:
 * - that reports news of its own (it opens with what was done, "Fixed …", or names the framework
 *   line it is about): "PyTorch 2.12 containers are now available. XGBoost containers have been
 *   upgraded to XGBoost 3.1.1." is a new image and a patch update, not two patch updates; each
 *   sentence is read alone;
 * - that only explains, describes or follows from the first ("After that date, the images …",
 *   "The images include PyTorch preinstalled", "Note that …"): the first sentence says the kind.
 * Later sentences that report news add their findings when of another kind: a sentence that says
 * an end (deprecation, end of support) or a security fix, opens with what was done, or names its
 * own framework line. A later sentence naming no framework is about the paragraph's line only when
 * it points back at it ("the same containers", "these images"; not "on some images").
 */
function bySentence(s: Statement, whole: StatementReading, noteType: Note['type'], title: FrameworkMention | null, scope: NoteScope): StatementReading {
  const kind = whole.predicate?.kind;
  if (whole.noEvent !== null || kind == null || kind === 'other' || whole.findings.length === 0) return whole;
  // (Most statements are one sentence: a plain scan says so before the look-behind split runs.)
  if (!MAY_HAVE_SENTENCES.test(s.text)) return whole;
  const sentences = s.text.split(SENTENCE_BREAK);
  if (sentences.length < 2) return whole;
  const spans = sentenceSpans(s.text, sentences);
  // Each sentence read alone at most once.
  const readings: (StatementReading | undefined)[] = [];
  const readAlone = (i: number): StatementReading => (readings[i] ??= readStatement({ ...s, text: sentences[i] ?? '' }, noteType, title, false, scope, false));
  const says = (r: StatementReading): boolean => r.noEvent === null && r.predicate?.kind != null && r.predicate.kind !== 'other' && r.findings.length > 0;
  const versionedLines = (r: StatementReading): FrameworkMention[] => r.mentions.filter((m) => m.role === 'subject' && m.framework !== 'python' && m.end > m.start && m.versions.length > 0);
  const namesItsLine = (r: StatementReading): boolean => r.mentions.some((m) => m.role === 'subject' && m.framework !== 'python' && m.end > m.start);

  // Sentences that only explain, describe, instruct or follow from the news. Not one that tells
  // an end or a security fix of another line, or names a CVE ("Note that TensorFlow 2.14 images
  // have reached end of support", "This update is a fix for CVE-2025-1234").
  let firstLines: Set<string> | null = null;
  const ofFirst = (m: FrameworkMention): boolean => (firstLines ??= new Set(versionedLines(readAlone(0)).map((x) => x.framework))).has(m.framework);
  const notNews = (i: number): boolean => {
    const sentence = sentences[i] ?? '';
    if (!(CONSEQUENCE.test(sentence) || DESCRIBES_CONTENTS.test(sentence) || EXPLAINS.test(sentence) || instructs(sentence))) return false;
    if (NAMES_A_CVE.test(sentence)) return false;
    const hints = hintsOf(sentence);
    if (!mayStateAnEndOrSecurity(hints)) return true;
    const r = readAlone(i);
    return !(says(r) && LATER_SENTENCE_KINDS.has(r.predicate?.kind as EventKind) && versionedLines(r).some((m) => !ofFirst(m)));
  };
  const asideCache: (boolean | undefined)[] = [];
  const isAside = (i: number): boolean => i > 0 && (asideCache[i] ??= notNews(i));
  const sentenceAt = (offset: number): number => spans.findLastIndex((span) => span.start <= offset);

  // Read whole, the paragraph also took as subjects the frameworks an aside names ("The runtime
  // also includes TensorFlow 2.20.0, PyTorch 2.9.1 …"): they are not its news, nor its line.
  const onlyInAsides = (f: Finding): boolean => {
    const named = whole.mentions.filter((m) => m.framework === f.framework && m.end > m.start);
    // (Named in the first sentence: news. Only then are later sentences looked at.)
    return named.length > 0 && named.every((m) => m.start >= (spans[1]?.start ?? Infinity)) && named.every((m) => isAside(sentenceAt(m.start)));
  };
  const line = whole.findings.find((f) => f.framework !== null && f.framework !== 'python' && !onlyInAsides(f)) ?? null;
  // A later sentence naming no framework is about the paragraph's line only when it points back at it.
  const withLine = (r: StatementReading, i: number): Finding[] => {
    const refersBack = i > 0 && line !== null && REFERS_BACK.test(sentences[i] ?? '');
    return r.findings.map((f) => ({ ...f, ...(f.framework === null && refersBack && line ? { framework: line.framework, version: line.version, scope: line.scope } : {}), text: fullText(s) }));
  };

  // Which sentence the whole reading's kind came from (its cue), when the statement's own words decided.
  const cue = whole.predicate?.from === 'statement' ? whole.predicate.cue : null;
  const cueAt = cue ? s.text.indexOf(cue) : -1;
  const cueSentence = cueAt < 0 ? -1 : sentenceAt(cueAt);
  let findings = whole.findings;
  if (cueSentence > 0) {
    const cueText = sentences[cueSentence] ?? '';
    const first = readAlone(0);
    if (says(first) && isAside(cueSentence)) {
      findings = withLine(first, 0);
    } else if (says(first) && !/^(?:for example|e\.g\.|for instance)\b/i.test(cueText)) {
      const at = readAlone(cueSentence);
      if (says(at) && (REPORTS_A_CHANGE.test(cueText) || namesItsLine(at))) findings = withLine(first, 0);
    }
  }
  if (findings === whole.findings && whole.findings.some(onlyInAsides)) {
    const kept = whole.findings.filter((f) => f.framework === null || !onlyInAsides(f));
    const first = readAlone(0);
    findings = kept.length > 0 ? kept : withLine(first, 0);
  }
  const kinds = new Set(findings.map((f) => f.kind));
  const added: Finding[] = [];
  for (let i = 1; i < sentences.length; i++) {
    const sentence = sentences[i] ?? '';
    const reportsAChange = REPORTS_A_CHANGE.test(sentence);
    const hints = hintsOf(sentence);
    // (Cheap checks first: most later sentences neither open with a change, nor may say an end or
    // a security fix, nor name a framework with a version.)
    if (!reportsAChange && !mayStateAnEndOrSecurity(hints) && !(mayNameAFramework(hints) && VERSIONED.test(sentence))) continue;
    if (isAside(i)) continue;
    const r = readAlone(i);
    const later = r.predicate?.kind;
    if (!says(r) || later == null || kinds.has(later)) continue;
    if (!LATER_SENTENCE_KINDS.has(later) && !reportsAChange && !namesItsLine(r)) continue;
    kinds.add(later);
    added.push(...withLine(r, i));
  }
  if (findings === whole.findings && added.length === 0) return whole;
  return { ...whole, findings: [...findings, ...added] };
}

/** Where each sentence of `text` (its pieces after a split at SENTENCE_BREAK) starts and ends. */
function sentenceSpans(text: string, sentences: string[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let from = 0;
  for (const sentence of sentences) {
    const start = text.indexOf(sentence, from);
    spans.push({ start, end: start + sentence.length });
    from = start + sentence.length;
  }
  return spans;
}

export function readNote(note: Note, entry?: EntryContext): NoteReading {
  const title = titleSubject(entry);
  const leadIns = new Set(note.statements.map((s) => s.context).filter((c): c is string => c !== null));
  // A statement that frames others without ending in ":" is a sub-heading (<h3 id>, <h4>).
  const headings = new Set([...leadIns].filter((c) => !c.endsWith(':')));
  const scope = noteScope();
  const statements: StatementReading[] = note.statements.map((s) => {
    // (Most notes have no lead-in: no string hashed for the look-up.)
    if (leadIns.size > 0 && s.text.endsWith(':') && leadIns.has(s.text)) return noEvent(s, 'lead-in');
    const isHeading = headings.size > 0 && headings.has(s.text);
    return bySentence(s, readStatement(s, note.type, title, isHeading, scope), note.type, title, scope);
  });
  const findings: Finding[] = [];
  for (const r of statements) for (const f of r.findings) findings.push(f);
  if (findings.length === 0 && note.label) {
    // A note that is only its label ("M93 release") still tells that a release happened. A note
    // with no words at all (an empty entry, markup we cannot read) tells nothing: no event, and the
    // watchdog reports entries like that.
    findings.push({ kind: 'other', framework: title?.framework ?? null, version: title?.versions[0] ?? null, scope: title?.versions[0] ? 'exact' : null, cuda: null, python: null, os: null, cves: [], imageFamilies: [], text: note.text, release: null });
  }
  return { statements, findings };
}

/** Frameworks a reading names as subjects, for the status page's unread list. */
export function frameworksOf(reading: StatementReading): Framework[] {
  return [...new Set(reading.findings.map((f) => f.framework).filter((f): f is Framework => f !== null))];
}
