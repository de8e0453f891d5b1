// Note → typed events, by what the sentences say rather than by the section they sit in:
// DLVM security fixes appear under Feature or Fixed, deprecations inside Feature notes, and
// end-of-support notices under Breaking. Each statement (paragraph or list item, with the lead-in
// it belongs to) is read for one kind and for the framework versions it is about.
import type { EventKind, Framework, NoteType } from '../domain/events.js';
import { FAMILY_IN_TEXT, parseImageFamily, type ImageFamily } from './image-family.js';
import type { Note, Statement } from './notes.js';

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
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Patterns run over plain text (the HTML has already been parsed into statements).

const VERSION = String.raw`v?\d+(?:\.\d+){1,2}`;
const VERSION_LIST = String.raw`(${VERSION}(?:\s*(?:,\s*and|,\s*or|,|and|or|/|through|to)\s*${VERSION})*)`;

const EOS = /reached (?:the |their |its )?end of (?:its )?(?:patch and )?support|end of (?:its )?support period|end[- ]of[- ]support (?:date )?(?:has|have) (?:passed|been reached)/i;
const DEPRECATION = /\bdeprecat|no longer (?:be )?(?:available|supported|receive|updated|maintained|published)|no further updates|will not receive|(?<!now )\bunavailable\b|archive mode|will be removed|end[- ]of[- ]life|\bsunset|\blast release (?:in which|that|with|to)\b/i;
const SECURITY = /CVE-\d{4}-\d{4,}|(?:fix|address|patch|mitigat|remediat|resolv)\w*\s+(?:[\w.-]+\s+){0,4}vulnerabilit|vulnerabilit(?:y|ies)\s+(?:fix|patch)|security (?:patch|fix|update|issue|bulletin)|\bexploit/i;
const RENAME = /\brenamed?\b|\bwas changed to\b|\bis now called\b|\bnames? (?:was |were |is |are |has been )?changed\b|appended to the (?:image )?names?|\bnames? (?:have|has) [\w-]+ appended\b|\bchanges? the [\w-]+ (?:image )?(?:family )?names?\b/i;
const AVAILABLE = /\b(?:is|are) (?:now )?available\b|\bnow available\b|\bcan now create\b|\b(?:images?|flavou?r|framework) (?:is |are |has been |have been |was |were )?(?:added|released|launched|introduced)\b|^(?:added|released|launched|introducing|new)\b|\bout of experimental\b|\badded support for\b|^(?:restored|re-enabled)\b/i;
// Availability of an image line even without a version: "Debian-10-based images are released",
// "You can now create a TensorFlow Enterprise Deep Learning VM Image", "Added the Swift for TensorFlow framework".
const NEW_LINE = /\bimages? (?:is |are |has been |have been )?(?:now )?(?:available|released|launched)\b|\bcan now create\b|^added (?:the )?[\w\s]{0,40}\bframework\b/i;
const ADD_INTO_IMAGES = /^added\s+(?!support\b)(?:the\s+)?[\w./-]+(?:\s+[\w./-]+){0,3}\s+(?:to|onto|into|in)\s+(?:the\s+|all\s+)?/i;
const UPGRADE = /\b(?:upgrad(?:e|ed|es|ing)|updat(?:e|ed|es|ing)|bump(?:ed)?|refresh(?:ed|ment)?|re-?released|pinned|locked|migrated|moved|replaced|installs?|installed|pre-?installed|preloaded|now includes?|include[sd]?|now has|removed|re-enabled|uses|switched to|compiled|added to|no longer (?:dependent|depends?) on)\b/i;
// "added support for using Python 3.7", "now support XLA by default": support for a dependency.
const DEPENDENCY_SUPPORT = /\bsupports?\s+(?:for\s+)?(?:using\s+)?(?:the\s+)?(?:cuda|python|ubuntu|debian|xla|conda|jupyter\w*|docker|nvidia|kernel|os)\b/i;
// A package or tool (not an image) becoming available: "The Vertex SDK for Python is available across …".
const PACKAGE_AVAILABLE = /\b(?:sdk|package|library|libraries|tool|plugin|extension)s?\b[^.]*?\b(?:is|are) (?:now )?available\b/i;
// "Debian 10 is now the default OS for Deep Learning VM images".
const NEW_DEFAULT = /\b(?:is|are) now the default (?:os|python|cuda|driver|version)\b/i;
// Statements about behaviour, not contents: "Disabled automatic updates for Ubuntu", "Enabled gVNIC".
const BEHAVIOUR_START = /^(?:disabled|enabled|improved|allows?|allowed)\b/i;
// A purpose clause: "Re-released all CUDA 11 images to fix an issue in which…".
const TO_FIX = /\bto fix (?:an? |the |several |some )?(?:issues?|bugs?|problems?)\b/i;
const NO_LONGER_SUPPORTS = /\b(?:does|do) not support\b|\bno longer supports?\b|\bdropped support\b/i;
// Pre-release steps of one framework version: "TensorFlow 2.0 upgraded to: Beta 1", "Updated TensorFlow 2.0 Beta0".
const PRERELEASE = /\b(?:alpha|beta|rc)\s*\d/i;
// Compound routine statements yield two kinds: "Regular package refreshment and bug fixes",
// "Miscellaneous bug fixes and updates", "Regular security patches and package upgrades".
const ALSO_FIXES = /\bbug fixes\b/i;
const ALSO_UPDATES = /\b(?:package |software |library )?(?:updates|upgrades|refreshment)\b/i;
// Pointers and instructions carry no event: "To view the end of patch and support dates, see …".
const INSTRUCTION = /^(?:to (?:view|create|list|learn|use|see|find|read|continue)\b|for (?:more )?(?:information|details)\b|if you (?:must|need|want|have)\b|see\b|read more\b|learn more\b|please\b)/i;
const PATCH_WORDS = /\bpatch (?:updates?|releases?|versions?(?: upgrades?)?)\b/i;
const FIX_START = /^(?:(?:misc\.?|miscellaneous|minor|various|regular|several)\s+)?(?:bug\s+)?(?:fix|fixe[sd]|fixing|bug fixes)\b/i;
const FIX_ANY = /\bfix(?:e[sd])?\b|\bbugs?\b|\bresolved\b/i;
const KNOWN_ISSUE = /\bknown issue\b|\bfails?\b|\bmistakenly\b|\bdoes not work\b|\bcannot\b/i;
const DEPENDENCY_NOUN = /\b(?:cuda|cudnn|nccl|drivers?|python|debian|ubuntu|kernel|docker|jupyter\w*|conda|nvidia|os|tensorrt|xla)\b/i;
const EXCEPTION = /\b(?:except(?: for)?|other than|excluding)\s+$/i;

