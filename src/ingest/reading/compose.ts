// Composition: a statement's mentions and predicate → the events it states. Which mentions are the
// subject (the images a change lands in, not the package that moved; versioned mentions over bare
// ones; one framework line named twice is its most specific version), and what a statement with no
// subject, or with no understood kind, becomes. Pure.
import type { EventKind, Framework } from '../../domain/events.js';
import { PYTHON_IMAGES_BEFORE } from './lexicon.js';
import { BUILT_WITH, namesItsOwnLine, type FrameworkMention, type Mentions } from './mentions.js';
import type { PredicateReading } from './predicates.js';
import { allMatches } from './scan.js';

export interface Finding {
  kind: EventKind;
  framework: Framework | null;
  version: string | null;
  scope: 'exact' | 'and-earlier' | null;
  cuda: string | null;
  python: string | null;
  os: string | null;
  cves: string[];
  imageFamilies: string[];
  text: string;
  /** The release the statement itself names ("The M127 release includes …"); null: the note's label decides. */
  release: string | null;
}

/** Kinds Python can be the subject of: a Python version stops (or starts) being offered. */
const PYTHON_SUBJECT_KINDS = new Set<EventKind>(['end-of-support-reached', 'deprecation', 'new-image']);

/** "<preposition> [the] … images": where a change lands (group 1: the words naming the images). */
const landsInPattern = (prepositions: string): RegExp => new RegExp(String.raw`\b(?:${prepositions})\s+(?:the\s+|all\s+)?((?:[\w./+-]+\s+){0,6}?)(?:gpu\s+|cpu\s+)?(?:deep learning vms?\s+)?(?:images?|containers?)\b`, 'gi');
// "PyTorch has been removed from Theia IDE images": the images a change lands in are its subject.
const LANDS_IN = landsInPattern('to|from|onto|into|in');
// "vLLM 0.6 containers with PyTorch 2.4": a framework named after "with" is what the subject bundles.
const BUNDLED_BEFORE = new RegExp(String.raw`\b(?:${BUILT_WITH}|including|includes?|bundles?|bundled with|built (?:on|with)|based on|on top of|powered by|uses?|using)\b(?:[^.;:]|\.\d)*$`, 'i');

function landsIn(text: string, mentions: FrameworkMention[]): FrameworkMention[] {
  if (mentions.length < 2 || !/image|container/i.test(text)) return mentions;
  for (const m of allMatches(LANDS_IN, text)) {
    const start = m.index + m[0].indexOf(m[1] ?? '');
    const end = m.index + m[0].length;
    const inside = new Set(mentions.filter((x) => x.start >= start && x.start < end).map((x) => x.framework));
    // "Upgraded R from 4.4.1 to 4.4.2 for R VM images": the versioned mention of the same framework stays.
    if (inside.size > 0) return mentions.filter((x) => inside.has(x.framework));
  }
  return mentions;
}

// Where a Python change lands: "in new TensorFlow container images", "for TensorFlow 2.15 images".
const PYTHON_LANDS_IN = landsInPattern('to|from|onto|into|in|for|with');

/** Whether a mention sits inside "in/for … images" (where a Python change lands). */
function insideLandsIn(text: string, m: FrameworkMention): boolean {
  if (!/image|container/i.test(text)) return false;
  for (const at of allMatches(PYTHON_LANDS_IN, text)) {
    const start = at.index + at[0].indexOf(at[1] ?? '');
    if (m.start >= start && m.start < at.index + at[0].length) return true;
  }
  return false;
}

/** One framework line named twice ("TensorFlow 2.13 images … 2.13.2", "2.9.1 patch release for 2.9 images"): its most specific version. */
function mostSpecific(versions: { v: string; scope: 'exact' | 'and-earlier' }[]): { v: string; scope: 'exact' | 'and-earlier' }[] {
  return versions.filter((a) => !versions.some((b) => b.v !== a.v && b.v.startsWith(`${a.v}.`)));
}

