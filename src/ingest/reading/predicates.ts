// Predicate reading: which kind of change a statement states. By what the sentence says, not by
// the section it sits in (DLVM security fixes sit under Feature, end-of-support notices under
// Breaking), with two readings that keep words of one kind inside a statement of another from
// deciding it:
//   - "fix of X": a statement that starts by fixing something is a fix whatever its object
//     mentions ("Fixed an issue where deprecated image families…", "Fixed the tag of…"), unless
//     what it fixes is a vulnerability (then it is a security update);
//   - negation: "There are no changes to Secure Boot" states no change.
// Pure: the statement's words (and its lead-in) in, a kind and the cue that decided it out.
import type { EventKind, NoteType } from '../../domain/events.js';
import { DEPENDENCY_NOUN, IMAGE_NOUN, PYTHON_IMAGES_BEFORE } from './lexicon.js';
import type { FrameworkMention, Mentions } from './mentions.js';
import { hintsOf, registerHints, type Hints } from './words.js';

export interface PredicateReading {
  /** Null: no kind of change was understood (the statement is "unread"). */
  kind: EventKind | null;
  /** The words that decided it, as matched. */
  cue: string | null;
  /** Which rule decided it, in a few words (shown by `parse --explain`). */
  why: string;
  /** Routine compound statements state two kinds: "Regular package refreshment and bug fixes". */
  also: EventKind[];
  /**
   * The second kind is about the statement's subjects too ("The vLLM container was updated to
   * vLLM 0.11.3, which fixes a hang": a patch update and a fix of vLLM 0.11.3). Otherwise it is
   * said of the images in general.
   */
  alsoOfSubjects?: boolean;
  /** Whether the statement's own words decided, or its lead-in ("The following … have reached end of support:"). */
  from: 'statement' | 'lead-in' | null;
}

// A cue is a pattern and the words one of which it cannot match without. A statement's words are
// looked up once for every cue's hints (words.ts); only the cues they trigger run their own,
// costlier pattern. The reader runs on every statement of every changed document.
interface Cue {
  re: RegExp;
  /** Its hints' number in words.ts. */
  id: number;
}
function cue(re: RegExp, hints: string[]): Cue {
  return { re, id: registerHints(hints) };
}

/** A text and which cues its words can trigger (by cue id); only those run their pattern. */
export interface Words {
  text: string;
  on: Hints;
}

/** `hints` is hintsOf(text), when the caller has it already. */
export function words(text: string, hints: Hints = hintsOf(text)): Words {
  return { text, on: hints };
}

/** Cue `c`'s first match in the text (or in `other`, another form of it), if its words are there. */
function matchOf(c: Cue, w: Words, other: string = w.text): RegExpExecArray | null {
  return w.on[c.id] ? c.re.exec(other) : null;
}
/** The words of cue `c` in the text (or in `other`), or null. */
const first = (c: Cue, w: Words, other: string = w.text): string | null => matchOf(c, w, other)?.[0] ?? null;
const has = (c: Cue, w: Words): boolean => first(c, w) !== null;
/** Where cue `c` first matches in the text, or -1. */
const at = (c: Cue, w: Words): number => matchOf(c, w)?.index ?? -1;

// ------------------------------------------------------------------------------------------------
// Cues. Each is tried on the statement's own words first, then on its lead-in.