interface Mention {
  framework: Framework;
  versions: string[];
  scope: 'exact' | 'and-earlier';
  index: number;
}

const FRAMEWORK_PATTERNS: [Framework, RegExp][] = [
  [
    'tensorflow',
    new RegExp(
      String.raw`(?<![\w/-])(?:tensorflow|tensorfow)(?:\s+enterprise)?(?![\w-])(?!\s+(?:probability|i/o|estimator|serving|datasets|hub|addons|text|model)\b)` +
        String.raw`(?:\s+(?:versions?|images?|patch (?:updates?|releases?|versions?)(?: for)?|(?:and earlier )?versions?))?(?:\s*:)?\s*(?:${VERSION_LIST}|(\d+)\.x)?`,
      'gi',
    ),
  ],
  [
    'pytorch',
    new RegExp(
      String.raw`(?<![\w/-])pytorch(?![\w-])(?:\s*\/\s*xla|\s+xla)?(?:\s+(?:versions?|images?|patch (?:updates?|releases?|versions?)(?: for)?))?(?:\s*:)?\s*(?:${VERSION_LIST}|(\d+)\.x)?`,
      'gi',
    ),
  ],
  ['jax', new RegExp(String.raw`(?<![\w/-])jax(?![\w-])(?:\s+versions?)?\s*(?:${VERSION_LIST})?`, 'gi')],
  // R is a capital letter on its own: "R 4.3", "R images", "R and Theia images", "the R image".
  ['r', new RegExp(String.raw`(?<![\w.\-/])R(?![\w.\-/\[])(?:\s+(?:versions?|images?))?(?:\s+(?:from\s+${VERSION}\s+)?(?:to\s+)?(?:version\s+)?(${VERSION}))?`, 'g')],
  // Base / CUDA images: "Base versions with CUDA 12.4 and earlier", "CUDA 12.4 VM images", "Base GPU with Cuda 11.3".
  // "base" alone is an ordinary word ("base software libraries"); Base images are named with a suffix.
  ['base', new RegExp(String.raw`\bbase(?=\s+(?:versions?|images?|cpu|gpu|with\s+cuda)\b)(?:\s+(?:versions?|images?|cpu|gpu))*(?:\s+with\s+cuda\s+(\d+(?:\.\d+)?))?`, 'gi')],
  ['other', /\b(?:swift for tensorflow|mxnet|chainer|cntk|caffe|xgboost|rapids|theia)\b(?:\s+ide)?(?:\s+\(?v?(\d+(?:\.\d+){1,2})\)?)?/gi],
];

