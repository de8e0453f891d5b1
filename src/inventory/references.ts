// An image reference as operators write it → the framework version line it runs.
//
// What comes in (real shapes, from gcloud, kubectl, Terraform, Dockerfiles):
//   DLVM image names with their build date   pytorch-2-4-cu124-v20250325-debian-11-py310
//                                            common-cu129-v20250901-ubuntu-2404-nvidia-580
//   DLVM image families                      pytorch-2-4-cu124-debian-11-py310
//   Compute API paths and URLs               https://www.googleapis.com/compute/v1/projects/
//                                            deeplearning-platform-release/global/images/<name>
//                                            projects/deeplearning-platform-release/global/images/family/<family>
//   DLC container images, tag or digest      us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126
//                                            gcr.io/deeplearning-platform-release/tf-gpu.2-17.py310@sha256:…
//   Vertex AI prebuilt containers            us-docker.pkg.dev/vertex-ai/training/pytorch-gpu.2-4.py310:latest
//
// The grammar of names is the parser's (src/ingest/image-family.ts): a name it can read here is a
// name it reads in release notes, so inventory lines and events meet on the same (framework, line).
// A reference that is not a Deep Learning image at all (debian-12, nginx:1.27) is kept as "other";
// one that looks like one but cannot be read is "unreadable". Neither is dropped: both are listed.
import type { Framework } from '../domain/events.js';
import { parseImageFamily, type ImageFamily } from '../ingest/image-family.js';
import { lineOf } from '../domain/plans.js';

export interface ImageLine {
  framework: Framework;
  /** X.Y (the CUDA version for base images); null for "latest" families. */
  version: string | null;
  /** The full version when the name gives one (2.4.0). */
  release: string | null;
  accelerator: 'gpu' | 'cpu' | 'tpu' | null;
  cuda: string | null;
  python: string | null;
  os: string | null;
  /** DLVM: the image family (build date removed). DLC: the repository path without tag or digest. */
  family: string;
  type: 'vm-image' | 'container';
  /** DLVM build date (v20250325) or container tag (m126, latest); null when not given. */
  build: string | null;
  digest: string | null;
}

export type ReadReference = { status: 'recognised'; line: ImageLine } | { status: 'other' | 'unreadable'; reason: string };

/** Google's projects and registries that publish Deep Learning images. */
const DL_PROJECTS = /(?:^|\/)(?:deeplearning-platform-release|deeplearning-platform|ml-images|vertex-ai|cloud-aiplatform)(?:\/|$)/;
/** Names that look like Deep Learning images even without a project. */
const DL_NAME = /^(?:common|pytorch|tf2?|tensorflow|jax|r|base|xgboost|sklearn|scikit-learn|huggingface|vllm|beam|theia|rapids|mxnet|chainer)[-.]/;

/** Strips a URL or API path to the image name: ".../global/images/family/pytorch-…" → "pytorch-…". */
function vmImageName(ref: string): { name: string; isFamily: boolean } | null {
  const m = /(?:^|\/)projects\/([a-z0-9-]+)\/global\/images\/(family\/)?([a-z0-9-]+)$/.exec(ref);
  if (m) return { name: m[3] ?? '', isFamily: m[2] !== undefined };
  return null;
}

/** A DLVM build date token in an image name: -v20250325 (Google's images), -20250325. */
const BUILD_DATE = /-v?(20\d{6})(?=-|$)/;

function readVmName(name: string, isFamily: boolean): ReadReference {
  const build = BUILD_DATE.exec(name);
  const family = build ? name.replace(BUILD_DATE, '') : name;
  const parsed = parseImageFamily(family);
  if (!parsed?.framework || parsed.framework === 'other' || parsed.framework === 'python') return { status: 'unreadable', reason: `"${name}": not an image name the Deep Learning VM grammar reads (framework-version-accelerator-os-python)` };
  return recognised(parsed, parsed.framework, { family, type: 'vm-image', build: isFamily ? null : build ? `v${build[1]}` : null, digest: null });
}

