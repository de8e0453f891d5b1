// Mention extraction: what a statement names. Frameworks (by the lexicon's names, with the
// qualifiers that may stand between a name and its version, and by image names read by their
// grammar), the versions bound to each, the role each mention plays (the subject, an example, a
// past state, an exclusion, a library that only carries the name), CVE ids, and the CUDA, Python
// and OS versions stated. Pure: text in, mentions out.
import type { Framework } from '../../domain/events.js';
import { cudaFromCompact, FAMILY_IN_TEXT, parseImageFamily, type ImageFamily } from '../image-family.js';
import { allMatches } from './scan.js';
import { hintsOf, registerHints, type Hints } from './words.js';
import { BASE_QUALIFIER, EXCEPTION_BEFORE, FRAMEWORK_NAMES, LIBRARY_SUFFIX, QUALIFIER } from './lexicon.js';

export type MentionRole = 'subject' | 'example' | 'past' | 'alternative' | 'condition' | 'excluded' | 'library';

export interface FrameworkMention {
  framework: Framework;
  /** As written: "Pytorch", "TensorFlow Enterprise", "tf-2-15-cu121". */
  name: string;
  start: number;
  end: number;
  /** Versions bound to this mention, as written ("2.4", "2.4.0", "2.x"); after "from A to B", only B. */
  versions: string[];
  /** "from 4.4.1 to 4.4.2", "2.3 to 2.3.2": the version it came from. */
  fromVersion: string | null;
  /** True when a version came after "to"/"upgraded to" (the target of an upgrade). */
  upgradeTarget: boolean;
  scope: 'exact' | 'and-earlier';
  role: MentionRole;
  via: 'name' | 'image';
}

export interface Mentions {
  frameworks: FrameworkMention[];
  cves: string[];
  /** Image and container names read by their grammar (families, container paths). */
  images: ImageFamily[];
  cuda: string | null;
  python: string | null;
  os: string | null;
}

export const VERSION = String.raw`v?\d+(?:\.\d+){1,3}(?:[.-]?(?:rc|beta|alpha|post|dev)\.?\d*)?`;
const LIST_SEPARATOR = String.raw`\s*(?:,\s*and|,\s*or|,|and|or|/|through|to|→|->)\s*`;
export const VERSION_LIST = String.raw`(?:${VERSION}|\d+\.x)(?:${LIST_SEPARATOR}(?:${VERSION}|\d+\.x))*`;

// Each name has its own pattern; a statement runs only the patterns of the names its words hint at
// (most statements name no framework at all, and few name more than two). Used through allMatches.
const NAMES = FRAMEWORK_NAMES.map((n) => ({ framework: n.framework, re: new RegExp(`(?<![\\w/.-])(?:${n.pattern})(?![\\w-])`, n.caseSensitive ? 'g' : 'gi'), hint: registerHints(n.hints) }));
/** Whether a text's words may name a framework (other than Python): its names' hints, without running their patterns. */
export function mayNameAFramework(hints: Hints): boolean {
  for (const n of NAMES) if (n.framework !== 'python' && hints[n.hint] === 1) return true;
  return false;
}
const CUDA_HINT = registerHints(['cuda', 'image added']);
// The CUDA, Python and OS a statement states: each pattern below needs its word at a word start.
const PYTHON_HINT = registerHints(['python']);
const OS_HINT = registerHints(['debian', 'ubuntu']);
// Examples, past states and alternatives (asideSpans): each kind of aside by the words it cannot be without.
const EXAMPLE_HINT = registerHints(['example', 'e g', 'such as']);
const PAST_HINT = registerHints(['previously']);
const INSTEAD_HINT = registerHints(['instead']);
const CONDITION_HINT = registerHints(['when', 'once', 'as soon as']);
const ALTERNATIVE_HINT = registerHints(['workaround', 'work around', 'instead', 'migrate', 'recommend', 'use', ...['upgrade', 'move', 'switch', 'transition'].flatMap((verb) => ['to', 'your', 'the', 'any', 'all', 'existing'].map((next) => `${verb} ${next}`))]);
// Image names start with one of these words.
const IMAGE_NAME_HINT = registerHints(['base', 'pytorch', 'tf', 'tf2', 'tensorflow', 'jax', 'r', 'common', 'xgboost', 'sklearn', 'scikit', 'chainer', 'mxnet', 'rapids', 'theia', 'beam', 'huggingface']);