// "CUDA 12.4 VM images", "CUDA 11.3 Debian-10 image", "New image added: CUDA 10.1", "common CUDA 9.2 image".
const CUDA_IMAGE = /\b(?:common|base)\s+(?:\w+\s+)?images?\s+with\s+cuda\s+(\d+(?:\.\d+)?)|\bcuda\s+(\d+(?:\.\d+)?(?:\.x)?)\s+(?:(?:vm|debian-\d+|gpu)\s+)*(?:images?|environments?)\b|\bimage added:\s*cuda\s+(\d+(?:\.\d+)?)/gi;

function expandVersions(list: string): string[] {
  const versions: string[] = [];
  const parts = list.split(/\s*(,\s*and|,\s*or|,|and|or|\/|through|to)\s*/);
  // parts alternates value, separator, value…
  for (let i = 0; i < parts.length; i += 2) {
    const v = (parts[i] ?? '').replace(/^v/, '');
    const sep = parts[i - 1];
    const prev = versions[versions.length - 1];
    if ((sep === 'through') && prev) {
      const [pa, pb] = prev.split('.').map(Number);
      const [ca, cb] = v.split('.').map(Number);
      if (pa !== undefined && pb !== undefined && pa === ca && cb !== undefined && cb > pb && cb - pb <= 20) {
        for (let m = pb + 1; m < cb; m++) versions.push(`${pa}.${m}`);
      }
    }
    if (sep === 'to' && prev) {
      // "from 2.8.3 to 2.8.4" / "2.6.2 to 2.6.3": the statement is about the new version.
      versions.pop();
    }
    if (v) versions.push(v);
  }
  return versions;
}

// Cheap keyword checks before the full patterns: most statements name no framework at all, and
// the full patterns (with their lookarounds and version lists) are most of the classifier's time.
const FRAMEWORK_HINTS: Record<Framework, RegExp> = {
  tensorflow: /tensorf/i,
  pytorch: /pytorch/i,
  jax: /jax/i,
  r: /\bR\b/,
  base: /\bbase\b/i,
  other: /swift|mxnet|chainer|cntk|caffe|xgboost|rapids|theia/i,
};

function findMentions(text: string): Mention[] {
  const mentions: Mention[] = [];
  for (const [framework, pattern] of FRAMEWORK_PATTERNS) {
    if (!FRAMEWORK_HINTS[framework].test(text)) continue;
    pattern.lastIndex = 0;
    for (const m of text.matchAll(pattern)) {
      const index = m.index ?? 0;
      if (EXCEPTION.test(text.slice(Math.max(0, index - 20), index))) continue;
      if (framework === 'tensorflow' && /swift for\s*$/i.test(text.slice(Math.max(0, index - 12), index))) continue;
      const list = m[1];
      const major = m[2];
      const versions = list ? expandVersions(list) : major ? [`${major}.x`] : [];
      const after = text.slice(index + m[0].length);
      const scope = /^\s*(?:and|or) (?:earlier|older|below)/i.test(after) ? 'and-earlier' : 'exact';
      mentions.push({ framework, versions, scope, index });
    }
  }
  CUDA_IMAGE.lastIndex = 0;
  for (const m of /cuda|image added/i.test(text) ? text.matchAll(CUDA_IMAGE) : []) {
    const index = m.index ?? 0;
    // "PyTorch 1.6 CUDA 11 images" are PyTorch images, not base images.
    if (mentions.some((x) => x.framework !== 'base' && x.index < index)) continue;
    const v = m[1] ?? m[2] ?? m[3];
    if (v) mentions.push({ framework: 'base', versions: [v], scope: 'exact', index });
  }
  return mentions.sort((a, b) => a.index - b.index);
}

