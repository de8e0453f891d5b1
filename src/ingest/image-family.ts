// Image family / image names by their grammar, e.g.
//   DLVM image families: pytorch-2-4-cu124-debian-11-py310, common-cu129-ubuntu-2404-nvidia-580,
//   tf-2-12-cpu-debian-11-py310, tf2-ent-2-7-cpu, common-cpu-v20250310-debian-11-py310-conda,
//   pytorch-1-12-<VERSION_DATE>-py310;
//   DLC container images: pytorch-cu124.2-4.py310, tf-cpu.2-17.py310, base-cu124.py310
//   (…/deeplearning-platform-release/gcr.io/<name>).
import type { Framework } from '../domain/events.js';

export interface ImageFamily {
  name: string;
  framework: Framework | null;
  version: string | null;
  cuda: string | null;
  python: string | null;
  os: string | null;
  accelerator: 'gpu' | 'cpu' | 'tpu' | null;
}

const PREFIXES: [RegExp, Framework][] = [
  [/^common(?=-)/, 'base'],
  [/^(?:tf2?|tensorflow)(?:-ent)?(?=-)/, 'tensorflow'],
  [/^pytorch(?=-)/, 'pytorch'],
  [/^r(?=-)/, 'r'],
  [/^jax(?=-)/, 'jax'],
  [/^xgboost(?=-)/, 'xgboost'],
  [/^(?:sklearn|scikit-learn)(?=-)/, 'scikit-learn'],
  [/^(?:chainer|mxnet|cntk|caffe|rapids|theia|beam)(?=-)/, 'other'],
];

/**
 * The image family a supported-versions page means by a name pattern: Google writes image *names*
 * with a placeholder for the build date ("common-cu129-ubuntu-2404-nvidia-580-VERSION_DATE",
 * "pytorch-2-4-<var>VERSION_DATE</var>-py310"); the family is the name without it.
 */
