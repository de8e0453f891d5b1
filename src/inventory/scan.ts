// The cheapest inventory there is: the image URIs ML teams write verbatim in their code.
// Dockerfiles (FROM …), Kubernetes, Kubeflow and Vertex pipeline specs (image: …, YAML or JSON, and
// the Python DSL's base_image=…), Terraform (image = "projects/…/global/images/family/…",
// family = "…" next to project = "deeplearning-platform-release"), shell scripts (gcloud …
// --image-family=… --image-project=deeplearning-platform-release). Every hit carries file:line.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { entryOf, type InventoryEntry } from './formats.js';

/** Directories that hold other people's code or build output, not the team's. */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', '.terraform', 'dist', 'build', '.venv', 'venv', '__pycache__', '.tox', 'site-packages']);
const MAX_FILE_BYTES = 2_000_000;
const TEXT_FILE = /(?:^Dockerfile|^Containerfile|\.(?:dockerfile|ya?ml|json|tf|tfvars|hcl|py|ipynb|sh|bash|cfg|ini|toml|txt|md|mk|jsonnet|libsonnet|tpl)$|^Makefile$)/i;

/** Container images of Google's Deep Learning registries, with tag or digest. */
const CONTAINER_URI = /\b(?:[a-z0-9-]+\.)?(?:gcr\.io|pkg\.dev)\/(?:deeplearning-platform-release|vertex-ai|cloud-aiplatform)\/[A-Za-z0-9._/-]+(?::[A-Za-z0-9._-]+)?(?:@sha256:[0-9a-f]{64})?/g;
/** Compute Engine image paths (names and families) of the Deep Learning VM project. */
const VM_IMAGE_PATH = /\bprojects\/deeplearning-platform-release\/global\/images\/(?:family\/)?[a-z0-9-]+/g;
/** An image family given as a value: --image-family=…, image_family: …, family = "…". */
const FAMILY_VALUE = /(?:--image-family[= ]|\b(?:image[-_]?family|imageFamily|family)["']?\s*[:=]\s*)["']?([a-z][a-z0-9-]+)/g;

export interface ScanResult {
  entries: InventoryEntry[];
  filesScanned: number;
}

async function* files(root: string, dir: string): AsyncGenerator<string> {
  let list;
  try {
    list = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of list.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, d.name);
    if (d.isDirectory()) {
      if (!SKIP_DIRS.has(d.name)) yield* files(root, path);
    } else if (d.isFile() && TEXT_FILE.test(d.name)) yield path;
  }
}

/** The hits in one file's text; `path` is how the file is named in "where". */
export function scanText(path: string, text: string): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  // A family value means a Deep Learning VM family only in a file that names the project.
  const dlProject = text.includes('deeplearning-platform-release');
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    // A commented-out reference is not in use (#: Dockerfile, YAML, Python, shell, HCL; //: HCL, JSONC).
    if (/^\s*(?:#|\/\/)/.test(line)) return;
    const at = `${path}:${i + 1}`;
    const taken: [number, number][] = [];
    const add = (ref: string, index: number): void => {
      if (taken.some(([s, e]) => index >= s && index < e)) return;
      taken.push([index, index + ref.length]);
      out.push(entryOf(ref, 'ref', at, `scan:${at}:${index}`));
    };
    for (const m of line.matchAll(CONTAINER_URI)) add(m[0].replace(/[.:]+$/, ''), m.index);
    for (const m of line.matchAll(VM_IMAGE_PATH)) add(m[0], m.index);
    if (dlProject) {
      for (const m of line.matchAll(FAMILY_VALUE)) {
        const value = m[1] ?? '';
        const index = m.index + m[0].length - value.length;
        if (taken.some(([s, e]) => index >= s && index < e)) continue;
        // "family: Roboto" in the same file is a font, not an image: only image-shaped values count.
        const entry = entryOf(value, 'ref', at, `scan:${at}:${index}`);
        if (entry.status === 'other') continue;
        taken.push([index, index + value.length]);
        out.push(entry);
      }
    }
  });
  return out;
}

/** Walks a repository and reads every hit. Paths in "where" are relative to `root`. */
export async function scanRepository(root: string): Promise<ScanResult> {
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${root}: not a directory`);
  const entries: InventoryEntry[] = [];
  let filesScanned = 0;
  for await (const path of files(root, root)) {
    const size = (await stat(path)).size;
    if (size > MAX_FILE_BYTES) continue;
    const text = await readFile(path, 'utf8');
    if (text.includes('\u0000')) continue; // binary after all
    filesScanned++;
    entries.push(...scanText(relative(root, path), text));
  }
  return { entries, filesScanned };
}