// After a name: qualifiers, then an optional version list with its scope.
// At most six qualifiers: "PyTorch" is itself one ("Hugging Face PyTorch Inference 2.2"), so an
// unbounded chain from each mention of a name repeated thousands of times read quadratically.
const AFTER_NAME = new RegExp(String.raw`^(?:\s*(?:${QUALIFIER})(?!\w)){0,6}\s*:?\s*\(?(${VERSION_LIST})?`, 'i');
const AFTER_BASE = new RegExp(String.raw`^(?:\s*${BASE_QUALIFIER})*\s*(?:(\d+(?:\.\d+)?)\b|cu(\d{2,3})\b)?`, 'i');
// "the TensorFlow Enterprise 2.8 family from 2.8.4 to 2.8.5", "PyTorch 2.10 images: 2.10.0 to 2.10.1": a line,
// then the patch releases it moved between.
const LINE_MOVE_VERB = String.raw`(?:upgraded|updated|bumped|moved|moves|patched|refreshed|rebuilt)`;
const LINE_FROM_TO = new RegExp(String.raw`^\s+(?:(?:(?:gpu|cpu|tpu)\s+)?(?:(?:image\s+)?famil(?:y|ies)|images?|containers?|dlcs?|line)(?=[\s:])\s*)?(?:(?:(?:was|were|has been|have been|is|are)\s+)?(?:${LINE_MOVE_VERB}\s+)?from\s+|:\s*)(${VERSION})\s*(?:to|→|->)\s*(${VERSION})`, 'i');
const LINE_UPGRADE_VERB = new RegExp(String.raw`\b${LINE_MOVE_VERB}\b`, 'i');
const UPGRADE_VERB_BEFORE = /\b(?:upgrad|updat|bump|mov|patch|refresh|rebuil)\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$/i;
const AND_EARLIER = /^\s*(?:and|or)\s+(?:earlier|older|below|lower|prior)/i;
// "vLLM is now 0.9.2 in …", "The PyTorch version in the PyTorch 2.6 images is now 2.6.1": the version a framework is at now.
const IS_NOW_AT = new RegExp(String.raw`^(?:\s+version)?(?:\s+(?:in|of|for)\s+(?:the\s+)?(?:[^.]|\.\d){0,60}?)?\s+(?:is|are) now (?:at )?(?:version )?(${VERSION})(?=\s*(?:[,;)]|\.(?!\d))|\s*$|\s+(?:in|for|on|across|throughout)\b)`, 'i');
// "The minimum driver version for JAX is now 535.104": the framework only qualifies what is at that version.
const QUALIFIED_BEFORE = /\b(?:for|of|with|by)\s+$/i;
const UPGRADED_TO_BEFORE = /\b(?:to|:)\s*(?:the latest patch version:?\s*)?(?:version\s+)?$/i;

/** "2.12, 2.13, and 2.14" → three; "2.12 through 2.14" → 2.12, 2.13, 2.14; "from 2.8.3 to 2.8.4" → 2.8.4. */
export function expandVersions(list: string): { versions: string[]; from: string | null; target: boolean } {
  const versions: string[] = [];
  let from: string | null = null;
  let target = false;
  // "2.19.0 → 2.19.1": an arrow says "to".
  const parts = list.replace(/\s*(?:→|->)\s*/g, ' to ').split(/\s*(,\s*and|,\s*or|,|\band\b|\bor\b|\/|\bthrough\b|\bto\b)\s*/);
  for (let i = 0; i < parts.length; i += 2) {
    const v = (parts[i] ?? '').replace(/^v(?=\d)/, '');
    const sep = parts[i - 1];
    const prev = versions[versions.length - 1];
    if (sep === 'through' && prev) {
      const [pa, pb] = prev.split('.').map(Number);
      const [ca, cb] = v.split('.').map(Number);
      if (pa !== undefined && pb !== undefined && pa === ca && cb !== undefined && cb > pb && cb - pb <= 20) {
        for (let m = pb + 1; m < cb; m++) versions.push(`${pa}.${m}`);
      }
    }
    if (sep === 'to' && prev) {
      // "from 2.8.3 to 2.8.4", "2.6.2 to 2.6.3": the statement is about the new version.
      from = versions.pop() ?? null;
      target = true;
    }
    if (v) versions.push(v);
  }
  return { versions, from, target };
}