export function familyName(pattern: string): string {
  return pattern
    .replace(/<\/?var>/g, '')
    .replace(/-?\b(?:VERSION_DATE|VERSION|DATE)\b-?/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** A name that still holds a placeholder (a pattern, not something to pass to gcloud). */
export const hasPlaceholder = (name: string): boolean => /<var>|\b[A-Z][A-Z_]{3,}\b/.test(name);

/** Candidate family names inside free text. */
export const FAMILY_IN_TEXT =
  /\b(?:(?:base|pytorch|tf2?|jax|r)-(?:cpu|gpu|tpu|cu\d{2,3})(?:\.\d+-\d+(?:-\d+)?)?\.py\d{2,3}|(?:common|tf2?|tensorflow|pytorch|r|jax|xgboost|chainer|mxnet|rapids|theia)(?:-(?:[a-z0-9]+|<var>[A-Z_]+<\/var>|[A-Z_]{4,}))+)\b/g;

// DLC: <name>-<accelerator>[.<major>-<minor>[-<patch>]][.<package>.<major>-<minor>…][.<os><version>][.py<XY>]
//   pytorch-cu124.2-4.py310, tf-cpu.2-17.py310, base-cu124.py310,
//   huggingface-text-generation-inference-cu124.3-3.ubuntu2204.py311,
//   huggingface-pytorch-training-cu121.2-3.transformers.4-42.ubuntu2204.py310.
// Vertex AI's prediction containers leave the Python out (pytorch-gpu.2-4).
const CONTAINER = /^([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*?)-(cpu|gpu|tpu|cu\d{2,3})(?:\.(\d+)-(\d+)(?:-(\d+))?)?((?:\.[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*\.\d+-\d+(?:-\d+)?)*)(?:\.(ubuntu|debian)(\d{2,4}))?(?:\.py(\d)(\d+))?$/;
const CONTAINER_FRAMEWORK: [RegExp, Framework][] = [
  // A Hugging Face container names the framework it is built on too ("huggingface-pytorch-…"): it is a Hugging Face line.
  [/^(?:huggingface|hf)-|^text-(?:generation|embeddings)-inference\b/, 'huggingface'],
  [/^base$/, 'base'],
  [/^pytorch$/, 'pytorch'],
  [/^(?:tf2?|tensorflow)$/, 'tensorflow'],
  [/^jax$/, 'jax'],
  [/^r$/, 'r'],
  [/^(?:pytorch-)?vllm\b/, 'vllm'],
  [/^sglang\b/, 'sglang'],
  [/^ray\b/, 'ray'],
  [/^xgboost\b/, 'xgboost'],
  [/^(?:sklearn|scikit-learn)\b/, 'scikit-learn'],
  [/^(?:py)?spark\b/, 'spark'],
];

function parseContainer(name: string): ImageFamily | null {
  const m = CONTAINER.exec(name);
  if (!m) return null;
  const [, prefix = '', acc = '', major, minor, patch, packages = '', osName, osVersion, pyMajor, pyMinor] = m;
  const framework = CONTAINER_FRAMEWORK.find(([re]) => re.test(prefix))?.[1] ?? null;
  // Only a name of a known line is a container image ("my-app-gpu.1-2" is not ours to read).
  if (!framework) return null;
  const cuda = /^cu\d+$/.test(acc) ? cudaFromCompact(acc.slice(2)) : null;
  const accelerator = cuda ? 'gpu' : (acc as 'cpu' | 'gpu' | 'tpu');
  // A Hugging Face training or inference container is named after the framework under it first
  // ("huggingface-pytorch-training-cu121.2-3.transformers.4-42"): its own line is the Transformers version.
  const transformers = framework === 'huggingface' ? /\.transformers\.(\d+)-(\d+)(?:-(\d+))?/.exec(packages) : null;
  const version = framework === 'base' ? cuda : transformers ? transformers.slice(1).filter(Boolean).join('.') : major && minor ? [major, minor, patch].filter(Boolean).join('.') : null;
  // tf-cpu alone is not a container name: it needs a version or a Python.
  if (!major && !pyMajor) return null;
  const os = osName && osVersion ? osOf(osName, osVersion) : null;
  return { name, framework, version, cuda, python: pyMajor ? `${pyMajor}.${pyMinor ?? ''}` : null, os, accelerator };
}

export function parseImageFamily(name: string): ImageFamily | null {
  const clean = name.trim().replace(/<\/?var>/g, '');
  // A container path (…/gcr.io/pytorch-cu124.2-4.py310) is read by its last segment, without its
  // tag or digest (":latest", ":m125", "@sha256:…").
  const container = parseContainer((clean.split('/').pop() ?? clean).replace(/[:@].*$/, ''));
  if (container) return container;
  const match = PREFIXES.find(([re]) => re.test(clean));
  if (!match) return null;
  const [prefixRe, framework] = match;
  const rest = clean.replace(prefixRe, '');
  const tokens = rest.split('-').filter(Boolean);
  let version: string | null = null;
  let cuda: string | null = null;
  let python: string | null = null;
  let os: string | null = null;
  let accelerator: ImageFamily['accelerator'] = null;
  const nums: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    let m: RegExpExecArray | null;
    if (/^\d+$/.test(t) && cuda === null && os === null && nums.length < 3 && i === nums.length) {
      nums.push(t);
    } else if ((m = /^cu(\d+)$/.exec(t))) {
      cuda = cudaFromCompact(m[1] ?? '');
      accelerator = 'gpu';
    } else if (t === 'cpu' || t === 'gpu' || t === 'tpu') {
      accelerator = t;
    } else if ((m = /^py(\d)(\d+)$/.exec(t))) {
      python = `${m[1]}.${m[2]}`;
    } else if (t === 'debian' || t === 'ubuntu') {
      const v = tokens[i + 1];
      if (v && /^\d+$/.test(v)) {
        os = osOf(t, v);
        i++;
      }
    }
  }
  if (nums.length >= 2) version = nums.slice(0, 3).join('.');
  // tensorflow-* is also the namespace of Python packages (tensorflow-cloud, tensorflow-serving-api)
  // and r-* of ordinary words (r-squared): only a name with an accelerator, a version, a Python or an
  // OS is an image family (tensorflow-gpu, r-4-3-cpu, pytorch-latest-py310).
  if (!accelerator && !version && !python && !os && !/-(?:latest|experimental|conda|<var>)/.test(clean)) return null;
  // For base images the CUDA version is the version that matters.
  if (framework === 'base') version = cuda;
  return { name: clean, framework, version, cuda, python, os, accelerator };
}

/** ubuntu + 2204 → "Ubuntu 22.04", debian + 12 → "Debian 12" (as image names write them). */
function osOf(distro: string, digits: string): string {
  return distro === 'ubuntu' && digits.length === 4 ? `Ubuntu ${digits.slice(0, 2)}.${digits.slice(2)}` : `${distro === 'debian' ? 'Debian' : 'Ubuntu'} ${digits}`;
}

/** cu124 → 12.4, cu92 → 9.2, cu100 → 10.0, cu113 → 11.3. */
export function cudaFromCompact(digits: string): string {
  if (digits.length <= 2) return `${digits.slice(0, 1)}.${digits.slice(1) || '0'}`;
  return `${digits.slice(0, 2)}.${digits.slice(2)}`;
}