export interface SubjectChoice {
  subjects: FrameworkMention[];
  /** Why mentions were set aside, for `parse --explain`. */
  dropped: { mention: FrameworkMention; why: string }[];
}

export function chooseSubjects(text: string, mentions: Mentions, kind: EventKind | null): SubjectChoice {
  // Most statements name no framework, or one, the subject: nothing to choose between.
  const only = mentions.frameworks[0];
  if (!only) return { subjects: [], dropped: [] };
  if (mentions.frameworks.length === 1 && only.role === 'subject' && only.framework !== 'python') return { subjects: [only], dropped: [] };
  const dropped: SubjectChoice['dropped'] = [];
  const drop = (list: FrameworkMention[], keep: (m: FrameworkMention) => boolean, why: string): FrameworkMention[] =>
    list.filter((m) => {
      if (keep(m)) return true;
      dropped.push({ mention: m, why });
      return false;
    });
  let subjects = drop(mentions.frameworks, (m) => m.role === 'subject', 'not the subject');
  for (const d of dropped) d.why = d.mention.role === 'example' ? 'an example' : d.mention.role === 'past' ? 'a past state' : d.mention.role === 'alternative' ? 'an alternative offered (workaround, "use … instead")' : d.mention.role === 'condition' ? 'a condition ("when …, ")' : d.mention.role === 'excluded' ? 'excluded ("except …")' : d.mention.role === 'library' ? 'a library named after the framework' : d.why;
  // An image name read by its grammar repeats what the words already said.
  const named = new Set(subjects.filter((m) => m.via === 'name').map((m) => m.framework));
  subjects = drop(subjects, (m) => m.via === 'name' || !named.has(m.framework) || subjects.some((n) => n.via === 'name' && n.framework === m.framework && n.versions.length === 0), 'repeats a named framework');
  let nonPython = subjects.filter((m) => m.framework !== 'python');
  // "Python 3.10 is no longer available in new TensorFlow container images": Python, said first,
  // is what ends; the framework names only the images where it does.
  const python = subjects.find((m) => m.framework === 'python' && m.versions.length > 0 && m.start < 40);
  if (python && kind !== null && PYTHON_SUBJECT_KINDS.has(kind) && nonPython.length > 0 && nonPython.every((m) => m.start > python.end && insideLandsIn(text, m))) {
    subjects = drop(subjects, (m) => m.framework === 'python', 'where the Python change lands ("in … images")');
    nonPython = [];
  }
  // Python is the subject when the statement opens with it, or names it as what images or a
  // runtime are of ("… now offers a runtime with Python 3.13").
  const pythonLine = (m: FrameworkMention): boolean => m.start < 40 || PYTHON_IMAGES_BEFORE.test(text.slice(Math.max(0, m.start - 40), m.start));
  subjects = drop(subjects, (m) => m.framework !== 'python' || (nonPython.length === 0 && kind !== null && PYTHON_SUBJECT_KINDS.has(kind) && m.versions.length > 0 && pythonLine(m)), 'Python is a dependency here');
  const lead = subjects[0];
  subjects = drop(subjects, (m) => m === lead || m.framework === lead?.framework || !BUNDLED_BEFORE.test(text.slice(lead?.end ?? 0, m.start)) || namesItsOwnLine(text, m), 'bundled by the subject ("with …")');
  subjects = landsIn(text, subjects);
  // "Added PyTorch 1.6 images … to add to our TensorFlow Enterprise builds": when some framework is
  // named with a version, bare mentions of others are asides.
  if (subjects.some((m) => m.versions.length > 0)) {
    const versionedFrameworks = new Set(subjects.filter((m) => m.versions.length > 0).map((m) => m.framework));
    subjects = drop(subjects, (m) => m.versions.length > 0 || versionedFrameworks.has(m.framework), 'an aside next to a versioned framework');
  }
  return { subjects, dropped };
}