type AsideRole = 'example' | 'past' | 'alternative' | 'condition';
/** Up to the end of the clause: a comma, a sentence end, or a word that starts another clause ("until", "because"). */
const TO_CLAUSE_END = String.raw`(?:[^.;,]|\.\d)*?(?=[,;]|\.(?!\d)|\b(?:until|because|since|while|which|when|if|for|as|before|after|so)\b|$)`;

// "When TensorFlow 2.20 images become available, …", "Once PyTorch 2.9 is released, …": a leading
// clause saying when, not what changes. (Not "When using X images, …": there X is what a problem is about.)
const CONDITION = /^(?:when|once|as soon as)\b(?:[^,;.]|\.\d){1,120}?\b(?:becomes?|is|are) (?:generally )?(?:available|released|published|launched)\b(?:[^,;.]|\.\d)*,(?!\s*(?:they|it|these|those|this|its|their)\b)/gi;
const INSTEAD_OF = new RegExp(String.raw`(?<=\S\s+)\binstead of\b${TO_CLAUSE_END}`, 'gi');
// "You can migrate from X to Y": Y is offered. Its own pattern, run only on statements saying "migrat…".
const MIGRATE_FROM_TO = new RegExp(String.raw`\bmigrat\w* from\b(?:[^.;]|\.\d){1,120}?\b(to\b${TO_CLAUSE_END})`, 'gi');
const MIGRATE_HINT = registerHints(['migrat']);
const ALTERNATIVE = new RegExp(String.raw`(?:→|->)\s*(?:use|try|switch to|migrate to|move to)\b${TO_CLAUSE_END}|\b(?:as an? |one )?workaround,?\s*${TO_CLAUSE_END}|\bto work around\b,?\s*${TO_CLAUSE_END}|\binstead,?\s+(?:use|try|switch to|migrate to|move to)\b${TO_CLAUSE_END}|(?:^|[.;:,]\s+|\bplease\s+)(?:use|try|switch to|migrate to|move to)\b(?:[^.;]|\.\d){0,80}?\binstead\b|(?:^|(?<=[.;]\s+))(?:please\s+)?(?:migrate|upgrade|move|switch|transition)(?: (?:your|the|any|all|existing) [\w-]+(?: [\w-]+)?)? to\b${TO_CLAUSE_END}|\bwe (?:strongly )?recommend (?:that you )?(?:migrat|upgrad|mov|switch|transition)\w*\b${TO_CLAUSE_END}|[,;]\s+(?:please\s+)?use\b(?!\s+of\b)${TO_CLAUSE_END}`, 'gi');

/**
 * Character ranges of examples ("(for example: …)", "for example, … ."), past states ("it was
 * previously …") and alternatives offered ("As a workaround, use the TensorFlow 2.16 images", "use
 * … instead"): what they name is not what the statement is about.
 */