/** "Upgraded TensorFlow 2.15 images to TensorFlow 2.15.1", "PyTorch upgraded to 1.4.0", "From 2.8.3 to 2.8.4". */
const PATCH_TARGET = new RegExp(String.raw`\b(?:to|:)\s*(?:the latest patch version:?\s*)?(?:(?:tensorflow|pytorch|R)(?:\s+enterprise)?\s+)?(?:version\s+)?${VERSION_LIST}`, 'i');
const FIRST_VERSION_LIST = new RegExp(VERSION_LIST);

function patchTargets(text: string, mentions?: Mention[]): string[] {
  const m = PATCH_TARGET.exec(text);
  if (!m?.[1]) return [];
  const before = text.slice(0, m.index);
  // "from CUDA 12.1 to CUDA 12.2", "drivers to 550.54.15": the new version belongs to a dependency.
  const lastWords = before.split(/\s+/).slice(-3).join(' ');
  if (DEPENDENCY_NOUN.test(lastWords)) return [];
  // The framework must be what is upgraded: "What-If Tool upgraded to 1.4.2 for TensorFlow 1.x" is not.
  const named = /^(?:to|:)\s*(?:the latest patch version:?\s*)?(?:tensorflow|pytorch|R)\b/i.test(m[0]);
  if (!named && !(mentions ?? findMentions(text)).some((x) => x.framework !== 'other' && x.index < m.index)) return [];
  return expandVersions(m[1]).map((v) => v.replace(/^v/, ''));
}

function pick<T>(re: RegExp, text: string, map: (m: RegExpExecArray) => T): T | null {
  const m = re.exec(text);
  return m ? map(m) : null;
}

function kindOf(
  statement: string,
  full: string,
  noteType: NoteType,
  hasSubject: boolean,
  hasVersioned: boolean,
  hasFamily: boolean,
  mentions: Mention[],
): EventKind {
  if (EOS.test(full)) return 'end-of-support-reached';
  if (SECURITY.test(full)) return 'security-update';
  if (DEPRECATION.test(full)) return 'deprecation';
  if (RENAME.test(full)) return 'rename';
  if (noteType === 'issue') return 'known-issue';
  if (NO_LONGER_SUPPORTS.test(full)) return 'deprecation';
  if (PATCH_WORDS.test(full) && hasSubject) return 'patch-update';
  if (UPGRADE.test(full) && hasSubject && patchTargets(full, mentions).length > 0) return 'patch-update';
  if (UPGRADE.test(full) && hasVersioned && PRERELEASE.test(full)) return 'patch-update';
  const addedIntoImages = ADD_INTO_IMAGES.test(statement) || /\bnow includes?\b/i.test(statement);
  if (AVAILABLE.test(full) && (hasVersioned || hasFamily) && !addedIntoImages) return 'new-image';
  if (NEW_LINE.test(full) && !addedIntoImages) return 'new-image';
  if (FIX_START.test(statement) || TO_FIX.test(statement) || noteType === 'fixed') return 'fix';
  if (BEHAVIOUR_START.test(statement)) return 'other';
  // A verb inside a relative clause describes, it does not report: "the packages that are installed … are listed".
  const reported = full.replace(/\b(?:that|which) (?:is|are|was|were) \w+/gi, '');
  if (UPGRADE.test(reported) || DEPENDENCY_SUPPORT.test(full) || PACKAGE_AVAILABLE.test(reported) || NEW_DEFAULT.test(full)) return 'dependency-update';
  if (/^added\b(?!\s+support\b)/i.test(full)) return 'dependency-update';
  if (FIX_ANY.test(statement)) return 'fix';
  if (noteType === 'breaking' && KNOWN_ISSUE.test(statement)) return 'known-issue';
  return 'other';
}