export function composeFindings(text: string, mentions: Mentions, predicate: PredicateReading, chosenSubjects: FrameworkMention[], release: string | null = null): Finding[] {
  const kind: EventKind = predicate.kind ?? 'other';
  const imageFamilies = mentions.images.map((f) => f.name);
  // One shape for every finding (no object spread: this runs for every statement of a document).
  const finding = (k: EventKind, framework: Framework | null, version: string | null, scope: Finding['scope'], cuda: string | null): Finding => ({
    kind: k,
    framework,
    version,
    scope,
    cuda,
    python: mentions.python,
    os: mentions.os,
    cves: mentions.cves,
    imageFamilies,
    text,
    release,
  });
  if (chosenSubjects.length === 0) return [finding(kind, null, null, null, mentions.cuda), ...predicate.also.map((k) => finding(k, null, null, null, mentions.cuda))];
  // What ends is the version before an arrow: "Deprecated: PyTorch 2.1 → 2.4" (one mention, from
  // 2.1 to 2.4) and "Deprecated: TensorFlow 2.13 → TensorFlow 2.16" (the line after it replaces it).
  const ends = kind === 'deprecation' || kind === 'end-of-support-reached';
  const replacement = (m: FrameworkMention): boolean => /(?:→|->)\s*$/.test(text.slice(Math.max(0, m.start - 4), m.start));
  const subjects = !ends ? chosenSubjects : chosenSubjects.filter((m) => !replacement(m) || chosenSubjects.every(replacement)).map((m) => (m.fromVersion && m.upgradeTarget ? { ...m, versions: [m.fromVersion], fromVersion: null, upgradeTarget: false } : m));
  const single = subjects.length === 1 ? subjects[0] : undefined;
  // A second kind the statement states ("updated to vLLM 0.11.3, which fixes a hang") is about the same subjects.
  const withAlso = (list: Finding[]): Finding[] => (!predicate.alsoOfSubjects || predicate.also.length === 0 ? list : [...list, ...predicate.also.flatMap((k) => list.map((f) => ({ ...f, kind: k })))]);
  if (single && single.versions.length <= 1) {
    // One framework, at most one version: what the general case below comes to, without its maps.
    const v = single.versions[0];
    if (v === undefined || (single.framework === 'other' && kind === 'dependency-update')) return withAlso([finding(kind, single.framework, null, null, mentions.cuda)]);
    return withAlso([finding(kind, single.framework, v, single.scope, single.framework === 'base' ? v : mentions.cuda)]);
  }
  const byFramework = new Map<Framework, FrameworkMention[]>();
  for (const m of subjects) {
    const list = byFramework.get(m.framework);
    if (list) list.push(m);
    else byFramework.set(m.framework, [m]);
  }
  const findings: Finding[] = [];
  for (const [framework, list] of byFramework) {
    // An upgrade names its target: "Upgraded R from 4.4.1 to 4.4.2", "Bumped PyTorch to 2.12.1".
    const targets = kind === 'patch-update' ? list.filter((m) => m.upgradeTarget && m.versions.length > 0) : [];
    // The version of an "other" package upgraded in the images is not a line teams subscribe to.
    const chosen = targets.length > 0 ? targets : framework === 'other' && kind === 'dependency-update' ? [] : list.filter((m) => m.versions.length > 0);
    if (chosen.length === 0) {
      findings.push(finding(kind, framework, null, null, mentions.cuda));
      continue;
    }
    const seen = new Map<string, { v: string; scope: 'exact' | 'and-earlier' }>();
    for (const m of chosen) for (const v of m.versions) if (!seen.has(v)) seen.set(v, { v, scope: m.scope });
    for (const { v, scope } of mostSpecific([...seen.values()])) findings.push(finding(kind, framework, v, scope, framework === 'base' ? v : mentions.cuda));
  }
  return withAlso(findings);
}