export function asideSpans(text: string, hints: Hints = hintsOf(text)): { start: number; end: number; role: AsideRole }[] {
  const spans: { start: number; end: number; role: AsideRole }[] = [];
  const add = (re: RegExp, role: AsideRole): void => {
    for (const m of allMatches(re, text)) spans.push({ start: m.index, end: m.index + m[0].length, role });
  };
  if (hints[EXAMPLE_HINT]) {
    add(/\(\s*(?:for example|e\.g\.)[^)]*\)/gi, 'example');
    // (To the sentence's end: a dot inside a word, as in a registry path, does not end it.)
    add(/\bfor example\b(?:[^.]|\.(?=\S))*\.?/gi, 'example');
    add(/\be\.g\.,?[^.;)]*/gi, 'example');
    // "Image family names that don't specify a CUDA version, such as common-gpu, will …": an
    // example set off by commas, or one naming no version. "Frameworks such as PyTorch 2.4 and
    // TensorFlow 2.16 have reached end of support" names its subjects that way.
    for (const m of allMatches(/(,\s*)?\bsuch as\b((?:[^.;,]|\.\d)*)(,)?/gi, text)) {
      if ((m[1] && m[3]) || !/\d\.\d/.test(m[2] ?? '')) spans.push({ start: m.index, end: m.index + m[0].length, role: 'example' });
    }
  }
  if (hints[PAST_HINT]) add(/\b(?:it|they) (?:was|were|had been) previously\b[^.;]*/gi, 'past');
  if (hints[INSTEAD_HINT]) add(INSTEAD_OF, 'past');
  if (hints[ALTERNATIVE_HINT]) add(ALTERNATIVE, 'alternative');
  if (hints[MIGRATE_HINT]) for (const m of allMatches(MIGRATE_FROM_TO, text)) spans.push({ start: m.index + m[0].length - (m[1]?.length ?? 0), end: m.index + m[0].length, role: 'alternative' });
  if (hints[CONDITION_HINT]) add(CONDITION, 'condition');
  return spans;
}

function roleAt(text: string, start: number, end: number, spans: ReturnType<typeof asideSpans>): MentionRole {
  const aside = spans.find((s) => start >= s.start && start < s.end);
  if (aside) return aside.role;
  if (EXCEPTION_BEFORE.test(text.slice(Math.max(0, start - 24), start))) return 'excluded';
  // "… due to NVFuser deprecation since PyTorch 2.2": when something began, not what the statement is about.
  if (/\bsince\s+$/i.test(text.slice(Math.max(0, start - 8), start))) return 'past';
  if (LIBRARY_SUFFIX.test(text.slice(end, end + 40))) return 'library';
  return 'subject';
}

// "CUDA 12.4 VM images", "CUDA 11.3 Debian-10 image", "New image added: CUDA 10.1", "common CUDA 9.2 image":
// CUDA-only images are Base images, their version the CUDA version. ("Images for CUDA 12.8 and Ray
// 2.47", "containers for CUDA 12.8 with PyTorch Training 2.7": the CUDA of another framework's
// images, any framework of the lexicon, with up to two words before its version.)
const OTHER_FRAMEWORK_NAME = FRAMEWORK_NAMES.filter((n) => n.framework !== 'base' && n.framework !== 'python').map((n) => n.pattern).join('|');
const CUDA_IMAGE = new RegExp(
  String.raw`\b(?:common|base)\s+(?:\w+\s+)?images?\s+with\s+cuda\s+(\d+(?:\.\d+)?)|\bcuda\s+(\d+(?:\.\d+)?(?:\.x)?)\s+(?:(?:vm|debian-\d+|gpu|base|container)\s+)*(?:images?|environments?|containers?|image lines?)\b|\bimage added:\s*cuda\s+(\d+(?:\.\d+)?)|\b(?:images?|containers?|dlcs?|image lines?) for cuda\s+(\d+(?:\.\d+)?)(?![\d]|\.\d)(?!\s*(?:and|or|,|with)\s+(?:${OTHER_FRAMEWORK_NAME})(?:\s+[\w()]+){0,2}?\s+v?\d)`,
  'gi',
);

