// What operators already have → inventory entries. Each format as its owner documents it:
//  - `gcloud compute instances list --format=json`: Compute Engine Instance resources
//    (https://cloud.google.com/compute/docs/reference/rest/v1/instances). An instance's disks name
//    their disk (`source`) and licenses, not the image: the image is on the disk;
//  - `gcloud compute disks list --format=json`: Disk resources, with `sourceImage` and `users`
//    (the instances they are attached to) (https://cloud.google.com/compute/docs/reference/rest/v1/disks);
//  - `kubectl get pods -A -o json` (a v1 List of Pods), and workloads (Deployments, StatefulSets,
//    Jobs, CronJobs) whose pod template holds the containers
//    (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/);
//  - a plain list: one image reference per line, an optional count after it, `#` comments;
//  - JSON `{ "references": ["…", { "image": "…", "count": 3, "where": "…" }] }` (what CI pushes).
// Given both, instances and disks join: a VM's line comes from its boot disk's source image.
import { z } from 'zod';
import { readImageReference, type ImageLine } from './references.js';

export const INVENTORY_KINDS = ['vm', 'disk', 'pod', 'ref'] as const;
export type InventoryKind = (typeof INVENTORY_KINDS)[number];

export const InventoryEntrySchema = z.object({
  /** The reference as it was written. */
  ref: z.string(),
  kind: z.enum(INVENTORY_KINDS),
  count: z.number().int().min(1),
  /** Where it was found, for "you run this": "instance trainer-1 (us-central1-a)", "infra/main.tf:12". */
  where: z.string(),
  /** One VM or pod container seen through two files (instances and disks) counts once. */
  key: z.string(),
  status: z.enum(['recognised', 'other', 'unreadable']),
  line: z
    .object({
      framework: z.string(),
      version: z.string().nullable(),
      release: z.string().nullable(),
      accelerator: z.enum(['gpu', 'cpu', 'tpu']).nullable(),
      cuda: z.string().nullable(),
      python: z.string().nullable(),
      os: z.string().nullable(),
      family: z.string(),
      type: z.enum(['vm-image', 'container']),
      build: z.string().nullable(),
      digest: z.string().nullable(),
    })
    .nullable(),
  /** Why it is not recognised (status other / unreadable). */
  problem: z.string().nullable(),
});
export type InventoryEntry = Omit<z.infer<typeof InventoryEntrySchema>, 'line'> & { line: ImageLine | null };

/** A source name (the way in): lowercase letters, digits, . _ -, up to 64; "teams.yaml" is the config's own. */
export const isSourceName = (name: string): boolean => /^[a-z0-9][a-z0-9._-]{0,63}$/.test(name) && name !== 'teams.yaml';

export class InventoryFormatError extends Error {
  readonly code = 'inventory-format';
}

export type InventoryFormat = 'gcloud-instances' | 'gcloud-disks' | 'kubectl' | 'references' | 'list';

export interface InventoryFile {
  /** A file name or label, used in "where" and in errors. */
  name: string;
  text: string;
}

export interface ReadInventory {
  entries: InventoryEntry[];
  formats: InventoryFormat[];
  /** Pods in Succeeded/Failed phase and stopped VMs: seen but not running; counted, not exposed. */
  notRunning: number;
}

/**
 * Limits of one document (one import, push or scan): a team's inventory decides what it is
 * escalated about and is read on every match, so it must stay small and its numbers sane.
 */
export const INVENTORY_LIMITS = { entriesPerDocument: 20_000, countPerEntry: 100_000, sourcesPerTeam: 20 } as const;

/** Control characters (terminal escapes, NUL) never reach a message, a log or a terminal. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const clean = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 500);

/** A count as given: a whole number from 1 to the limit, or a clear error naming where. */
export function countOf(value: unknown, where: string): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > INVENTORY_LIMITS.countPerEntry) throw new InventoryFormatError(`${where}: the count must be a whole number from 1 to ${INVENTORY_LIMITS.countPerEntry.toLocaleString('en')} (got ${(JSON.stringify(value) ?? typeof value).slice(0, 40)})`);
  return value;
}

export function entryOf(rawRef: string, kind: InventoryKind, rawWhere: string, key: string, count = 1): InventoryEntry {
  const ref = clean(rawRef);
  const where = clean(rawWhere);
  const read = readImageReference(ref);
  return read.status === 'recognised'
    ? { ref, kind, count, where, key, status: 'recognised', line: read.line, problem: null }
    : { ref, kind, count, where, key, status: read.status, line: null, problem: read.reason };
}