const EOS = cue(/\breached (?:the |their |its )?end[- ]of[- ](?:(?:its |their )?(?:patch(?:es)? and |standard )?support|patch)(?: dates?| period)?|\bend[- ]of[- ](?:patch and )?support (?:dates? )?(?:for (?:[^.]|\.\d){1,60}? )?(?:has|have) (?:passed|been reached)|\bend of (?:its |their )?support period|\b(?:is|are) no longer supported\b(?! (?:on|for|with|in (?:the )?(?:region|zone))(?!(?: [\w.-]+){0,5}? (?:images?|containers?|runtimes?|image famil(?:y|ies))\b))|\bsupport (?:for (?:[^.]|\.\d){1,60}? )?(?:has |have )?ended\b|\bout of support\b|\b(?:has|have) passed (?:its|their) end[- ]of[- ](?:patch|support)\b|\b(?:is|are) (?:now )?outside (?:of )?(?:its|their) support (?:period|window)\b|\b(?:is|are) now unsupported\b(?! (?:in|on|with|by)\b)|\bv?\d+(?:\.\d+)+ (?:is|are) now unsupported\b|\bno longer (?:receives?|gets?) (?:support|patches|security (?:patches|updates))\b|\b(?=(?:is|are|was|were|will be) (?:now )?past )(?<!(?<!\b(?:note|aware|remind(?: you)?|reminder|means?|announc\w*|know|notice|confirm\w*) )\b(?:that|which|who|if|when|whether|once)\b(?:[^,;.]|\.\d){0,80})(?:is|are|was|were|will be) (?:now )?past (?:its|their|the) end[- ]of[- ](?:patch|support)\b/i, ['no longer receive', 'no longer get', 'ended', 'out of support', 'unsupported', 'support', 'end of', 'end-of', 'passed', 'outside', 'past']);
const VULNERABILITY_OBJECT = cue(/\bCVE-\d{4}-\d{4,}|\bCVEs\b|\bGHSA(?:-[\w]{4}){3}|\bKCTF-[0-9a-f]{5,}|\bGCP-\d{4}-\d{3}\b|\bvulnerabilit(?:y|ies)\b|\bsecurity (?:issues?|flaws?|bugs?|holes?|problems?|vulnerabilit\w*)\b|\bexploit(?:s|able)?\b/i, ['cve-', 'vulnerab', 'security', 'exploit', 'cves', 'ghsa', 'kctf', 'gcp']);
const SECURITY = cue(/\bCVE-\d{4}-\d{4,}|\b(?:fix(?:es)?|patch(?:es)?) for (?:the following )?CVEs\b|\bGHSA(?:-[\w]{4}){3}|\bKCTF-[0-9a-f]{5,}|\bGCP-\d{4}-\d{3} security bulletin|\bupdates? to security\b|\b(?:fix|address|patch|mitigat|remediat|resolv|correct)\w*\s+(?:[\w.-]+\s+){0,5}vulnerabilit|\bvulnerabilit(?:y|ies)\b[^.]{0,80}\b(?:fix|patch|address|resolv|mitigat|discovered)\w*|\bsecurity (?:patch|fix|update|bulletin|advisor|release|vulnerabilit)\w*|\bscanned for (?:security )?vulnerabilities|\bexploit(?:s|able|ed)?\b/i, ['cve-', 'vulnerab', 'security', 'exploit', 'cves', 'ghsa', 'kctf', 'gcp', 'updates to security', 'update to security']);
const DEPRECATION = cue(/(?<!\b(?:following|after|since|due to|because of) (?:the )?)\bdeprecat(?!ed\b)\w*\b(?! (?:warnings?|messages?|banners?|schedules?|polic(?:y|ies)|process)\b)|(?<!\b(?:the|a|an|its|their|any|all|these|those|this|that) )\bdeprecated\b|\bdeprecated\b(?=(?:\s+[\w.-]+){0,4}?\s+(?:images?|image famil(?:y|ies)|containers?|dlcs?|runtimes?)\b)|\b(?:the )?last (?!of\b)(?:[\w.-]+ ){0,6}?(?:images?|containers?|image versions?|releases?) (?:[\w.-]+ ){0,6}?(?:were|was|will be) (?:published|released|built)\b|\bfinal\b(?:[^.;]|\.\d){0,80}?\b(?:will|to) be (?:published|released|built)\b|\bsupport (?:is|has been|was) (?:now )?(?:disabled|removed|dropped|discontinued)\b|\bno longer (?:be |being )?(?:available|publish(?:ed|es|ing)?|updated|maintained|offer(?:ed|s)?|provided|built|releas(?:ed|es|ing)?|receive\w*)\b|\bno further (?:updates|releases|patches)\b|\bno longer (?:installed|included|preinstalled|pre-installed|shipped|bundled) (?:in|on|with) (?:the )?new (?:[\w-]+ ){0,3}?(?:images?|containers?|runtimes?|vms?)\b|\bwill not (?:receive|get) (?:any )?(?:further |more )?(?:updates|patches|fixes)|\b(?:will (?:no longer|not)|won[’']t) be (?:published|updated|released|built|available|supported|maintained)|\bwill be (?:removed|turned down|shut down|retired|discontinued)\b|\b(?:images?|containers?|image famil(?:y|ies)|image versions?)\b(?:[^.;]|\.\d){0,80}?\b(?:will be (?:deleted|withdrawn)|will no longer be able to (?:start|run|boot|be (?:used|created|started|pulled)))\b|\bcan no longer (?:start|create|launch|use|run) (?:[\w-]+ ){0,3}?(?:from|with|using|on) (?:[^.;]|\.\d){0,60}?\b(?:images?|containers?)\b|\bend[- ]of[- ]life\b|\bsunset\w*|\bshut ?down (?:of (?:[^.]|\.\d){1,60}? )?(?:is (?:now )?complete|was finalized|will)|\b(?:is|are|was|were|has been|have been) (?:shut down|retired|discontinued|blocklisted|turned down)\b|\bblocklisted\b|\b(?:will )?reach(?:es)? (?:the |their |its )?end[- ]of[- ](?:patch(?:es)? and )?support\b|\bnow unsupported (?:in|on|with|by)\b|\b(?:images|image families|containers|container images)(?: (?:for|with|of) (?:[\w.+-]+ ){1,4}?)?\s*(?:have|are|were)(?: been)? (?:removed|deleted|withdrawn)\b(?! from (?!(?:the )?(?:[\w-]+ )?(?:registry|repository|repositories)\b))|\b(?:image|image family|container|container image)\s+(?:has|is|was)(?: been)? (?:removed|deleted|withdrawn)\b(?! from)|\bcan no longer be (?:pulled|used|created|downloaded|deployed|launched|selected)\b|\barchive mode\b|\b(?:images?|containers?|tags?|image versions?|image famil(?:y|ies)|runtimes?|versions?)\b(?:[^.;]|\.\d){0,60}?\b(?:remains?|stays?|will remain|will stay|will be|are|is) (?:still )?(?:available|usable|accessible)(?: (?:under|with|as|from|in) (?:the )?[\w\s.-]{1,30}?)? until (?!at least\b)(?=(?:[^.]|\.\d){0,30}?\b(?:\d{4}|M\d{2,3})\b)|\blast release (?:in which|that|with|to)\b|\b(?:does|do) not support\b|\bno longer supports?\b|\bdropped support\b|\bstopped (?:publishing|supporting|releasing)\b|\b(?:will )?stop (?:publishing|supporting|releasing|shipping|receiving (?:updates|patches|fixes|security (?:patches|updates)))\b|\bstop(?:s|ped)? being (?:updated|published|released|built|maintained|patched|supported)\b|\bsupport (?:for (?:[^.]|\.\d){1,60}? )?(?:is|will be) (?:ending|coming to an end)\b|\bunavailable\b(?! in)|\b(?:moved|moves|moving|transitioned|entered|enters|placed|put) (?:in)?to maintenance(?: mode| only)?\b(?! windows?\b)|\b(?:you|users|customers) can no longer (?:create|launch|deploy|start|select|pull|choose) (?:new |the |any )?(?:(?:[\w.-]+ ){0,2}?(?:images?|containers?|instances?|clusters?|vms?|runtimes?|notebooks?|image versions?)\b|(?:[A-Z][\w.+-]* ){1,2}v?\d+\.\d+)|\b(?:reach(?:es|ed)?|reaching|will reach) (?:the |their |its )?end[- ]of[- ]availability\b|\bend[- ]of[- ]availability (?:date )?(?:is|was|will be|on|of|for)\b|^end[- ]of[- ]availability\b|\b(?:is|are) not (?:maintained|included|shipped|bundled)\b|\bwill not be (?:supported|maintained|included|shipped)\b/i, ['reach', 'reaches', 'will reach', 'now unsupported', 'won t be', 'removed', 'deleted', 'withdrawn', 'deprecat', 'not maintained', 'not included', 'not shipped', 'not bundled', 'not be', 'no longer', 'no further', 'will not', 'will no', 'will be', 'end-of-life', 'end of life', 'sunset', 'shut', 'retired', 'discontinued', 'blocklist', 'can no longer', 'turned down', 'archive mode', 'last release', 'not support', 'dropped support', 'stopped', 'stop publishing', 'stop receiving', 'shutdown', 'stop being', 'stops being', 'stopped being', 'stop supporting', 'stop releasing', 'stop shipping', 'ending', 'coming to an end', 'unavailable', 'maintenance', 'until', 'end of availability', 'support is', 'support has been', 'support was', 'last']);
// "The Service Account User role has been removed from the … page", "Dynamic Workload Scheduler has
// been replaced with …": a feature goes away. (A package removed from or replaced in the images is
// a dependency update: "PyTorch has been removed from Theia IDE images".)
const FEATURE_REMOVED = cue(/\b(?:has|have) been (?:replaced|removed) (?:with|by|from)\b/i, ['been replaced', 'been removed']);
const RENAME = cue(/\brenamed?\b|\bnames? (?:is|are|was|were|has been|have been|will be) replaced (?:by|with)\b|\b(?:are|is) (?:now )?(?:published|named|tagged) as\b(?:[^.]|\.\d){0,80}\binstead of\b|\bnames? now (?:include|contain|have|end with|start with|carry)s? the\b|\bnames? will (?:now )?(?:include|contain|have|end with|start with|carry) the\b|\bwas changed to\b|\b(?:is|are) now (?:called|named)\b|\b(?:is|are) now known as (?!(?:a|an|one)\b|the (?:[a-z]+est|most|best|only|first|leading|preferred|recommended)\b)|\bnames? (?:was |were |is |are |has been |have been )?changed\b|\bnew names?\b|appended to the (?:image )?(?:family )?names?|\bnames? (?:have|has|now have|now has) [\w-]+ appended\b|\bchanges? the [\w-]+ (?:image )?(?:family )?names?\b/i, ['renam', 'replaced', 'changed to', 'now called', 'now named', 'now known', 'name', 'append', 'published as', 'tagged as']);
const KNOWN_ISSUE = cue(/\bknown issues?\b|\bstill (?:have|has|see|sees|show|shows|experience|experiences|hit|hits) (?:the|this|that|an?|same) (?:issue|problem|bug|error|crash|regression|failure)s?\b|\b(?:is|are) still affected\b|\b(?:does|do|will)(?: not|n't) (?:run|work|start|boot|load|install)\b|\bincompatib\w*|(?<!\b(?:to |that |which )?(?:fix|fixes|address|addresses|resolve|resolves|correct|corrects) (?:a |an |the )?(?:[\w-]+ ){0,2})\bregression\b(?!(?:[^.]|\.\d){0,200}?\b(?:is |was |has been )?(?:fixed|resolved|restored|rolled back|reverted)\b)|\bpending (?:the )?next release\b|\bcannot be patched\b|\bnot yet (?:fixed|resolved|supported|available)\b|\b(?:might|may|could|can) (?:fail|break|crash|hang|not work|be unable|cause|experience|encounter|run into|hit|return an error|see|show|report|display|lose|time out|freeze)\b|\bfails? (?:to|with|when|on|if|for)\b|\b(?:does|do)(?: not|n't) work\b|\bcan(?:not|'t) (?:be )?(?:provisioned|used|created|started|connect|install|load|run|start|find)\b|\bis incompatible\b|\bincompatib|\bworkaround\b|\b(?:don't|do not) use\b|\bare (?:affected|impacted) by\b|\bis not (?:yet )?supported (?:on|for|with)\b|\b(?:is|are) only (?:compatible|supported) (?:with|on)\b|\bunexpected(?:ly)?\b|\berrors? (?:occurs?|appears?|is returned)\b/i, ['known issue', 'still', 'might', 'may ', 'could', 'can ', 'fail', 'work', 'cannot', "can't", 'incompatib', 'workaround', "don't use", 'do not use', 'affected', 'impacted', 'not supported', 'not yet supported', 'unexpected', 'error', 'regression', 'pending', 'cannot be patched', 'only compatible', 'only supported', 'not yet', 'does not', 'do not', 'will not', "doesn't", "don't", "won't", 'incompatib']);
const PATCH_WORDS = cue(/\bpatch (?:updates?|releases?|versions?(?: upgrades?)?)\b|\bupdated to the latest patch\b/i, ['patch']);
const PRERELEASE = cue(/\b(?:alpha|beta|rc)\s*\d/i, ['alpha', 'beta', 'rc']);
const UPGRADE_VERB = cue(/\b(?:upgrad(?:e|ed|es|ing)|updat(?:e|ed|es|ing)|bump(?:s|ed)?|refresh(?:es|ed)?|moved|moves|migrated|pinned|patched|rebuilt|roll(?:s|ed|ing)? forward)\b/i, ['upgrad', 'updat', 'bump', 'refresh', 'moved', 'moves', 'migrated', 'pinned', 'patched', 'rebuilt', 'roll forward', 'rolls forward', 'rolled forward', 'rolling forward']);
const AVAILABLE = cue(/\b(?:is|are) (?:now )?(?:generally )?available\b|\bnow (?:generally )?available\b|\bcan now (?:create|use|deploy|select|run)\b|\b(?:is|are|has been|have been|was|were) (?:now )?(?:added|released|launched|introduced|published|offered)\b|^(?:added|released|launched|introducing|introduced|new|publish(?:ed)?)\b|^(?:restored|re-enabled)\b|\binitial release of\b|\b(?:is|are) now in (?:public |private )?preview\b|\b(?:are|is) (?:now )?(?:releasing|launching|introducing|publishing)\b|^added (?:the )?[\w\s]{0,40}\bframework\b|\bout of experimental\b|\bfirst release\b|^(?:the )?first\b(?![- ](?:boot|time|party|startup|start|run|requests?|launch|login|use|access)\b|,)(?=(?:[^.]|\.\d){0,60}\b(?:images|containers|dlcs|image line)\b)|\brelease (?:of [\w\s]{1,40}? )?includes?\b(?= (?:the )?(?:new )?(?:[A-Z][\w/-]*\s+){1,3}v?\d+(?:\.\d+)+(?:\s*(?:,|and|, and)\s+(?:[A-Z][\w/-]*\s+){1,3}v?\d+(?:\.\d+)+)*\s+(?:(?:gpu|cpu|tpu)\s+)?(?:images|containers)\b)|\bnow supports? (?=[\w\s-]{0,40}\b(?:images|containers|dlcs)\b)|\bintroduc(?:es|ed|ing)\b|\bwe(?:'ve|’ve| have)? (?:just |now )?(?:released|launched|published|introduced|rolled out|made available)\b|\b(?:is|are|has been|have been) (?:now )?made available\b|\bthe new (?=(?:[A-Z][\w/-]*\s+){1,3}v?\d+(?:\.\d+)+\s+(?:(?:gpu|cpu|tpu)\s+)?(?:images|containers)\b)/i, ['we ve', 'we have', 'we just', 'we now', 'we released', 'we launched', 'we published', 'we introduced', 'we rolled', 'we made', 'made available', 'now in preview', 'releasing', 'launching', 'introducing', 'publishing', 'available', 'release includ', 'release of', 'now support', 'can now', 'added', 'released', 'launched', 'introduc', 'published', 'offered', 'new', 'restored', 're-enabled', 'initial release', 'out of experimental', 'first release', 'first', 'framework', 'publish']);
// "Added X to the images", "now includes X": contents of images, not new images.
const ADDS_IMAGES = /^added\s+(?:new\s+)?(?:(?!(?:to|onto|into|in|for|on)\s)[\w./+-]+\s+){1,4}?(?:images?|containers?|image famil(?:y|ies))\b/i;
const INTO_IMAGES = cue(/^added\s+(?!support\b|(?:the\s+)?ability\b|(?:the\s+)?option\b)(?:the\s+)?[\w./+-]+(?:\s+[\w./+-]+){0,7}?\s+(?:to|onto|into|in)\s+(?:the\s+|all\s+)?(?:[\w.+-]+\s+){0,5}(?:images?|containers?|dlvms?|environments?|vms?)\b|\bnow includes?\b|\bnow bundles?\b/i, ['added', 'now include', 'now bundle']);
// "Support for Java 25 runtime is in Preview", "supports the Node.js 22 runtime at the General
// Availability release level", "Python 3.13 runtime is available": a new runtime (an image line).
const RUNTIME_LAUNCH = cue(/\b[A-Za-z][\w.+#-]*(?: [A-Za-z][\w.+#-]*)? \d+(?:\.\d+)*(?: \([\w\s]+\))? runtimes?\b[^.]*?\b(?:in preview|generally available|general availability|(?:is|are) (?:now )?(?:available|supported))\b|\bsupports? (?:for )?(?:the )?[A-Za-z][\w.+#-]*(?: [A-Za-z][\w.+#-]*)? \d+(?:\.\d+)*(?: \([\w\s]+\))? runtimes?\b(?![^.]*\b(?:deprecat|end of|no longer|removed)\w*)/i, ['runtime']);
const UPDATED_WITH_FIXES = cue(/\b(?:updated|upgraded|refreshed)\s+with\b[^.]*\bbug fixes\b/i, ['bug fixes']);
const API_THING = /\b(?:fields?|options?|flags?|parameters?|settings?|actions?|metrics?|columns?|apis?|endpoints?|methods?|propert(?:y|ies)|attributes?|commands?|resources?|permissions?|roles?)\.?$/i;
// A list's lead-in that is only a label ("Bug Fixes:", "New Fields:", "Deprecations:") says the kind of its items.
const LABEL_LEAD_IN: [RegExp, EventKind][] = [
  [/^(?:bug ?fix(?:es)?|fix(?:es|ed)|resolved issues|model fixes)\s*:?$/i, 'fix'],
  [/^(?:security(?: fixes| updates| patches)?|vulnerabilit(?:y|ies) fixed)\s*:?$/i, 'security-update'],
  [/^(?:deprecat\w*|removals?|removed)\s*:?$/i, 'deprecation'],
  [/^(?:known issues?|known limitations?|limitations?)\s*:?$/i, 'known-issue'],
  [/^(?:dependenc(?:y|ies)(?: updates?| upgrades?)?|library updates?|package updates?|updated packages|upgraded packages)\s*:?$/i, 'dependency-update'],
  [/^(?:new (?:fields?|features?|actions?|options?|apis?|models?(?: support)?)|features?|enhancements?|improvements?|changes|highlights|what's new)\s*:?$/i, 'other'],
];
// Said outright, a current problem is a known issue in any note, not only under Issue or Breaking.
const FALSE_ALARM = /\b(?:falsely|incorrectly|wrongly|erroneously|mistakenly) (?:flagged|reported|marked|detected|listed)\b(?:[^.]|\.\d){0,80}?\bas (?:vulnerable|affected|insecure|compromised)\b|\bfalse positives?\b/i;
const STRONG_KNOWN_ISSUE = /known issue|\bstill (?:have|has|see|sees|show|shows|experience|experiences|hit|hits) |still affected|workaround|only (?:compatible|supported)|don't use|do not use|(?:does|do|will)(?: not|n't) (?:run|work|start|boot|load|install)|incompatib|regression|pending|cannot be patched|not yet/i;
const UPDATE_HEAD = /^(?:updated|upgraded|bumped|added support for|add support for|updates|upgrades)\b/i;
const UPDATED_DOCS = /^updated (?:the )?(?:[\w-]+ )?(?:documentation|docs|description|descriptions|pricing|behavior|behaviour|ui|console|page|guide|limits?|quotas?|wording|text|labels?|help)\b/i;
const FIX_HEAD = /^(?:(?:misc\.?|miscellaneous|minor|various|several|regular|general|small|additional|other)\s+)?(?:bug\s+)?(?:fix(?:es|ed)?|fixing|bugfix(?:es)?|resolved|resolves|corrected|addressed (?:an?|the|several|some) (?:issue|bug|problem|regression)s?|patched (?:an?|the) (?:bug|regression|issue|problem)|restored (?=(?:the |an? )?(?:missing|broken|lost|correct|previous|original|expected)\b)|restored (?=(?:[^.]|\.\d)*\b(?:by mistake|accidentally|in error|unintentionally)\b))\b/i;
const FIX_ANY = cue(/\bbug ?fix(?:es)?\b|\b(?:was|were|has been|have been) (?:rolled back|reverted)\b|\bworkarounds?\b(?:[^.]|\.\d){0,80}?\b(?:is|are) no longer (?:needed|necessary|required)\b|\bno longer (?:needs?|requires?) (?:the |a |any )?workarounds?\b|\b(?:integrates?|includes?|contains?|adds?|ships?) (?:a |the )?fix(?:es)? for\b|\b(?:is|are|was|were|has been|have been) (?:now )?(?:resolved|fixed)\b|\b(?:cherry-picked|backported|applied|picked up) (?:[\w-]+ ){0,4}fix(?:es)?\b|\bfix(?:es|ed)? (?:(?:an?|the|several|some|two|three|multiple|various|known|minor|critical|many)\s+)?(?:[\w-]+\s+){0,3}(?:bugs?|issues?|problems?|crash(?:es)?|regressions?|errors?|leaks?|hangs?|failures?|illegal[- ]memory[- ]access)\b|\bto fix\b|\bresolv(?:ed|es) (?:an?|the) (?:issue|problem|bug)\b|\bno longer (?:causes?|crash(?:es)?|fails?|hangs?|returns? an error|shows?|attempts?|incorrectly|reports?)\b|\bnow correctly\b|\b(?:missing|broken|lost) [\w\s./-]{1,40}? (?:was|were|has been|have been|is|are) (?:restored|re-added|added back)\b|\bto (?:resolve|address|correct) (?:an? |the |this |that )?(?:issue|problem|regression|bug|error|performance degradation|crash)|\bincludes fixes\b|\bincorrectly\b/i, ['missing', 'broken', 'lost', 'fix', 'bugfix', 'resolv', 'no longer', 'correct', 'incorrect', 'to address', 'rolled', 'reverted', 'is resolved', 'are resolved', 'was resolved', 'were resolved', 'has been resolved', 'have been resolved', 'is fixed', 'are fixed', 'was fixed', 'were fixed', 'cherry', 'backported', 'applied', 'picked up']);
// Support for hardware (GPUs, machine types, regions) is a feature, not a dependency: "Added support for NVIDIA GB300 devices".
const HARDWARE_SUPPORT = /\bsupport (?:for )?(?:[\w-]+ ){0,3}(?:devices?|gpus?|accelerators?|machine types?|machines?|processors?|instances?|regions?|zones?)\b|\b[A-Z]{1,3}\d{2,4}\w* support\b/i;
// Hardware a product can now run on ("runtimes with NVIDIA H100 GPUs"): a feature, not an image line.
const HARDWARE = /\b(?:gpus?|tpus?|accelerators?|machine types?)\b/i;
// "Added support for CUDA 12.4", "now support XLA by default" (but "support for python custom
// operator API" is a framework feature: an API of the language, not the language).
const DEPENDENCY_SUPPORT = cue(/\bsupports?\s+(?:for\s+)?(?:using\s+)?(?:the\s+)?(?:cuda|cudnn|nccl|tensorrt|python|ubuntu|debian|amazon linux|xla|conda|jupyter\w*|docker|nvidia|kernel|os|pip|uv)\b(?!\s+(?:custom|operators?|apis?|bindings?|interfaces?|sdk|client|frontend|wrappers?)\b)|\b(?:python|cuda|ubuntu|debian)\s+[\d.]+(?:,\s*(?:python|cuda|ubuntu|debian)\s+[\d.]+)*,?\s+(?:and\s+\w+\s+[\d.]+\s+)?support\b/i, ['support']);
const CONTENT_CHANGE = cue(/\b(?:upgrad\w*|updat\w*|bump\w*|refresh\w*|re-?releas\w*|rebuil(?:t|d|ds)|pinned|locked|moved|migrated|replac\w*|install(?:ed|s|ing)?|pre-?install(?:ed|s)?|preload(?:ed|s)?|now includes?|include[sd]?(?! (?:links?|information|details|more|the following (?:table|links?)|notes?|references?|a (?:link|table))\b)|now has|removed|re-enabled|now uses?|now runs?|now built (?:on|with)|now (?:comes?|ships?) with|switch(?:ed|es)? (?:[\w.-]+ ){0,4}?(?:from|to)\b|compiled|added to|no longer (?:dependent|depends?) on|ships? with|now ships?|bundles?|now bundles)\b/i, ['now built', 'now run', 'now come', 'now ship', 'upgrad', 'rebuil', 'updat', 'bump', 'refresh', 'releas', 'pinned', 'locked', 'moved', 'migrated', 'replac', 'install', 'preinstall', 'pre install', 'preload', 'include', 'now has', 'removed', 're-enabled', 'now use', 'switched', 'compiled', 'added to', 'depend', 'ship', 'bundle']);
// "The Vertex SDK for Python is available across all …": a package, not an image, becomes available.
const PACKAGE_AVAILABLE = cue(/\b(?:sdk|package|library|libraries|tool|plugin|extension|cli)s?\b[^.]*?\b(?:is|are) (?:now )?available\b/i, ['available']);
const STRONG_CONTENT = cue(/\b(?:(?:is|are) )?now (?:included|installed|pre-?installed|bundled|shipped|preloaded)\b|^(?:uses|ships|includes|updates|upgrades|bundles)\b/i, ['now', 'uses', 'ships', 'include', 'updates', 'upgrades', 'bundles']);
const NEW_DEFAULT = cue(/\bnow\b(?:[^.]|\.\d){0,40}?\b(?:python|cuda|cudnn|ubuntu|debian)\b(?:[^.]|\.\d){0,30}?\bby default\b|\b(?:is|are) now the default (?:os|python|cuda|drivers?|image|operating system)\b|\bdefault (?:(?:pytorch|tensorflow|jax|python|r|cuda|nvidia)\s+)?(?:os|python|cuda|drivers?|operating system|ubuntu|debian|kernels?)(?: versions?)?\b(?:[^.]|\.\d){0,60}?\b(?:is now|are now|changed to|(?:was|were|has been|have been) (?:changed|updated|upgraded|moved) to|(?:is|are) changing to)\b/i, ['by default', 'default', 'now the default']);
const ROUTINE_UPDATES = cue(/\b(?:package|software|library|libraries|dependency|dependencies|security) (?:updates|upgrades|refresh\w*)\b|\bregular package refresh\w*|\bmiscellaneous (?:software )?updates\b|\bupdated dependencies\b/i, ['updates', 'upgrades', 'refresh', 'updated dependencies']);
// What most product notes are: a feature, a launch stage, a behaviour or pricing change. "other", understood.
const FEATURE_PATTERN = /\byou can now\b|\bnow (?:supports?|lets|allows|enables|offers|provides|requires|uses)\b|\b(?:generally available|general availability|\(GA\)|in preview|\(preview\)|public preview|private preview)\b|^preview\b|\bis now (?:in|at)\b|\blets you\b|\ballows you\b|\benables you\b|\bpricing\b|\bwill (?:start|begin) charging\b|\bbilling\b|\bwe (?:strongly )?recommend\b|\brecommended\b|\bstarting (?:on|with|in|from)\b|\bis changing\b|\bchanged? the default\b|\bnew (?:feature|option|flag|setting|parameter|field|api|action|capability|metric)\b|\bsupport for\b|\bsupports?\b|\bavailable in\b|\bimproved?\b|\bimprovements?\b|\boptimiz\w*\b|\bperformance\b|\benhanc\w*\b|\badded\b|\badds\b|\bintroduc\w*|\bchanged\b|\bchanges\b|\bupdated (?:the )?(?:documentation|description|pricing|behavior|behaviour|ui|console|page|guide|limit|quota)\b|\b(?:is|are) now\b|\bcan now\b|\bno longer requires?\b/i;
const FEATURE = cue(FEATURE_PATTERN, ['you can now', 'now', 'generally available', 'general availability', 'ga', 'preview', 'public preview', 'private preview', 'lets you', 'allows you', 'enables you', 'pricing', 'charging', 'billing', 'we recommend', 'we strongly recommend', 'recommended', 'starting', 'changing', 'change', 'default', 'new', 'support', 'available', 'improv', 'optimiz', 'performance', 'enhanc', 'added', 'adds', 'introduc', 'updated', 'can now', 'no longer requires', 'is now', 'are now']);
const WHICH_FIXES = /,\s*which (?:fixes|resolves|addresses) (?:an? |the |several |some )?(?:[\w-]+ ){0,3}(?:bugs?|issues?|problems?|crash(?:es)?|regressions?|errors?|leaks?|hangs?|failures?)\b/i;
// Editorial notes about the notes themselves: "This release note was updated to correct …", "UPDATE: …".
const FIXES_IT = cue(/\bfix(?:es|ed)? for\b|\bfixes\b|\bfixed\b|\bresolv(?:es|ed)\b|\bworkarounds?\b(?:[^.]|\.\d){0,80}?\bno longer (?:needed|necessary|required)\b|\bno longer (?:needs?|requires?) (?:the |a |any )?workarounds?\b/i, ['fix', 'resolv', 'no longer']);
const EDITORIAL = cue(/\brelease notes?\b[^.]{0,160}?\b(?:was|were|has been|have been|is) (?:updated|corrected|edited|revised)\b|^update:/i, ['release note', 'update']);
// What a user can now do is a feature, whatever verb it uses ("You can now resolve errors with …").
const USER_CAN = cue(/^(?:you|users|customers|admins|administrators) can\b|\b(?:you|users) can (?!not\b|no longer\b)(?:now )?(?:\w+)\b|\blets you\b|\ballows you\b|\benables you\b|^added (?:the )?(?:ability|option)\b|^adds? (?:the )?(?:ability|option)\b/i, ['you', 'users', 'customers', 'admins', 'administrators', 'added', 'adds', 'add']);
const BUG_FIXES = cue(/\bbug fixes\b/i, ['bug fixes']);
const BEHAVIOUR_START = /^(?:disabled|enabled|improved|allows?|allowed|increased|decreased|reduced|extended|expanded|simplified)\b/i;
// "There are no changes to Secure Boot", "is not affected": the statement says nothing changed.
const NOTHING_CHANGED = cue(/^(?:there (?:are|is|were|was) no (?:changes?|impact|action required|known (?:issues|problems))|no (?:changes? to|action is required|known (?:issues|problems|bugs)\b)|(?:[^\s,;]+\s+){0,6}(?:is|are) not (?:affected|impacted)\b(?=[^,;]*$)|(?:[^\s,;]+\s+){0,6}(?:is|are|remains?|stays?) unchanged(?: (?:for|in|on) [^,;]*)?\.?$|(?:[^\s,;]+\s+){0,8}(?:was|were|is|are) not (?:updated|changed)\.?$)/i, ['not updated', 'not changed', 'no change', 'no impact', 'no action', 'no known', 'not affected', 'not impacted', 'unchanged']);


/** The kinds whose cue words, found in the lead-in, carry over to its list items. */
function readText(t: Words, own: boolean, noteType: NoteType, mentions: Mentions): PredicateReading | null {
  const text = t.text;
  const found = (kind: EventKind, cue: string | null, why: string): PredicateReading => ({ kind, cue, why, also: [], from: own ? 'statement' : 'lead-in' });
  let cue: string | null;
  if ((cue = first(EDITORIAL, t))) return found('other', cue, 'a note about the release notes themselves');
  // In an Issue note the problem said first decides: "Customers using X may run into [warning: Y is
  // no longer supported]" is a known issue, not an end of support.
  if (own && noteType === 'issue') {
    const problem = at(KNOWN_ISSUE, t);
    // (A workaround after the problem, "Stopping and starting the instance resolves the issue", is not a fix.)
    const other = Math.min(...[at(EOS, t), at(DEPRECATION, t), at(FIXES_IT, t)].map((i) => (i < 0 ? Infinity : i)));
    if (problem >= 0 && problem < other) return found('known-issue', first(KNOWN_ISSUE, t), 'describes a current problem (an Issue note)');
  }
  if ((cue = first(DATE_MOVED, t))) return found('other', cue, 'a date moved (the supported-versions table says by how much)');
  // "Support for PyTorch 2.3 images will have ended by …": an end announced, not reached.
  if ((cue = first(EOS, t))) return WILL_HAVE.test(text) ? found('deprecation', cue, 'says support will have ended (an announced end)') : found('end-of-support-reached', cue, 'says support has ended');
  // "Security patches for TensorFlow 2.15 images will end on April 30": an end announced, not a patch.
  const ended = matchOf(END_ANNOUNCED, t);
  if (ended) {
    // "Pinned image versions will not receive new images", "Existing instances stop receiving new
    // images until …": how instances or pinned versions behave, not an image line that ends.
    const clause = text.slice(0, ended.index).split(/[.;]\s/).pop() ?? '';
    const namesLine = (): boolean => mentions.frameworks.some((m) => lineOfImages(m) && m.start < ended.index && m.start >= ended.index - clause.length);
    if (OWN_COPIES.test(clause) && !namesLine()) return found('other', ended[0], 'says instances or pinned versions do not get new images (a behaviour, not an end)');
    return found('deprecation', ended[0], 'says updates or support will end');
  }
  if ((cue = first(SECURITY, t))) return found('security-update', cue, 'fixes vulnerabilities');
  const deprecation = matchOf(DEPRECATION, t);
  if (deprecation) {
    // "… will not be deprecated": called off, unless the statement goes on to another deprecation ("… that were not deprecated in M120 will be removed").
    const calledOff = CALLED_OFF.test(text.slice(Math.max(0, deprecation.index - 20), deprecation.index));
    const later = calledOff ? DEPRECATION.re.exec(text.slice(deprecation.index + deprecation[0].length)) : null;
    if (calledOff && !later) return found('other', deprecation[0], DEPRECATION_CALLED_OFF);
    return found('deprecation', later?.[0] ?? deprecation[0], 'says it is deprecated or stops being available/updated');
  }
  if ((cue = first(FEATURE_REMOVED, t)) && !IMAGE_NOUN.test(text) && !DEPENDENCY_NOUN.test(text)) return found('deprecation', cue, 'says a feature is removed or replaced');
  if ((cue = first(RENAME, t))) return found('rename', cue, 'says names change');
  if (own && noteType === 'issue' && !has(FIX_ANY, t)) return found('known-issue', null, 'an Issue note');
  // "Integrates fix for speed regression": a problem being fixed is a fix, not a known issue.
  const fixesIt = has(FIXES_IT, t);
  if ((cue = first(KNOWN_ISSUE, t)) && !(fixesIt && noteType !== 'issue') && (noteType === 'issue' || noteType === 'breaking' || STRONG_KNOWN_ISSUE.test(cue))) return found('known-issue', cue, 'describes a current problem');
  // "The regression introduced in … was rolled back": a fix, before "introduced" can read as a launch.
  if ((cue = first(ROLLED_BACK, t))) return found('fix', cue, 'a change rolled back');
  const frameworkSubject = mentions.frameworks.some((m) => m.role === 'subject' && m.framework !== 'other' && m.framework !== 'python');
  const versioned = mentions.frameworks.some((m) => m.role === 'subject' && m.versions.length > 0);
  // An upgrade of a framework line is a patch update; of "other" image lines (MXNet, Chainer,
  // RAPIDS) or of Python it is a dependency update of the images.
  const upgradeTarget = mentions.frameworks.some((m) => m.role === 'subject' && m.framework !== 'python' && m.framework !== 'other' && m.upgradeTarget && m.versions.length > 0);
  if ((cue = first(PATCH_WORDS, t)) && frameworkSubject) return found('patch-update', cue, 'a patch release of a framework');
  if (has(UPGRADE_VERB, t) && upgradeTarget) return found('patch-update', first(UPGRADE_VERB, t), 'a framework upgraded to a version');
  if (upgradeTarget && (cue = first(NOW_AT_VERSION, t))) return found('patch-update', cue, 'a framework is now at a version');
  if (has(UPGRADE_VERB, t) && versioned && has(PRERELEASE, t)) return found('patch-update', first(PRERELEASE, t), 'a pre-release step of a framework version');
  if (has(UPGRADE_VERB, t) && frameworkSubject && sameFrameworkTwice(mentions)) return found('patch-update', first(UPGRADE_VERB, t), 'a framework line moved to a newer version');
  const nowContains = frameworkSubject ? NOW_CONTAINS.exec(text) : null;
  if (nowContains && (lineAndItsPatch(text, mentions) || lineThenItsVersion(text, mentions, nowContains.index))) return found('patch-update', nowContains[0], 'a framework line now built on a patch release of itself');
  // "vLLM 0.27.0 — minor version bump from 0.26.0": the framework's new version, then where it came from.
  if (versionedFramework(mentions) && (cue = BUMPED_FROM.exec(text)?.[0] ?? null)) return found('patch-update', cue, 'a framework version, bumped from an older one');
  // A verb inside a relative clause describes, it does not report: "files that are available", "the packages that are installed".
  let reportedText: string | null = null;
  const reported = (): string => (reportedText ??= /\b(?:that|which|who) /i.test(text) ? text.replace(/\b(?:that|which|who) (?:is|are|was|were|has been|have been) \w+/gi, '') : text);
  if ((cue = first(PACKAGE_AVAILABLE, t, reported()))) return found('dependency-update', cue, 'a package or tool becomes available');
  if ((cue = first(RUNTIME_LAUNCH, t))) return found('new-image', cue, 'a runtime becomes available');
  // "Deep Learning Containers now provide TensorFlow 2.17 images", "TensorFlow 2.18 is now supported in
  // Deep Learning Containers": a framework line, right where the images' new support is said.
  const supported = matchOf(IMAGES_NOW_SUPPORT, t);
  // ("… now offers a runtime with Python 3.13": images of a Python version are a line of their own.)
  const ofPython = (m: FrameworkMention): boolean => supported !== null && m.framework === 'python' && m.versions.length > 0 && PYTHON_IMAGES_BEFORE.test(supported[0]);
  if (supported && mentions.frameworks.some((m) => (lineOfImages(m) || ofPython(m)) && m.start >= supported.index + supported[0].length && m.start <= supported.index + supported[0].length + 2)) return found('new-image', supported[0], 'the images now support a framework line');
  const line = matchOf(LINE_NOW_SUPPORTED, t);
  if (line && versionedFramework(mentions)) return found('new-image', line[0], 'a framework line is now supported in the images');
  // ("Added PyTorch 2.9 images … in the … image family" adds images, not something into them.)
  const intoImages = own && has(INTO_IMAGES, t) && !ADDS_IMAGES.test(text);
  // "Added Python 3.11 support", "Added CUDA 12.4 support": support for a dependency, not a new image.
  // "Support for NVIDIA Blackwell GPUs was added to images for CUDA 12.8": new hardware, not new images.
  const hardwareAdded = /^support for\b/i.test(text) && HARDWARE_SUPPORT.test(text);
  if (hardwareAdded && (cue = first(AVAILABLE, t))) return found('other', cue, 'support for new hardware (a feature)');
  if ((cue = first(AVAILABLE, t, reported())) && !intoImages && !(has(DEPENDENCY_SUPPORT, t) && /^add/i.test(cue))) {
    const lineSubject = mentions.frameworks.some((m) => m.role === 'subject' && m.framework !== 'python');
    const versionedLine = mentions.frameworks.some((m) => m.role === 'subject' && m.versions.length > 0 && (m.framework !== 'python' || /\bruntimes?\b|\bimages?\b|\bkernels?\b/i.test(text)));
    // "Deep Learning VM Images are now available in the me-central2 region": a place, not a line.
    if (IN_REGIONS.test(text) && !versionedLine) return found('other', cue, 'available in more regions (a feature)');
    if (versionedLine || mentions.images.some((f) => f.framework) || (lineSubject && (IMAGE_NOUN.test(text) || /\bframework\b/i.test(text)))) return found('new-image', cue, 'a framework image line becomes available');
    // "Dataproc subminor image versions … are available", "Java 25 runtime is in Preview" (but not "Added Ubuntu 22.04 support for CPU images").
    const plural = /\bimages\b|\bcontainers\b|\bcontainer images?\b|\bruntimes?\b|\bimage versions\b|\bbuilds\b|\bimage families\b/i.test(text);
    const availableNow = /\bavailable\b/i.test(cue) && /\bimages?\b|\bcontainers?\b|\bruntimes?\b/i.test(text);
    const newHardware = HARDWARE.test(text) && !/\d\.\d/.test(text);
    if (!/^added\b/i.test(cue) && !has(DEPENDENCY_SUPPORT, t) && (plural || availableNow) && !/\bfeature\b/i.test(text) && !newHardware) return found('new-image', cue, 'an image line becomes available');
  }
  // "… images have been updated with library upgrades and bug fixes": an update that brings fixes.
  if ((cue = first(UPDATED_WITH_FIXES, t))) return { ...found('dependency-update', cue, 'images updated, with fixes'), also: ['fix'] };
  if ((cue = first(ROUTINE_UPDATES, t))) return found('dependency-update', cue, 'routine package updates');
  if ((cue = first(USER_CAN, t)) && !upgradeTarget) return found('other', cue, 'something users can now do');
  if (own && (cue = first(FIX_ANY, t))) return found('fix', cue, 'fixes a problem');
  // Under Fixed, a statement that updates something ("Updated golang.org/x/net in kubelet", "Added
  // support for NVIDIA driver v535") is a dependency update; what else it says is a fix.
  if (own && noteType === 'fixed' && (cue = UPDATE_HEAD.exec(text)?.[0] ?? null) && !HARDWARE_SUPPORT.test(text)) return found('dependency-update', cue, 'updates something (under Fixed)');
  if (own && noteType === 'fixed' && !(has(CONTENT_CHANGE, t) && /\d+\.\d+|\bv\d/.test(text))) return found('fix', null, 'a Fixed note');
  if (own && (cue = BEHAVIOUR_START.exec(text)?.[0] ?? null)) return found('other', cue, 'a behaviour change');
  if (((cue = first(DEPENDENCY_SUPPORT, t)) && !HARDWARE_SUPPORT.test(text) && !/\bmodels?\b/i.test(text)) || (cue = first(NEW_DEFAULT, t))) return found('dependency-update', cue, 'support for a dependency');
  // "The NVIDIA driver in Base images is now 570.86.15": a component's new version (not a price, a share or a duration).
  const atVersion = matchOf(NOW_AT_VERSION, t);
  if (atVersion && DEPENDENCY_NOUN.test(text.slice(0, atVersion.index))) return found('dependency-update', atVersion[0], 'a component is now at a version');
  if ((cue = UPDATED_DOCS.exec(text)?.[0] ?? null)) return found('other', cue, 'a change to documentation or descriptions');
  if ((cue = first(STRONG_CONTENT, t, reported()))) return found('dependency-update', cue, 'what the images contain changed');
  if ((cue = first(CONTENT_CHANGE, t, reported())) && (DEPENDENCY_NOUN.test(text) || /\d+\.\d+|\bv\d|\bversion \d/.test(text) || mentions.images.length > 0 || IMAGE_NOUN.test(text) || frameworkSubject)) {
    return found('dependency-update', cue, 'what the images contain changed');
  }
  // "Added Jupytext.", "Added the PyTorch/XLA package": a package added to the images (but "Added
  // spec.storageConfig field." adds to an API: a feature).
  if (/^added\b(?!\s+support\b)/i.test(text) && !API_THING.test(text) && (DEPENDENCY_NOUN.test(text) || /\d+\.\d+/.test(text) || has(INTO_IMAGES, t) || /^added (?:the )?[\w./+-]+(?: [\w./+-]+)?\.?$/i.test(text))) return found('dependency-update', 'added', 'a package added');
  if ((cue = first(FEATURE, t))) return found('other', cue, 'a feature, launch or behaviour change');
  return null;
}

const IN_REGIONS = /\bavailable (?:in|to) (?:the |more |additional |new )?(?:[\w-]+(?:,|,? and|,? or)? ){1,8}?regions?\b/i;

// "… now provides prebuilt prediction containers for TensorFlow 2.19", "Workbench instances now
// include a PyTorch 2.9 kernel": what is now offered is images (a kernel, a runtime) of that line.
const IMAGES_NOW_SUPPORT = cue(/\bnow (?:includes?|has|have|offers?|provides?) (?:a |an )?(?:new )?(?=(?:[A-Za-z][\w.+/-]*\s+){1,3}v?\d+(?:\.\d+)+\s+(?:kernels?|runtimes?|environments?)(?=\s*(?:[.,;:)]|$)|\s+(?:for|in|on|with|to|and|is|are|that|which)\b))|(?:\b(?:vms?|images?|containers?|dlcs?|dlvms?|deep learning (?:vms?|containers)) now supports?|\bnow (?:offers?|provides?))\s+(?:the\s+)?(?:new\s+)?(?:an?\s+)?(?:(?:[\w-]+\s+){0,3}?(?:images?|containers?|dlcs?|runtimes?) (?:for (?:[\w-]+\s+){1,3}?(?:with|using)\s+|for\s+|with\s+))?/i, ['now support', 'now offer', 'now provide', 'now include', 'now has', 'now have']);
const LINE_NOW_SUPPORTED = cue(/^(?:[A-Z][\w/-]*\s+){1,3}v?\d+(?:\.\d+)+\s+(?:is|are) now supported (?:in|on|by|with)\b(?=(?:[^.]|\.\d){0,60}\b(?:images|containers|dlcs|dlvms?|deep learning (?:vms?|containers))\b)/i, ['now supported']);
const NOW_AT_VERSION = cue(/\b(?:is|are) now (?:at )?(?:version )?v?\d+(?:\.\d+)+\b(?!\s*(?:%|percent|usd|\$|hours?|minutes?|seconds?|days?|[gmt]b)\b)/i, ['is now', 'are now']);
/** A framework line named with a version, the subject: what an image line is. */
const lineOfImages = (m: Mentions['frameworks'][number]): boolean => m.role === 'subject' && m.versions.length > 0 && m.framework !== 'python' && m.framework !== 'other';
// What a user holds, not an image line: instances, runtimes, pinned versions, custom containers.
const OWN_COPIES = /\b(?:(?:instances?|runtimes?)\b(?!\s+(?:images?|containers?))|pinned\b|custom containers?\b|auto-?upgrade\b)/i;
const END_ANNOUNCED = cue(/\b(?:security )?(?:patch(?:es)?|updates|support|fixes) (?:(?:for|to) (?:[^.]|\.\d){1,80}? )?(?:(?:will|is going to|are going to) (?:end|stop|cease)(?=\s+(?:on|in|by|after|at|from|with)\b|\s*[.,;]|\s*$)|(?:ends|stops|ceases) (?=(?:on|in|by|after|at) )(?=(?:[^.]|\.\d){0,40}?\b(?:\d{4}|M\d{2,3}|release)\b))|\b(?:will )?stop(?:s|ped)? receiving (?:new |security )?(?:patches|updates|fixes|images|image versions|versions|releases)\b|\b(?:will (?:not|no longer)|won[’']t|will never) receive (?:any )?(?:further |more |new )?(?:security )?(?:(?:framework|image|patch|minor) )?(?:patches|updates|fixes|images|image versions|versions|releases)\b/i, ['will end', 'will stop', 'will cease', 'going to', 'stop receiving', 'stops receiving', 'stopped receiving', 'will not', 'will no', 'won t', 'will never', 'ends', 'stops', 'ceases']);
// "… will not be deprecated", "is no longer being deprecated": a deprecation called off.
const CALLED_OFF = /\b(?:(?:will|is|are|was|were) not|no longer) (?:be |being )?$/i;
export const DEPRECATION_CALLED_OFF = 'says a deprecation will not happen';
const ROLLED_BACK = cue(/\b(?:was|were|has been|have been) (?:rolled back|reverted)\b/i, ['rolled back', 'reverted']);
const WILL_HAVE = /\bwill have (?:ended|reached|passed|been)\b|\bwill be past\b/i;
// "The end of patch and support date for TensorFlow 2.15 was moved to March 31": a date, not contents.
const DATE_MOVED = cue(/\b(?:dates?|end of (?:patch and )?(?:support|availability))\b(?:[^.]|\.\d){0,80}?\b(?:was|were|has been|have been|is|are|will be) (?:moved|changed|extended|postponed|pushed back|brought forward|updated|delayed)\b|\bwe are (?:extending|postponing|moving|delaying) the (?:end of|date)\b/i, ['date', 'end of', 'we are extending', 'we are postponing', 'we are moving', 'we are delaying']);
// "The TensorFlow 2.15 containers now use TensorFlow 2.15.1": what a line is now built on.
const NOW_CONTAINS = /\bis now the (?:version|release) (?:used|shipped|included)\b|\brelease (?:includes|contains)\b|\bnow (?:uses?|ships?(?: with)?|includes?|runs?|comes? with|bundles?|contains?)\b/i;
const BUMPED_FROM = /\b(?:bump(?:ed)?|upgrad(?:e|ed)|updat(?:e|ed)|mov(?:e|ed))\s+from\s+v?\d+\.\d+/i;
/** The statement starts with a framework and its version ("vLLM 0.27.0 — …"). */
function versionedFramework(mentions: Mentions): boolean {
  return mentions.frameworks.some((m) => lineOfImages(m) && m.start === 0);
}

/** "Upgraded TensorFlow 2.15 images to TensorFlow 2.15.1": one framework named twice, a newer version second. */
function sameFrameworkTwice(mentions: Mentions): boolean {
  // One pass: the first versions seen per framework, and whether a later mention differs (a
  // statement naming one line many times stays linear).
  const first = new Map<string, string>();
  for (const m of mentions.frameworks) {
    if (m.role !== 'subject' || m.versions.length === 0) continue;
    const versions = m.versions.join();
    const seen = first.get(m.framework);
    if (seen === undefined) first.set(m.framework, versions);
    else if (seen !== versions) return true;
  }
  return false;
}

/**
 * The version right after the name: "TensorFlow Serving 2.16.1" is another product of the family,
 * and "transformers 4.46.1" the package a Hugging Face line bundles.
 */
function namedRightBeforeItsVersion(text: string, m: FrameworkMention): boolean {
  if (!/^[A-Za-z]/.test(m.name)) return true; // a version named on its own ("… now use CUDA 12.4.1" read for a Base line)
  return /^\s+v?\d/.test(text.slice(m.start + m.name.length, m.start + m.name.length + 3)) && !/^transformers$/i.test(m.name);
}

/** "R images now use R 4.5.1": a framework's images, then (after the verb at `verbAt`) a version of that framework. */
function lineThenItsVersion(text: string, mentions: Mentions, verbAt: number): boolean {
  const line = mentions.frameworks.find((m) => m.role === 'subject' && m.versions.length === 0 && m.end <= verbAt && m.framework !== 'python' && m.framework !== 'other');
  return line !== undefined && mentions.frameworks.some((m) => m.role === 'subject' && m.framework === line.framework && m.start > verbAt && m.versions.some((v) => /^\d+\.\d+\.\d+/.test(v)) && namedRightBeforeItsVersion(text, m));
}

/** "TensorFlow 2.15 containers now use TensorFlow 2.15.1": a line, then a patch release of that same line. */
function lineAndItsPatch(text: string, mentions: Mentions): boolean {
  // Which mentions name each framework version; then, for every version, whether another mention
  // names one of its shorter forms ("2.15" for "2.15.1"). Linear in the mentions.
  const namedBy = new Map<string, Set<FrameworkMention>>();
  const subjects = mentions.frameworks.filter((m) => m.role === 'subject' && m.versions.length > 0);
  for (const m of subjects) for (const v of m.versions) namedBy.set(`${m.framework} ${v}`, (namedBy.get(`${m.framework} ${v}`) ?? new Set()).add(m));
  for (const m of subjects) {
    for (const v of m.versions) {
      for (let cut = v.lastIndexOf('.'); cut > 0; cut = v.lastIndexOf('.', cut - 1)) {
        const by = namedBy.get(`${m.framework} ${v.slice(0, cut)}`);
        if (by && [...by].some((other) => other !== m) && namedRightBeforeItsVersion(text, m)) return true;
      }
    }
  }
  return false;
}

/**
 * Whether a text's words could state an end (end of support, an announced end, a deprecation) or
 * a security fix: the cues' hints, without running their patterns (the reader asks this of the
 * later sentences of a paragraph before it reads them).
 */
export function mayStateAnEndOrSecurity(hints: Hints): boolean {
  return hints[EOS.id] === 1 || hints[END_ANNOUNCED.id] === 1 || hints[DEPRECATION.id] === 1 || hints[SECURITY.id] === 1;
}

/**
 * `contextWords` lets a note read its lead-in's words once for all its list items (a per-note
 * cache, created by the caller: nothing is kept between notes).
 */
export function readPredicate(text: string, context: string | null, noteType: NoteType, mentions: Mentions, contextWords?: (context: string) => Words, hints?: Hints): PredicateReading {
  const t = words(text, hints);
  // A client-library digest is a dependency update whatever its items say: its sub-headings
  // ("Features", "Bug Fixes") and items ("Fix retry settings for …") sort one library's changes.
  // A statement of its own outside a digest's headings ("The v1 client libraries are deprecated",
  // "Known issue: … fails to import", "Fixed a deprecation warning …") says what it says when that
  // is an end, a problem or a fix ("Fixed …"; a sub-heading "Bug Fixes" sorts a digest).
  if (noteType === 'libraries') {
    const fixed = context === null ? /^fixed\b/i.exec(text) : null;
    if (fixed) return { kind: 'fix', cue: fixed[0], why: 'starts by fixing something (a Libraries note outside a digest)', also: [], from: 'statement' };
    const own = context === null ? readText(t, true, noteType, mentions) : null;
    if (own && (own.kind === 'deprecation' || own.kind === 'known-issue' || own.kind === 'end-of-support-reached')) return own;
    return { kind: 'dependency-update', cue: null, why: 'a client-library digest (Libraries note)', also: [], from: 'statement' };
  }
  const nothing = first(NOTHING_CHANGED, t);
  if (nothing) return { kind: null, cue: nothing, why: 'says nothing changed', also: [], from: 'statement' };
  // "fix of X": a statement that starts by fixing is a fix, whatever else its object mentions.
  const head = FIX_HEAD.exec(text)?.[0] ?? null;
  if (head) {
    // "… falsely flagged the images as vulnerable": a false alarm fixed is a fix.
    const vuln = FALSE_ALARM.test(text) ? null : first(VULNERABILITY_OBJECT, t);
    const reading: PredicateReading = vuln
      ? { kind: 'security-update', cue: `${head} … ${vuln}`, why: 'fixes a vulnerability', also: [], from: 'statement' }
      : { kind: 'fix', cue: head, why: 'starts by fixing something (its object does not decide the kind)', also: [], from: 'statement' };
    if (has(ROUTINE_UPDATES, t) || /\b(?:and|&) (?:package |software |library )?(?:updates|upgrades)\b/i.test(text)) reading.also.push('dependency-update');
    return reading;
  }
  // Under a label lead-in ("Bug Fixes:"), the label decides unless the item itself says it ends
  // support, fixes a vulnerability or deprecates something.
  const label = context ? LABEL_LEAD_IN.find(([re]) => re.test(context.trim()))?.[1] : undefined;
  if (label) {
    const own = readText(t, true, noteType, mentions);
    if (own && (own.kind === 'security-update' || own.kind === 'end-of-support-reached' || own.kind === 'deprecation')) return own;
    return { kind: label, cue: context, why: 'a list under a label saying its kind', also: [], from: 'lead-in' };
  }
  const reading = readText(t, true, noteType, mentions) ?? (context ? readText(contextWords ? contextWords(context) : words(context), false, noteType, mentions) : null);
  if (!reading) return { kind: null, cue: null, why: 'no kind of change understood', also: [], from: null };
  // Routine compound statements: "Regular package refreshment and bug fixes", "security patches and package upgrades".
  if (reading.kind !== 'fix' && has(BUG_FIXES, t)) reading.also.push('fix');
  // "… was updated to TGI 3.3.6, which fixes a crash when …": an update that says what it fixes.
  else if ((reading.kind === 'patch-update' || reading.kind === 'dependency-update') && WHICH_FIXES.test(text)) {
    reading.also.push('fix');
    reading.alsoOfSubjects = true;
  }
  // Only a compound says both ("security patches and package upgrades"); "Security updates" and "this
  // fix updates a Java library" are one security update.
  if ((reading.kind === 'security-update' || reading.kind === 'fix') && /\b(?:and|&|with|plus) (?:(?:package|software|library|os|dependency) )?(?:updates|upgrades|refreshment)\b|\b(?:package|software|library|dependency) (?:updates|upgrades|refreshment)\b|\brefreshment\b/i.test(text)) reading.also.push('dependency-update');
  return reading;
}