function nameMentions(text: string, hints: Hints, spans: ReturnType<typeof asideSpans>): FrameworkMention[] {
  const out: FrameworkMention[] = [];
  for (const name of NAMES) {
    if (!hints[name.hint]) continue;
    for (const m of allMatches(name.re, text)) {
      const framework = name.framework;
      const start = m.index;
      // "Swift for TensorFlow" is Swift's; "Swift for" is matched as its own name first.
      if (framework === 'tensorflow' && /swift for\s*$/i.test(text.slice(Math.max(0, start - 12), start))) continue;
      const after = (framework === 'base' ? AFTER_BASE : AFTER_NAME).exec(text.slice(start + m[0].length));
      const list = after?.[1] ?? (after?.[2] ? cudaFromCompact(after[2]) : undefined);
      const isNow = list || QUALIFIED_BEFORE.test(text.slice(Math.max(0, start - 6), start)) ? null : IS_NOW_AT.exec(text.slice(start + m[0].length));
      let parsed = list ? expandVersions(list) : isNow?.[1] ? { versions: [isNow[1]], from: null, target: true } : { versions: [], from: null, target: false };
      let end = start + m[0].length + (isNow?.[0].length ?? after?.[0].length ?? 0);
      const line = parsed.versions.length === 1 ? parsed.versions[0] : undefined;
      const moved = line && !parsed.target ? LINE_FROM_TO.exec(text.slice(end)) : null;
      // Only an upgrade moves a line ("Upgraded the … 2.8 family from 2.8.4 to 2.8.5"); without one,
      // "PyTorch 2.4 images from 2.4.0 to 2.4.1 might fail" names the releases a problem affects.
      // ("PyTorch 2.10 images: 2.10.0 to 2.10.1", a list item under "Framework updates:", says the move by itself.)
      const upgraded = moved && (LINE_UPGRADE_VERB.test(moved[0]) || /^[^:]*:\s*v?\d/.test(moved[0]) || UPGRADE_VERB_BEFORE.test(text.slice(Math.max(0, start - 40), start)));
      if (upgraded && moved[2] && moved[2].replace(/^v/, '').startsWith(`${line}.`)) {
        parsed = { versions: [moved[2]], from: moved[1] ?? null, target: true };
        end += moved[0].length;
      }
      // "Bumped PyTorch to 2.12.1", "upgraded to TensorFlow 2.15.1": the version an upgrade goes to.
      const viaTo = (after ? /\b[Tt]o\b(?:\s+[Vv]ersion|\s+[A-Z][A-Za-z]{1,5}\b)?\s*:?\s*$/.test(after[0].slice(0, after[0].length - (list?.length ?? 0))) : false) || (parsed.versions.length > 0 && UPGRADED_TO_BEFORE.test(text.slice(Math.max(0, start - 40), start)));
      out.push({
        framework,
        name: m[0],
        start,
        end,
        versions: parsed.versions.map((v) => v.replace(/^v(?=\d)/, '')),
        fromVersion: parsed.from,
        upgradeTarget: parsed.target || viaTo,
        scope: AND_EARLIER.test(text.slice(end)) ? 'and-earlier' : 'exact',
        role: roleAt(text, start, start + m[0].length, spans),
        via: 'name',
      });
    }
  }
  if (hints[CUDA_HINT]) {
    for (const m of allMatches(CUDA_IMAGE, text)) {
      // "PyTorch 1.6 CUDA 11 images" are PyTorch images, not Base images.
      if (out.some((x) => x.framework !== 'base' && x.framework !== 'python' && x.start < m.index)) continue;
      const v = m[1] ?? m[2] ?? m[3] ?? m[4];
      // "the CUDA 13.2 Base image line": one Base mention, with the version the CUDA words give it.
      const near = out.findIndex((x) => x.framework === 'base' && Math.abs(x.start - m.index) < 12);
      if (near >= 0 && (out[near]?.versions.length ?? 0) > 0) continue;
      if (near >= 0) out.splice(near, 1);
      if (v) out.push({ framework: 'base', name: m[0], start: m.index, end: m.index + m[0].length, versions: [v], fromVersion: null, upgradeTarget: false, scope: 'exact', role: roleAt(text, m.index, m.index + 4, spans), via: 'name' });
    }
  }
  // A name inside another mention's span qualifies it ("Hugging Face PyTorch Inference 2.2").
  if (out.length < 2) return out;
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: FrameworkMention[] = [];
  for (let i = 0; i < out.length; i++) {
    const m = out[i] as FrameworkMention;
    let inside = false;
    for (let k = 0; k < i && !inside; k++) {
      const p = out[k] as FrameworkMention;
      inside = m.start >= p.start && m.start < p.end;
    }
    if (!inside) kept.push(m);
  }
  return kept;
}