const lastSegment = (url: unknown): string => (typeof url === 'string' ? (url.split('/').pop() ?? url) : '');
const asArray = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const asRecord = (x: unknown): Record<string, unknown> => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);

/** "projects/p/zones/us-central1-a/instances/vm-1" (any URL form) → "us-central1-a/vm-1". */
function instanceKey(url: string, zone?: string): string {
  const m = /zones\/([^/]+)\/instances\/([^/]+)$/.exec(url);
  return m ? `vm:${m[1]}/${m[2]}` : `vm:${zone ?? ''}/${lastSegment(url)}`;
}

function detect(file: InventoryFile): { format: InventoryFormat; data: unknown } {
  const text = file.text.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  if (trimmed === '') throw new InventoryFormatError(`${file.name}: the file is empty`);
  if (!/^[[{]/.test(trimmed)) return { format: 'list', data: text };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (err) {
    throw new InventoryFormatError(`${file.name}: not valid JSON (${(err as Error).message}); give gcloud's --format=json output, kubectl's -o json output, or a plain list of image references`);
  }
  const record = asRecord(data);
  if (Array.isArray(record.references)) return { format: 'references', data };
  if (record.kind === 'List' || record.items !== undefined || typeof record.apiVersion === 'string' || (typeof record.kind === 'string' && 'metadata' in record)) return { format: 'kubectl', data };
  const items = Array.isArray(data) ? data : [data];
  if (items.length === 0) return { format: 'gcloud-instances', data: [] };
  if (items.every((x) => typeof x === 'string')) return { format: 'references', data: { references: items } };
  const first = asRecord(items[0]);
  if (Array.isArray(first.disks) || (str(first.kind) ?? '') === 'compute#instance') return { format: 'gcloud-instances', data: items };
  if ('sourceImage' in first || 'sizeGb' in first || (str(first.kind) ?? '') === 'compute#disk') return { format: 'gcloud-disks', data: items };
  throw new InventoryFormatError(`${file.name}: JSON of an unknown shape (expected gcloud compute instances/disks list --format=json, kubectl get pods -o json, or {"references": [...]})`);
}

/** Any form of a disk's URL or path (with or without project, or built from zone and name) → "zones/<zone>/disks/<name>". */
function diskKey(ref: string): string {
  const m = /zones\/([^/]+)\/disks\/([^/]+)$/.exec(ref);
  return m ? `zones/${m[1]}/disks/${m[2]}` : ref;
}

interface DiskInfo {
  sourceImage: string | null;
  licenses: string[];
}

/**
 * All files of one import, read together: disks first, so instances can find their boot disk's
 * image. An instance whose image is known from nowhere is listed as unreadable, with what to add.
 */
export function readInventoryFiles(files: InventoryFile[]): ReadInventory {
  const parsed = files.map((f) => ({ file: f, ...detect(f) }));
  const entries: InventoryEntry[] = [];
  let notRunning = 0;
  const disks = new Map<string, DiskInfo>();
  for (const p of parsed.filter((x) => x.format === 'gcloud-disks')) {
    for (const raw of asArray(p.data)) {
      const d = asRecord(raw);
      disks.set(diskKey(str(d.selfLink) ?? `zones/${lastSegment(d.zone)}/disks/${str(d.name) ?? ''}`), { sourceImage: str(d.sourceImage), licenses: asArray(d.licenses).filter((l): l is string => typeof l === 'string') });
    }
  }
  const diskOf = (source: string): DiskInfo | undefined => disks.get(diskKey(source));
  // The VMs of the instances files: a disk attached to one of them is that VM (counted once);
  // a disk attached to a VM they do not list still tells of a running VM.
  const listedVms = new Set<string>();
  for (const p of parsed.filter((x) => x.format === 'gcloud-instances')) {
    for (const raw of asArray(p.data)) {
      const vm = asRecord(raw);
      const zone = lastSegment(vm.zone);
      listedVms.add(instanceKey(str(vm.selfLink) ?? `zones/${zone}/instances/${str(vm.name) ?? '?'}`, zone));
    }
  }
  for (const p of parsed) {
    switch (p.format) {
      case 'gcloud-instances':
        for (const raw of asArray(p.data)) {
          const vm = asRecord(raw);
          const name = (str(vm.name) ?? '?');
          const zone = lastSegment(vm.zone);
          const where = `${p.file.name}: instance ${name}${zone ? ` (${zone})` : ''}`;
          const key = instanceKey(str(vm.selfLink) ?? `zones/${zone}/instances/${name}`, zone);
          if (vm.status === 'TERMINATED' || vm.status === 'STOPPED' || vm.status === 'SUSPENDED') {
            notRunning++;
            continue;
          }
          // The boot disk; without a boot flag, the disk whose image is known (a data disk has none).
          const attached = asArray(vm.disks).map(asRecord);
          const boot = attached.find((d) => d.boot === true) ?? attached.find((d) => str(d.source) && diskOf(String(d.source))?.sourceImage) ?? attached[0] ?? {};
          const disk = str(boot.source) ? diskOf(String(boot.source)) : undefined;
          const image = disk?.sourceImage ?? null;
          if (image) {
            entries.push(entryOf(image, 'vm', where, key));
            continue;
          }
          // Without the disk: a Deep Learning license the grammar reads names the line.
          const licenses = [...asArray(boot.licenses), ...(disk?.licenses ?? [])].filter((l): l is string => typeof l === 'string');
          const readable = licenses.map((l) => lastSegment(l)).find((l) => readImageReference(l).status === 'recognised');
          if (readable) entries.push(entryOf(readable, 'vm', `${where}, from its license`, key));
          else
            entries.push({
              ref: str(boot.source) ?? name,
              kind: 'vm',
              count: 1,
              where,
              key,
              // Not known to be a Deep Learning image, not known not to be: listed, with what to add.
              status: 'unreadable',
              line: null,
              problem: `the boot disk's image is not in the instances list: import \`gcloud compute disks list --format=json\` with it${licenses.length > 0 ? ` (licenses: ${licenses.map(lastSegment).join(', ')})` : ''}`,
            });
        }
        break;
      case 'gcloud-disks':
        for (const raw of asArray(p.data)) {
          const d = asRecord(raw);
          const name = (str(d.name) ?? '?');
          const zone = lastSegment(d.zone);
          const users = asArray(d.users).filter((u): u is string => typeof u === 'string');
          const image = str(d.sourceImage);
          // Attached disks are their VMs (counted once with the instances file); free disks are disks.
          if (!image) continue; // a blank data disk: no image to run
          const unlisted = users.filter((u) => !listedVms.has(instanceKey(u, zone)));
          if (users.length > 0) for (const u of unlisted) entries.push(entryOf(image, 'vm', `${p.file.name}: instance ${lastSegment(u)} (disk ${name}${zone ? `, ${zone}` : ''})`, instanceKey(u, zone)));
          else entries.push(entryOf(image, 'disk', `${p.file.name}: disk ${name}${zone ? ` (${zone})` : ''}, attached to nothing`, `disk:${zone}/${name}`));
        }
        break;
      case 'kubectl': {
        const r = kubernetesEntries(p.data, p.file.name);
        entries.push(...r.entries);
        notRunning += r.notRunning;
        break;
      }
      case 'references':
        asArray(asRecord(p.data).references).forEach((item, i) => {
          const o = typeof item === 'string' ? { image: item } : asRecord(item);
          const image = str(o.image) ?? str(o.ref);
          if (!image) throw new InventoryFormatError(`${p.file.name}: references[${i}] needs "image" (a string)`);
          const count = countOf(o.count, `${p.file.name}: references[${i}].count`);
          const where = str(o.where) ?? `${p.file.name}: references[${i}]`;
          entries.push(entryOf(image, 'ref', where, `ref:${where}|${image}`, count));
        });
        break;
      case 'list':
        String(p.data)
          .split(/\r?\n/)
          .forEach((raw, i) => {
            const line = raw.replace(/(^|\s)#.*$/, '').trim();
            if (line === '') return;
            const m = /^(\S+)(?:\s+(?:x\s*)?(\d+))?$/.exec(line);
            if (!m) {
              entries.push({ ref: clean(line), kind: 'ref', count: 1, where: `${p.file.name}:${i + 1}`, key: `ref:${p.file.name}:${i + 1}`, status: 'unreadable', line: null, problem: `"${clean(line).slice(0, 120)}": one image reference per line, optionally followed by a count` });
              return;
            }
            entries.push(entryOf(m[1] ?? '', 'ref', `${p.file.name}:${i + 1}`, `ref:${p.file.name}:${i + 1}`, m[2] ? countOf(Number(m[2]), `${p.file.name}:${i + 1}`) : 1));
          });
        break;
    }
  }
  if (entries.length > INVENTORY_LIMITS.entriesPerDocument) throw new InventoryFormatError(`${files.map((f) => f.name).join(', ')}: ${entries.length.toLocaleString('en')} image references, more than the ${INVENTORY_LIMITS.entriesPerDocument.toLocaleString('en')} one source may hold: split it into several sources (?source=…, --source)`);
  return { entries, formats: [...new Set(parsed.map((p) => p.format))], notRunning };
}

const WORKLOADS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

/**
 * Containers of Pods (and of workloads' pod templates) in a v1 List, or one object. When the list
 * has Pods, they are what runs: the workloads beside them (`kubectl get all`) are their templates
 * and are not counted again. Without Pods, a workload counts its desired replicas; ReplicaSets
 * owned by a Deployment, workloads scaled to 0 and suspended CronJobs are not running.
 */
function kubernetesEntries(data: unknown, file: string): { entries: InventoryEntry[]; notRunning: number } {
  const root = asRecord(data);
  if (root.items !== undefined && !Array.isArray(root.items)) throw new InventoryFormatError(`${file}: "items" must be a list (kubectl get pods -A -o json)`);
  const items = (Array.isArray(root.items) ? root.items : [root]).map(asRecord);
  const kindOf = (item: Record<string, unknown>): string => str(item.kind) ?? '';
  const unknown = items.find((i) => !WORKLOADS.has(kindOf(i)));
  if (!Array.isArray(root.items) && unknown) throw new InventoryFormatError(`${file}: a Kubernetes object of kind "${kindOf(unknown).slice(0, 40) || '(none)'}": expected Pods (kubectl get pods -A -o json) or workloads`);
  const hasPods = items.some((i) => kindOf(i) === 'Pod');
  const entries: InventoryEntry[] = [];
  let notRunning = 0;
  for (const item of items) {
    const kind = kindOf(item);
    if (!WORKLOADS.has(kind) || (hasPods && kind !== 'Pod')) continue;
    const meta = asRecord(item.metadata);
    const name = `${str(meta.namespace) ?? 'default'}/${str(meta.name) ?? '?'}`;
    const spec = asRecord(item.spec);
    // Pod: spec; Deployment/StatefulSet/DaemonSet/Job: spec.template.spec; CronJob: spec.jobTemplate.spec.template.spec.
    const podSpec = kind === 'Pod' ? spec : kind === 'CronJob' ? asRecord(asRecord(asRecord(asRecord(spec.jobTemplate).spec).template).spec) : asRecord(asRecord(spec.template).spec);
    const phase = asRecord(item.status).phase;
    const ownedByDeployment = asArray(meta.ownerReferences).some((o) => asRecord(o).kind === 'Deployment');
    const replicas = kind === 'Pod' || kind === 'DaemonSet' || kind === 'CronJob' || kind === 'Job' || spec.replicas === undefined ? 1 : Number(spec.replicas);
    if ((kind === 'Pod' && (phase === 'Succeeded' || phase === 'Failed')) || (kind === 'ReplicaSet' && ownedByDeployment) || replicas === 0 || (kind === 'CronJob' && spec.suspend === true)) {
      notRunning++;
      continue;
    }
    const count = countOf(replicas, `${file}: ${kind.toLowerCase()} ${name}: replicas`);
    const digests = new Map<string, string>();
    for (const s of asArray(asRecord(item.status).containerStatuses).map(asRecord)) {
      const id = str(s.imageID);
      const at = id?.indexOf('@sha256:') ?? -1;
      if (id && at >= 0 && str(s.name)) digests.set(String(s.name), id.slice(at + 1));
    }
    for (const c of [...asArray(podSpec.initContainers), ...asArray(podSpec.containers)].map(asRecord)) {
      const image = str(c.image);
      if (!image) continue;
      const cname = str(c.name) ?? '?';
      const digest = digests.get(cname);
      const ref = digest && !image.includes('@') ? `${image}@${digest}` : image;
      const what = kind === 'Pod' ? `pod ${name}` : `${kind.toLowerCase()} ${name}`;
      entries.push(entryOf(ref, 'pod', `${file}: ${what}, container ${cname}`, `pod:${kind}/${name}/${cname}`, count));
    }
  }
  return { entries, notRunning };
}