/** Second kinds of routine compound statements that name no framework. */
function alsoKinds(kind: EventKind, statement: string): EventKind[] {
  const extra: EventKind[] = [];
  if (kind !== 'fix' && ALSO_FIXES.test(statement)) extra.push('fix');
  if ((kind === 'fix' || kind === 'security-update') && ALSO_UPDATES.test(statement)) extra.push('dependency-update');
  return extra;
}

/** "Theia IDE images were refreshed. PyTorch has been removed from Theia IDE images.": the images
 * a change lands in are its subject, not the package that moved. */
const INTO_IMAGES = /\b(?:to|from|onto|into|in)\s+(?:the\s+|all\s+)?((?:[\w./+-]+\s+){0,6}?)(?:gpu\s+|cpu\s+)?(?:deep learning vms?\s+)?images?\b/gi;

function scopeToTargetImages(text: string, mentions: Mention[]): Mention[] {
  for (const m of text.matchAll(INTO_IMAGES)) {
    const start = (m.index ?? 0) + m[0].indexOf(m[1] ?? '');
    const end = (m.index ?? 0) + m[0].length;
    const inside = new Set(mentions.filter((x) => x.index >= start && x.index < end).map((x) => x.framework));
    // "Upgraded R from 4.4.1 to 4.4.2 for R VM images": the versioned mention of the same framework stays.
    if (inside.size > 0) return mentions.filter((x) => inside.has(x.framework));
  }
  return mentions;
}

/** "(for example: the image name common-cpu-…)", "For example, tf-2-12-gpu is renamed …": examples
 * illustrate; they do not say which framework a statement is about. */
function withoutExamples(text: string): string {
  if (!/example|e\.g\.|previously/i.test(text)) return text; // the common case: nothing to blank out
  return text
    .replace(/\(\s*(?:for example|e\.g\.)[^)]*\)/gi, (m) => ' '.repeat(m.length))
    .replace(/\bfor example\b[^.]*\.?/gi, (m) => ' '.repeat(m.length))
    // "…; it was previously available only in TensorFlow images": the past state is not the subject.
    .replace(/\b(?:it|they) (?:was|were|had been) previously\b[^.;]*/gi, (m) => ' '.repeat(m.length));
}

/** A paragraph made only of pointers and instructions ("To view …, see …. If you must …"). */
function isInstruction(text: string): boolean {
  if (!INSTRUCTION.test(text)) return false; // the first sentence must be one
  const sentences = text.split(/(?<=\.)\s+(?=[A-Z])/).filter((x) => x.trim());
  return sentences.length > 0 && sentences.every((x) => INSTRUCTION.test(x.trim()));
}