function imageMentions(text: string, codes: string[], hints: Hints, spans: ReturnType<typeof asideSpans>): { images: ImageFamily[]; mentions: FrameworkMention[] } {
  if (codes.length === 0 && !hints[IMAGE_NAME_HINT]) return { images: [], mentions: [] };
  const inText = hints[IMAGE_NAME_HINT] && text.includes('-') ? allMatches(FAMILY_IN_TEXT, text).map((m) => ({ name: m[0], start: m.index })) : [];
  const names = new Map<string, number>();
  for (const c of codes) names.set(c, text.indexOf(c));
  for (const t of inText) if (!names.has(t.name)) names.set(t.name, t.start);
  const images: ImageFamily[] = [];
  const mentions: FrameworkMention[] = [];
  for (const [name, at] of names) {
    const family = parseImageFamily(name);
    if (!family) continue;
    images.push(family);
    if (!family.framework) continue;
    const start = at >= 0 ? at : text.length;
    const role: MentionRole = at >= 0 ? roleAt(text, start, start, spans) : /\bfor example\b|\be\.g\./i.test(text) ? 'example' : 'subject';
    mentions.push({ framework: family.framework, name, start, end: start + name.length, versions: family.version ? [family.version] : [], fromVersion: null, upgradeTarget: false, scope: 'exact', role: role === 'library' ? 'subject' : role, via: 'image' });
  }
  return { images, mentions };
}

const pick = (re: RegExp, text: string): string | null => re.exec(text)?.[1] ?? null;

// "TensorFlow 2.18 images are now available, and 2.14 images are deprecated": a bare version of
// images, where a clause starts, names the line of the framework named before it.
const ELLIPTICAL = /(?:^|[,;:]\s*|\b(?:and|or|but|while|whereas)\s+(?:the\s+)?)(\d+\.\d+(?:\.\d+)?)(?=\s+(?:(?:gpu|cpu|tpu)\s+)?(?:images?|containers?)\b)/gi;
// Versions of what images are built on, which a bare version after them belongs to instead.
const BUILT_ON_NAME = /\b(?:cuda|ubuntu|debian|python|rocky|amazon linux|al2023|driver)\b/i;
const IMAGE_NOUN_HINT = registerHints(['image', 'container']);
// "CUDA 12.4.1", "to CUDA 12.4.1": a CUDA patch release (group 1: the "to", if any).
const CUDA_PATCH = /(?:\b(to)\s+)?\bcuda\s+(\d+\.\d+\.\d+)\b/gi;

/** The line an earlier clause named, for a clause that names only a version. */
export interface CarriedLine {
  framework: Framework;
  versions: string[];
}

function ellipticalMentions(text: string, named: FrameworkMention[], carry: CarriedLine | null, spans: ReturnType<typeof asideSpans>): FrameworkMention[] {
  const out: FrameworkMention[] = [];
  for (const m of allMatches(ELLIPTICAL, text)) {
    const v = m[1] ?? '';
    const start = m.index + m[0].length - v.length;
    if (named.some((n) => start >= n.start && start < n.end)) continue;
    let line: { framework: Framework; versions: string[]; end: number } | null = carry ? { ...carry, end: 0 } : null;
    for (const n of named) if (n.start < start && n.framework !== 'python') line = n;
    if (!line) continue;
    // "… with CUDA 12.1 …, and 12.4 images": the version is CUDA's, not the framework's.
    if (BUILT_ON_NAME.test(text.slice(Math.max(line.end, start - 80), start))) continue;
    // A line of the same framework has the same major version ("TensorFlow 2.18 … 2.14 images", not "20.04 images").
    const major = line.versions[0]?.split('.')[0];
    if (major !== undefined && v.split('.')[0] !== major) continue;
    const framework = line.framework;
    out.push({ framework, name: v, start, end: start + v.length, versions: [v], fromVersion: null, upgradeTarget: false, scope: 'exact', role: roleAt(text, start, start + v.length, spans), via: 'name' });
  }
  return out;
}