/** A name the grammar read, as a line: the version line (X.Y) and how the image is referenced. */
function recognised(parsed: ImageFamily, framework: Framework, ref: Pick<ImageLine, 'family' | 'type' | 'build' | 'digest'>): ReadReference {
  return { status: 'recognised', line: { framework, version: lineOf(parsed.version), release: parsed.version, accelerator: parsed.accelerator, cuda: parsed.cuda, python: parsed.python, os: parsed.os, ...ref } };
}

/** registry/path/name[:tag][@sha256:…] → its parts; null when it is not shaped like one. */
function splitContainer(ref: string): { repository: string; tag: string | null; digest: string | null } | null {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : null;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  const repository = colon >= 0 ? rest.slice(0, colon) : rest;
  const tag = colon >= 0 ? rest.slice(colon + 1) : null;
  // Docker's grammar: a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, a digest sha256:<hex>.
  if (!/^[a-z0-9][a-z0-9._/-]*$/i.test(repository) || (tag !== null && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) || (digest !== null && !/^sha256:[0-9a-f]{8,64}$/.test(digest))) return null;
  return { repository, tag, digest };
}

function readContainer(ref: string): ReadReference {
  const parts = splitContainer(ref);
  if (!parts) return { status: 'unreadable', reason: `"${ref}": not a container image reference (registry/path/name[:tag][@sha256:digest])` };
  const name = parts.repository.split('/').pop() ?? '';
  // Google's registries, or a bare name. An image of another registry is someone else's build (a
  // mirror is listed by its Google path, or in runs: as the image it mirrors).
  const registry = parts.repository.includes('/') ? (parts.repository.split('/')[0] ?? '') : '';
  if (registry && !/(?:^|\.)(?:gcr\.io|pkg\.dev)$/.test(registry)) {
    return { status: 'other', reason: `"${ref}": an image of ${registry}, not of Google's registries${DL_NAME.test(name) ? ' (a mirror of a Deep Learning container? list the image it mirrors in runs:)' : ''}` };
  }
  const parsed = parseImageFamily(name);
  if (!parsed?.framework || parsed.framework === 'other' || parsed.framework === 'python' || !name.includes('.')) {
    return DL_PROJECTS.test(parts.repository) || DL_NAME.test(name)
      ? { status: 'unreadable', reason: `"${ref}": a Deep Learning Containers path whose image name "${name}" the grammar cannot read (framework-accelerator.major-minor.pyXY)` }
      : { status: 'other', reason: `"${ref}": not a Google Deep Learning container image` };
  }
  return recognised(parsed, parsed.framework, { family: parts.repository, type: 'container', build: parts.tag, digest: parts.digest });
}

/**
 * Reads one image reference. Whitespace and quotes around it are the writer's, not the name's;
 * "docker://" and "https://" prefixes are transport, not image.
 */
export function readImageReference(input: string): ReadReference {
  const ref = input.trim().replace(/^["']|["']$/g, '').replace(/^docker:\/\//, '');
  if (ref === '') return { status: 'unreadable', reason: 'an empty image reference' };
  const api = vmImageName(ref.replace(/^https?:\/\/(?:www|compute)\.googleapis\.com\/compute\/(?:v1|beta|alpha)\//, ''));
  if (api) {
    const project = /projects\/([a-z0-9-]+)\//.exec(ref)?.[1] ?? '';
    // An image of another project is that project's own, even when its name looks like ours (a
    // custom image built from a DLVM): its lifecycle is not Google's.
    if (!DL_PROJECTS.test(`/${project}/`)) return { status: 'other', reason: `"${api.name}" (project ${project}): not a Google Deep Learning VM image${DL_NAME.test(api.name) ? '; if it is built from one, list the family it was built from' : ''}` };
    return readVmName(api.name, api.isFamily);
  }
  // A bare name: a DLVM image or family when it has no registry part, a container otherwise.
  if (!ref.includes('/') && !ref.includes(':') && !ref.includes('@')) {
    if (/^[a-z0-9-]+$/.test(ref)) {
      const read = readVmName(ref, !BUILD_DATE.test(ref));
      if (read.status === 'recognised') return read;
      if (!DL_NAME.test(ref)) return { status: 'other', reason: `"${ref}": not a Google Deep Learning image name` };
      return read;
    }
    // pytorch-cu124.2-4.py310: a container name without its registry.
    return readContainer(ref);
  }
  return readContainer(ref);
}