export function classifyStatement(s: Statement, noteType: NoteType): Finding[] {
  const full = s.context ? `${s.context} ${s.text}` : s.text;
  const cves = [...new Set(full.match(/CVE-\d{4}-\d{4,}/g) ?? [])];
  const familyNames = new Set<string>([...s.codes, ...(s.text.match(FAMILY_IN_TEXT) ?? [])]);
  const families = [...familyNames].map(parseImageFamily).filter((f): f is ImageFamily => f !== null);
  // Framework attribution ignores examples; kinds and image families still read the whole text.
  const subjectText = withoutExamples(s.text);
  const subjectFamilies = new Set(subjectText.match(FAMILY_IN_TEXT) ?? []);

  let mentions = scopeToTargetImages(subjectText, findMentions(subjectText));
  if (mentions.length === 0 && s.context) {
    // "TensorFlow patch version upgrades:" / "From 2.8.3 to 2.8.4.": the framework is in the lead-in.
    const fromContext = findMentions(withoutExamples(s.context));
    // Only a list item that is itself a version ("From 2.8.3 to 2.8.4.", "2.6.4") replaces the lead-in's.
    const ownVersions = /^(?:from\s+)?v?\d/i.test(s.text) ? expandVersions(FIRST_VERSION_LIST.exec(s.text)?.[1] ?? '') : [];
    mentions = fromContext.map((m) => ({ ...m, versions: ownVersions.length > 0 ? ownVersions : m.versions }));
  }
  if (mentions.length === 0) {
    for (const f of families) {
      const named = s.codes.includes(f.name) ? !/\bfor example\b|\be\.g\./i.test(s.text) : subjectFamilies.has(f.name);
      if (f.framework && named) mentions.push({ framework: f.framework, versions: f.version ? [f.version] : [], scope: 'exact', index: 0 });
    }
  }
  const hasVersioned = mentions.some((m) => m.versions.length > 0);
  const hasSubject = hasVersioned || mentions.some((m) => m.framework !== 'other');
  // Mentions across lead-in and item: a patch target may follow a framework named in the lead-in.
  const fullMentions = s.context ? findMentions(full) : mentions;
  const kind = kindOf(s.text, full, noteType, hasSubject, hasVersioned, families.length > 0, fullMentions);
  // "Added PyTorch 1.6 images … to add to our TensorFlow Enterprise builds": when some framework is
  // named with a version, bare mentions of others are asides.
  const targets = kind === 'patch-update' ? patchTargets(full, fullMentions) : [];
  if (hasVersioned) mentions = mentions.filter((m) => m.versions.length > 0 || targets.length > 0);

  // "from CUDA 12.1 to CUDA 12.2": the CUDA the images have now.
  const cuda =
    pick(/\bto cuda\s+(\d+(?:\.\d+)?)/i, s.text, (m) => m[1] ?? null) ??
    pick(/\bcuda\s+(\d+(?:\.\d+)?)/i, s.text, (m) => m[1] ?? null) ??
    families.find((f) => f.cuda)?.cuda ??
    null;
  const python = pick(/\bpython\s+(\d+(?:\.\d+)?)/i, full, (m) => m[1] ?? null) ?? families.find((f) => f.python)?.python ?? null;
  const os =
    pick(/\b(debian|ubuntu)[\s-]+(\d+(?:\.\d+)?)/i, full, (m) => `${(m[1] ?? '').charAt(0).toUpperCase()}${(m[1] ?? '').slice(1).toLowerCase()} ${m[2] ?? ''}`) ??
    families.find((f) => f.os)?.os ??
    null;

  const base = { kind, cuda, python, os, cves, imageFamilies: families.map((f) => f.name), text: full };
  if (mentions.length === 0) {
    const general = { ...base, framework: null, version: null, scope: null };
    return [general, ...alsoKinds(kind, s.text).map((k) => ({ ...general, kind: k }))];
  }

  // Versioned mentions of a framework win over bare ones ("TensorFlow Probability … in TensorFlow 2.5 images").
  const byFramework = new Map<Framework, Mention[]>();
  for (const m of mentions) byFramework.set(m.framework, [...(byFramework.get(m.framework) ?? []), m]);
  const findings: Finding[] = [];
  for (const [framework, list] of byFramework) {
    const versioned = list.filter((m) => m.versions.length > 0);
    if (targets.length > 0) {
      for (const v of targets) findings.push({ ...base, framework, version: v, scope: 'exact', cuda: framework === 'base' ? v : cuda });
      continue;
    }
    if (versioned.length === 0) {
      findings.push({ ...base, framework, version: null, scope: null });
      continue;
    }
    const versions = versioned.flatMap((m) => m.versions.map((v) => ({ v, scope: m.scope })));
    for (const { v, scope } of versions) {
      findings.push({ ...base, framework, version: v, scope, cuda: framework === 'base' ? v : cuda });
    }
  }
  return findings;
}

/** All findings of a note. A lead-in that only introduces a list yields nothing by itself. */
export function classifyNote(note: Note): Finding[] {
  const findings: Finding[] = [];
  const leadIns = new Set(note.statements.map((s) => s.context).filter((c): c is string => c !== null));
  for (const s of note.statements) {
    if (leadIns.has(s.text) && s.text.endsWith(':')) continue;
    if (isInstruction(s.text)) continue;
    findings.push(...classifyStatement(s, note.type));
  }
  if (findings.length === 0 && note.label) {
    // A note that is only its label ("M93 release") still tells that a release happened. A note
    // with no words at all (an empty entry, markup we cannot read) tells nothing: no event, and the
    // watchdog reports entries like that.
    findings.push({ kind: 'other', framework: null, version: null, scope: null, cuda: null, python: null, os: null, cves: [], imageFamilies: [], text: note.text });
  }
  return findings;
}