// "with" that says what a line is built with: not "along with", "together with", "starting with",
// which join lines. Shared with compose.ts, which drops what the subject bundles.
export const BUILT_WITH = String.raw`(?<!\b(?:along|together|starting|beginning|alongside) )with`;
const WITH_SINCE = new RegExp(String.raw`\b(?:${BUILT_WITH}|built (?:on|with)|including)\b(?:[^.;]|\.\d)*$`, 'i');
// A mention that is a line of its own: named with its image noun ("… and TensorFlow 2.16 images
// with CUDA 12.3", but not "with PyTorch 2.4 containers as their base"), with its own components
// in a list of lines ("PyTorch 2.7 with CUDA 12.8 and vLLM 0.9 with CUDA 12.8", but not "built
// with PyTorch 2.4 with CUDA 12.4"), or introduced as new images ("including new containers for
// vLLM 0.11"; but "new PyTorch 2.8 support" is support for it).
const OWN_LINE_NOUN_AFTER = /^\s*(?:v?\d[\w.]*\s+)?(?:(?:gpu|cpu|tpu|training|inference|serving)\s+)*(?:images?|containers?|dlcs?|image famil(?:y|ies))\b(?!\s+as\s+(?:their|its|the)\s+base\b)/i;
const OWN_WITH_AFTER = /^\s*(?:v?\d[\w.]*\s+)?with\b/i;
const SUPPORT_AFTER = /^\s*(?:v?\d[\w.]*\s+)?support\b/i;
const COMPOSED_BEFORE = /\b(?:built (?:with|on)|based on|on top of|includes?|including|which include|with)\s+(?:the\s+)?(?:new\s+)?$/i;
const PACKAGED_AFTER = /^(?:[^.;,]|\.\d){0,40}?\b(?:pre-?installed|installed|included|bundled)\b/i;
const OWN_LINE_BEFORE = /\b(?:(?:images?|containers?|dlcs?) for|new)\s+$/i;
/** Whether a mention after "with …" is a line of its own rather than a component of the line before. */
export function namesItsOwnLine(text: string, m: FrameworkMention): boolean {
  const after = text.slice(m.end, m.end + 60);
  const before = text.slice(Math.max(0, m.start - 30), m.start);
  if (SUPPORT_AFTER.test(after)) return false;
  if (OWN_LINE_NOUN_AFTER.test(after)) return true;
  if (OWN_WITH_AFTER.test(after)) return !COMPOSED_BEFORE.test(before);
  return OWN_LINE_BEFORE.test(before);
}

/** Mentions after "with …" that follows another framework's line: components of that line. */
function builtWith(text: string, mentions: FrameworkMention[]): FrameworkMention[] {
  let line: FrameworkMention | null = null;
  return mentions.map((m) => {
    if (m.role !== 'subject' || m.framework === 'python') return m;
    // (A window before the mention, not all text since the line: a sentence naming a line thousands of times stays linear.)
    const afterOtherLine = line !== null && line.framework !== m.framework;
    const component = afterOtherLine && line !== null && line.versions.length > 0 && WITH_SINCE.test(text.slice(Math.max(line.end, m.start - 160), m.start));
    if (component && !namesItsOwnLine(text, m)) return { ...m, role: 'library' };
    // "PyTorch 2.4 images are now available, along with vLLM 0.6.3 and Ray 2.35 preinstalled".
    if (afterOtherLine && PACKAGED_AFTER.test(text.slice(m.end, m.end + 60))) return { ...m, role: 'library' };
    line ??= m;
    return m;
  });
}

/**
 * `hints` is hintsOf(text), when the caller has it already. `carry` is the framework an earlier
 * clause of the same sentence named, for a clause that names only a version ("and 2.14 images").
 */
export function findMentions(text: string, codes: string[] = [], hints: Hints = hintsOf(text), carry: CarriedLine | null = null): Mentions {
  const spans = asideSpans(text, hints);
  let byName = nameMentions(text, hints, spans);
  const { images, mentions: byImage } = imageMentions(text, codes, hints, spans);
  const cves = text.includes('CVE-') ? [...new Set(text.match(/CVE-\d{4}-\d{4,}/g) ?? [])] : [];
  // "from CUDA 12.1 to CUDA 12.2": the CUDA the images have now.
  // (An image named as an example, "for example, common-cu129-…", says nothing of the statement's CUDA.)
  const asideImages = new Set(byImage.filter((m) => m.role !== 'subject').map((m) => m.name));
  const cuda = (hints[CUDA_HINT] ? (pick(/\bto cuda\s+(\d+(?:\.\d+)?)/i, text) ?? pick(/\bcuda\s+(\d+(?:\.\d+)?)/i, text)) : null) ?? images.find((f) => f.cuda && !asideImages.has(f.name))?.cuda ?? null;
  const python = (hints[PYTHON_HINT] ? pick(/\bpython\s+(\d+(?:\.\d+)?)/i, text) : null) ?? images.find((f) => f.python)?.python ?? null;
  const osMatch = hints[OS_HINT] ? /\b(debian|ubuntu)[\s-]+(\d+(?:\.\d+)?)/i.exec(text) : null;
  const os = osMatch ? `${(osMatch[1] ?? '').charAt(0).toUpperCase()}${(osMatch[1] ?? '').slice(1).toLowerCase()} ${osMatch[2] ?? ''}` : (images.find((f) => f.os)?.os ?? null);
  // "Base Containers for CUDA 13.1": a Base line is named by its CUDA version, wherever the statement says it.
  let only: FrameworkMention | undefined;
  let bases = 0;
  for (const m of byName) if (m.framework === 'base' && bases++ === 0) only = m;
  if (bases !== 1) only = undefined;
  // Transformers names a Hugging Face line only beside a Hugging Face name.
  // And only when that name has no version of its own ("TGI 2.3 containers now use Transformers 4.44.2":
  // there Transformers is a package the line bundles).
  const isTransformers = (m: FrameworkMention): boolean => m.framework === 'huggingface' && /^transformers$/i.test(m.name);
  if (byName.some(isTransformers)) {
    const huggingFace = byName.filter((m) => m.framework === 'huggingface' && !isTransformers(m));
    if (huggingFace.length === 0 || huggingFace.some((m) => m.versions.length > 0)) byName = byName.filter((m) => !isTransformers(m));
  }
  if (hints[IMAGE_NOUN_HINT] && (carry || byName.length > 0) && /\d\.\d/.test(text)) {
    const elliptical = ellipticalMentions(text, byName, carry, spans);
    if (elliptical.length > 0) byName = [...byName, ...elliptical].sort((a, b) => a.start - b.start);
  }
  // "The sglang containers pin torch to 2.5.1": beside another framework, torch is a package it bundles.
  const isTorch = (m: FrameworkMention): boolean => m.framework === 'pytorch' && /^torch$/i.test(m.name);
  if (byName.some(isTorch) && byName.some((m) => m.framework !== 'pytorch' && m.framework !== 'python' && m.role === 'subject')) byName = byName.map((m) => (isTorch(m) ? { ...m, role: 'library' } : m));
  // "Hugging Face TGI 3.3.7 DLCs are now available, with CUDA 12.8 and PyTorch 2.7": what a line is built with.
  if (byName.length > 1) byName = builtWith(text, byName);
  // "The Base CUDA 12.4 images now use CUDA 12.4.1": a patch release of a Base line is a CUDA patch release.
  const line = only?.versions.length === 1 ? (only.versions[0] ?? '') : '';
  if (only && /^\d+\.\d+$/.test(line) && hints[CUDA_HINT]) {
    // The patch it goes to: after "to" when the statement says "from … to …", else the last one named.
    const patches = allMatches(CUDA_PATCH, text.slice(only.end)).filter((p) => p[2]?.startsWith(`${line}.`));
    const patch = patches.find((p) => /^to\b/i.test(p[1] ?? '')) ?? patches[patches.length - 1];
    if (patch?.[2]) {
      const at = only.end + patch.index + patch[0].length - patch[2].length;
      byName = [...byName, { ...only, name: patch[2], start: at, end: at + patch[2].length, versions: [patch[2]], upgradeTarget: /^to\b/i.test(patch[1] ?? ''), role: roleAt(text, at, at, spans) }];
    }
  }
  const frameworks = only && only.versions.length === 0 && cuda && /^\d+\.\d+$/.test(cuda) ? byName.map((m) => (m === only ? { ...m, versions: [cuda] } : m)) : byName;
  return { frameworks: byImage.length === 0 ? frameworks : [...frameworks, ...byImage], cves, images, cuda, python, os };
}
