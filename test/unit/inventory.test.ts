// Inventory (issue #17), the pure parts: image references → lines, each import format, the
// repository scan, exposure against the real DLVM supported-versions table, `from: inventory`
// matching, security urgency for lines in use, and the escalation ladder on an injected clock.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TeamSchema, type TeamConfig } from '../../src/config/schema.js';
import { exposureEscalationsDue, exposureForEvent, exposureText, teamExposure, type ExposureEscalationState, type InventoryDoc } from '../../src/domain/exposure.js';
import { matchEvents, whyNot } from '../../src/domain/matching.js';
import { addDays } from '../../src/domain/lifecycle.js';
import { readInventoryFiles, InventoryFormatError } from '../../src/inventory/formats.js';
import { readImageReference } from '../../src/inventory/references.js';
import { scanRepository, scanText } from '../../src/inventory/scan.js';
import { linesOfTable, parseVersionsTable } from '../../src/ingest/versions-table.js';
import { declaredDoc, withInventory } from '../../src/processors/exposure.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeEvent } from '../helpers/events.js';

const fixture = (name: string): { name: string; text: string } => ({ name, text: readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8') });
const LINES = linesOfTable(parseVersionsTable(readFileSync(new URL('../fixtures/dlvm/versions-table.html', import.meta.url), 'utf8')).rows, 'dlvm-images', new Date('2026-04-10T00:00:00Z'));
const team = (over: Record<string, unknown> = {}): TeamConfig => TeamSchema.parse({ id: 'ml', name: 'ML', slack: { channels: ['#ml'] }, subscriptions: [{ from: 'inventory' }], ...over });
const doc = (at: string, files: { name: string; text: string }[], source = 'gcloud'): InventoryDoc => {
  const r = readInventoryFiles(files);
  return { source, at, entries: r.entries, notRunning: r.notRunning, declared: false };
};
const DAY = 86_400_000;

/** The problems loadConfig reports for a teams.yaml (with a minimal sources.yaml). */
async function teamsProblems(teams: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-inv-cfg-'));
  await writeFile(path.join(dir, 'sources.yaml'), 'sources:\n  - id: s\n    kind: feed\n    url: https://example.com/feed.xml\n');
  await writeFile(path.join(dir, 'teams.yaml'), teams);
  const err = await loadConfig(dir).then(() => null, (e: unknown) => e);
  return err instanceof ConfigError ? err.problems : [];
}

describe('image references → lines', () => {
  it.each([
    ['pytorch-2-4-v20250325-py310', 'pytorch', '2.4', 'pytorch-2-4-py310', 'v20250325', 'vm-image'],
    ['pytorch-2-7-cu128-ubuntu-2204-nvidia-570-v20250701', 'pytorch', '2.7', 'pytorch-2-7-cu128-ubuntu-2204-nvidia-570', 'v20250701', 'vm-image'],
    ['common-cu129-ubuntu-2404-nvidia-580-v20250901', 'base', '12.9', 'common-cu129-ubuntu-2404-nvidia-580', 'v20250901', 'vm-image'],
    ['tf-2-17-cu123-v20240922-debian-11-py310', 'tensorflow', '2.17', 'tf-2-17-cu123-debian-11-py310', 'v20240922', 'vm-image'],
    ['https://www.googleapis.com/compute/v1/projects/deeplearning-platform-release/global/images/pytorch-2-4-v20250610-py310', 'pytorch', '2.4', 'pytorch-2-4-py310', 'v20250610', 'vm-image'],
    ['projects/deeplearning-platform-release/global/images/family/tf-2-17-cu123-debian-11-py310', 'tensorflow', '2.17', 'tf-2-17-cu123-debian-11-py310', null, 'vm-image'],
    ['us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126', 'pytorch', '2.4', 'us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310', 'm126', 'container'],
    ['gcr.io/deeplearning-platform-release/tf-gpu.2-17.py310@sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d', 'tensorflow', '2.17', 'gcr.io/deeplearning-platform-release/tf-gpu.2-17.py310', null, 'container'],
    ['us-docker.pkg.dev/deeplearning-platform-release/gcr.io/base-cu124.py310:m120', 'base', '12.4', 'us-docker.pkg.dev/deeplearning-platform-release/gcr.io/base-cu124.py310', 'm120', 'container'],
    ['us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-4:latest', 'pytorch', '2.4', 'us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-4', 'latest', 'container'],
  ])('%s', (ref, framework, version, family, build, type) => {
    const read = readImageReference(ref);
    expect(read.status).toBe('recognised');
    if (read.status !== 'recognised') return;
    expect(read.line).toMatchObject({ framework, version, family, build, type });
  });

  it('keeps the digest of a pinned container', () => {
    const read = readImageReference('gcr.io/deeplearning-platform-release/tf-gpu.2-17.py310@sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d');
    expect(read.status === 'recognised' && read.line.digest).toBe('sha256:9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d');
  });

  it('tells another image from a Deep Learning image it cannot read', () => {
    expect(readImageReference('nginx:1.27').status).toBe('other');
    expect(readImageReference('projects/debian-cloud/global/images/debian-12-bookworm-v20251111').status).toBe('other');
    // A Hugging Face container is read by the same grammar as the others: its own line, TGI 2.4.
    const hf = readImageReference('us-docker.pkg.dev/deeplearning-platform-release/gcr.io/huggingface-text-generation-inference-cu124.2-4.ubuntu2204.py311');
    expect(hf.status === 'recognised' && [hf.line.framework, hf.line.version, hf.line.os]).toEqual(['huggingface', '2.4', 'Ubuntu 22.04']);
    const workbench = readImageReference('us-docker.pkg.dev/deeplearning-platform-release/gcr.io/workbench-container:m130');
    expect(workbench.status).toBe('unreadable');
    expect(workbench.status !== 'recognised' && workbench.reason).toContain('workbench-container');
    expect(readImageReference('projects/deeplearning-platform-release/global/images/workbench-instances-v20250811').status).toBe('unreadable');
  });
});

describe('import formats', () => {
  it('joins gcloud instances and disks: a VM is read from its boot disk, once; stopped VMs and free data disks are said', () => {
    const r = readInventoryFiles([fixture('gcloud-instances.json'), fixture('gcloud-disks.json')]);
    expect(r.formats).toEqual(['gcloud-instances', 'gcloud-disks']);
    expect(r.notRunning).toBe(1); // old-notebook is TERMINATED
    const vms = r.entries.filter((e) => e.kind === 'vm' && e.status === 'recognised');
    expect(vms.map((e) => [e.where, e.line?.framework, e.line?.version])).toEqual([
      ['gcloud-instances.json: instance trainer-1 (us-central1-a)', 'pytorch', '2.4'],
      ['gcloud-instances.json: instance trainer-2 (us-central1-a)', 'pytorch', '2.4'],
      ['gcloud-instances.json: instance cuda-box (europe-west4-b)', 'base', '12.9'],
    ]);
    expect(r.entries.find((e) => e.where.includes('bastion'))?.status).toBe('other');
    expect(r.entries.find((e) => e.where.includes('tf-snapshot-restore'))).toMatchObject({ kind: 'disk', status: 'recognised' });
    expect(r.entries.find((e) => e.where.includes('mystery'))?.status).toBe('unreadable');
  });

  it('instances alone: the image is unknown, so each VM is listed as unrecognised with what to import', () => {
    const r = readInventoryFiles([fixture('gcloud-instances.json')]);
    const trainer = r.entries.find((e) => e.where.includes('trainer-1'));
    expect(trainer?.status).toBe('unreadable');
    expect(trainer?.problem).toContain('gcloud compute disks list --format=json');
  });

  it('kubectl pods: containers with tags and digests; finished pods are not running; sidecars are other images', () => {
    const r = readInventoryFiles([fixture('kubectl-pods.json')]);
    expect(r.formats).toEqual(['kubectl']);
    expect(r.notRunning).toBe(1);
    const recognised = r.entries.filter((e) => e.status === 'recognised');
    expect(recognised.map((e) => `${e.where} → ${e.line?.framework} ${e.line?.version}`)).toEqual([
      'kubectl-pods.json: pod ml/trainer-0, container pytorch → pytorch 2.4',
      'kubectl-pods.json: pod ml/trainer-1, container pytorch → pytorch 2.4',
      'kubectl-pods.json: pod serving/serve-tf-7d9c, container model → tensorflow 2.17',
      'kubectl-pods.json: pod serving/tgi-0, container tgi → huggingface 2.4',
    ]);
    expect(recognised[0]?.line?.digest).toMatch(/^sha256:3f1c2b9a/);
    expect(r.entries.filter((e) => e.status === 'unreadable').map((e) => e.where)).toEqual(['kubectl-pods.json: pod research/notebook-0, container notebook']);
  });

  it('workloads count their replicas', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'serve', namespace: 'prod' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'm', image: 'us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126' }] } } } };
    const r = readInventoryFiles([{ name: 'deploy.json', text: JSON.stringify(deployment) }]);
    expect(r.entries).toMatchObject([{ kind: 'pod', count: 3, where: 'deploy.json: deployment prod/serve, container m', status: 'recognised' }]);
  });

  it('a plain list: counts, comments, line numbers', () => {
    const r = readInventoryFiles([fixture('images.txt')]);
    expect(r.entries.map((e) => [e.where, e.status, e.count])).toEqual([
      ['images.txt:2', 'recognised', 4],
      ['images.txt:3', 'recognised', 1],
      ['images.txt:4', 'recognised', 2],
      ['images.txt:5', 'other', 1],
      ['images.txt:6', 'recognised', 1],
    ]);
  });

  it('refuses what it cannot read, naming the file', () => {
    expect(() => readInventoryFiles([{ name: 'x.json', text: '{"hello": 1}' }])).toThrow(InventoryFormatError);
    expect(() => readInventoryFiles([{ name: 'x.json', text: '[{"name": ' }])).toThrow(/x\.json: not valid JSON/);
    expect(() => readInventoryFiles([{ name: 'empty.txt', text: '  \n' }])).toThrow(/empty\.txt: the file is empty/);
    expect(() => readInventoryFiles([{ name: 'p.json', text: '{"references": [{"image": "pytorch-2-4-py310", "count": 0}]}' }])).toThrow(/references\[0\]\.count/);
  });
});

describe('hostile and slightly different input (the review of #17)', () => {
  const json = (name: string, value: unknown) => ({ name, text: JSON.stringify(value) });
  it('refuses counts that are not whole numbers within the limit, naming where', () => {
    for (const count of [1e16, 0, -1, 2.5, '7', true, [5]]) {
      expect(() => readInventoryFiles([json('ci', { references: [{ image: 'pytorch-2-4-py310', count }] })])).toThrow(/ci: references\[0\]\.count: the count must be a whole number from 1 to 100,000/);
    }
    expect(() => readInventoryFiles([{ name: 'l.txt', text: 'pytorch-2-4-py310 99999999999999999999\n' }])).toThrow(/l\.txt:1: the count/);
    expect(() => readInventoryFiles([json('d', { kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 1e300, template: { spec: { containers: [{ name: 'm', image: 'pytorch-2-4-py310' }] } } } })])).toThrow(/replicas/);
  });

  it('refuses a source with more references than one source may hold', () => {
    const references = Array.from({ length: 20_001 }, (_, i) => ({ image: 'pytorch-2-4-py310', where: `vm-${i}` }));
    expect(() => readInventoryFiles([json('big', { references })])).toThrow(/more than the 20,000 one source may hold/);
  });

  it('kubectl get all: the pods are what runs, not again their Deployment and ReplicaSet; scaled to 0 and suspended are not running', () => {
    const tpl = { spec: { containers: [{ name: 'm', image: 'us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126' }] } };
    const all = { apiVersion: 'v1', kind: 'List', items: [
      { kind: 'Pod', metadata: { name: 'serve-abc-1', namespace: 'p' }, spec: tpl.spec, status: { phase: 'Running' } },
      { kind: 'Pod', metadata: { name: 'serve-abc-2', namespace: 'p' }, spec: tpl.spec, status: { phase: 'Running' } },
      { kind: 'Deployment', metadata: { name: 'serve', namespace: 'p' }, spec: { replicas: 2, template: tpl } },
      { kind: 'ReplicaSet', metadata: { name: 'serve-abc', namespace: 'p', ownerReferences: [{ kind: 'Deployment', name: 'serve' }] }, spec: { replicas: 2, template: tpl } },
    ] };
    const r = readInventoryFiles([json('all', all)]);
    expect(r.entries.map((e) => [e.where, e.count])).toEqual([['all: pod p/serve-abc-1, container m', 1], ['all: pod p/serve-abc-2, container m', 1]]);
    const workloads = { kind: 'List', items: [
      { kind: 'Deployment', metadata: { name: 'idle', namespace: 'p' }, spec: { replicas: 0, template: tpl } },
      { kind: 'CronJob', metadata: { name: 'nightly', namespace: 'p' }, spec: { suspend: true, jobTemplate: { spec: { template: tpl } } } },
      { kind: 'ReplicaSet', metadata: { name: 'old', namespace: 'p', ownerReferences: [{ kind: 'Deployment' }] }, spec: { replicas: 0, template: tpl } },
      { kind: 'StatefulSet', metadata: { name: 'db', namespace: 'p' }, spec: { replicas: 3, template: tpl } },
    ] };
    const w = readInventoryFiles([json('w', workloads)]);
    expect(w.entries.map((e) => [e.where, e.count])).toEqual([['w: statefulset p/db, container m', 3]]);
    expect(w.notRunning).toBe(3);
  });

  it('refuses Kubernetes JSON that is not what kubectl prints instead of emptying the source', () => {
    expect(() => readInventoryFiles([json('k', { kind: 'List', items: 'x' })])).toThrow(/"items" must be a list/);
    expect(() => readInventoryFiles([json('k', { apiVersion: 'v1' })])).toThrow(/kind "\(none\)"/);
    expect(() => readInventoryFiles([json('k', { apiVersion: 'v1', kind: 'Service' })])).toThrow(/kind "Service"/);
  });

  it('gcloud: a disk without selfLink still joins its VM; a disk of a VM the instances file lacks still counts; without a boot flag the disk with an image is the boot disk', () => {
    const instances = [{ name: 'a', zone: 'projects/p/zones/z1', status: 'RUNNING', disks: [{ source: 'https://www.googleapis.com/compute/v1/projects/p/zones/z1/disks/data-a' }, { source: 'https://www.googleapis.com/compute/v1/projects/p/zones/z1/disks/a' }] }];
    const disks = [
      { name: 'a', zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/z1', sourceImage: 'projects/deeplearning-platform-release/global/images/pytorch-2-4-v20250325-py310', users: ['projects/p/zones/z1/instances/a'] },
      { name: 'data-a', zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/z1', sizeGb: '500', users: ['projects/p/zones/z1/instances/a'] },
      { name: 'b', zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/z1', sourceImage: 'projects/deeplearning-platform-release/global/images/tf-2-17-cu123-v20240922-debian-11-py310', users: ['projects/p/zones/z1/instances/b'] },
    ];
    const r = readInventoryFiles([json('instances.json', instances), json('disks.json', disks)]);
    expect(r.entries.map((e) => [e.where, e.status, e.line?.framework])).toEqual([
      ['instances.json: instance a (z1)', 'recognised', 'pytorch'],
      ['disks.json: instance b (disk b, z1)', 'recognised', 'tensorflow'],
    ]);
  });

  it('a name that looks like ours in another project or registry is not Google\'s; a malformed tag is not read', () => {
    expect(readImageReference('projects/my-proj/global/images/pytorch-2-4-custom-build').status).toBe('other');
    expect(readImageReference('myregistry.example.com/team/pytorch-gpu.2-4.py310:v1').status).toBe('other');
    expect(readImageReference('us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126,').status).toBe('unreadable');
    expect(readImageReference('europe-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126').status).toBe('recognised');
  });

  it('control characters never reach a message or a terminal', () => {
    const r = readInventoryFiles([json('ci', { references: [{ image: 'pytorch-2-4-py310', where: 'vm \u001b[31mred\u0007' }] })]);
    expect(r.entries[0]?.where).toBe('vm  [31mred ');
  });
});

describe('repository scan', () => {
  it('finds image URIs in Dockerfiles, Kubernetes, Kubeflow pipelines, Terraform and scripts, with file:line; skips vendored code', async () => {
    const r = await scanRepository(new URL('../fixtures/inventory/repo', import.meta.url).pathname);
    expect(r.entries.map((e) => `${e.where} ${e.status} ${e.line ? `${e.line.framework} ${e.line.version}` : ''}`.trim())).toEqual([
      'docker/Dockerfile:2 recognised pytorch 2.4',
      'infra/main.tf:2 recognised pytorch 2.4',
      'infra/main.tf:11 recognised base 12.9',
      'k8s/trainer.yaml:10 recognised tensorflow 2.17',
      'pipelines/train_pipeline.py:3 recognised pytorch 2.4',
      'pipelines/train_pipeline.py:7 recognised huggingface 4.44',
      'pipelines/train_pipeline.py:11 unreadable',
      'scripts/create-vm.sh:3 recognised tensorflow 2.17',
    ]);
  });

  it('a commented-out reference is not in use', () => {
    expect(scanText('main.tf', '# family = "common-cu121-debian-11"\n// image = "projects/deeplearning-platform-release/global/images/family/pytorch-2-4-py310"\nproject = "deeplearning-platform-release"\n')).toEqual([]);
  });

  it('a family value counts only in a file that names the Deep Learning project, and a font is not an image', () => {
    expect(scanText('a.yaml', 'family: pytorch-2-4-py310\n')).toEqual([]);
    expect(scanText('b.yaml', 'project: deeplearning-platform-release\nfamily: Roboto\nfamily: pytorch-2-4-py310\n').map((e) => e.where)).toEqual(['b.yaml:3']);
  });
});

describe('exposure', () => {
  const now = new Date('2026-04-20T12:00:00Z');
  const exposureAt = (at: Date, docs: InventoryDoc[], t = team()) => teamExposure({ teamId: t.id, docs, lines: LINES, notices: [], now: at, today: at.toISOString().slice(0, 10), staleAfterMs: 7 * DAY });

  it('groups what runs by line: counts, where, last seen, state and upgrade; one VM seen twice counts once', () => {
    const gcloud = doc('2026-04-20T10:00:00Z', [fixture('gcloud-instances.json'), fixture('gcloud-disks.json')]);
    const disksAgain = doc('2026-04-20T11:00:00Z', [fixture('gcloud-disks.json')], 'disks');
    const pods = doc('2026-04-20T11:30:00Z', [fixture('kubectl-pods.json')], 'kubectl');
    const x = exposureAt(now, [gcloud, disksAgain, pods]);
    const pytorch = x.lines.find((l) => l.key === 'pytorch|2.4');
    expect(pytorch?.counts).toEqual({ vm: 2, disk: 0, pod: 2, ref: 0 });
    expect(pytorch?.state).toBe('past-end-of-patch');
    expect(pytorch?.endOfPatch).toBe('2025-07-24');
    expect(pytorch?.upgrade?.version).toBe('2.9');
    expect(pytorch?.lastSeen).toBe('2026-04-20T11:30:00Z');
    expect(pytorch?.where).toContain('kubectl-pods.json: pod ml/trainer-0, container pytorch');
    expect(x.lines.find((l) => l.key === 'base|12.9')?.state).toBe('supported');
    // Past end of patch first.
    expect(x.lines[0]?.state).toMatch(/^past-/);
    expect(x.lines.find((l) => l.key === 'huggingface|2.4')?.where).toContain('kubectl-pods.json: pod serving/tgi-0, container tgi');
    expect(x.unrecognised.map((u) => u.where)).toContain('kubectl-pods.json: pod research/notebook-0, container notebook');
  });

  it('says "you run this" with counts, age and origin, and flags a stale inventory', () => {
    const gcloud = doc('2026-04-20T10:00:00Z', [fixture('gcloud-instances.json'), fixture('gcloud-disks.json')]);
    const event = makeEvent('sec', { kind: 'security-update', framework: 'pytorch', version: '2.4.1' });
    const fresh = exposureForEvent(exposureAt(now, [gcloud]), event);
    expect(fresh && exposureText(fresh, now)).toBe('You run this: 2 VMs (PyTorch 2.4), last seen 2 h ago. From: gcloud-instances.json: instance trainer-1 (us-central1-a); gcloud-instances.json: instance trainer-2 (us-central1-a).');
    const later = new Date(now.getTime() + 10 * DAY);
    const stale = exposureForEvent(exposureAt(later, [gcloud]), event);
    expect(stale?.stale).toBe(true);
    expect(stale && exposureText(stale, later)).toContain('last seen 10 days ago (stale: the inventory was not refreshed since; it may be out of date)');
    // teams.yaml runs: are declared, never stale.
    const declared = declaredDoc(team({ runs: ['pytorch-2-4-py310'] }), now);
    expect(declared && exposureForEvent(exposureAt(later, [declared]), event)?.stale).toBe(false);
  });

  it('an event about a line the team does not run has no exposure; "and earlier" and framework-wide notes cover the lines under them', () => {
    const x = exposureAt(now, [doc('2026-04-20T10:00:00Z', [fixture('images.txt')], 'list')]);
    expect(exposureForEvent(x, makeEvent('a', { framework: 'pytorch', version: '2.9' }))).toBeNull();
    expect(exposureForEvent(x, makeEvent('b', { framework: 'pytorch', version: '2.7', scope: 'and-earlier' }))?.lines).toEqual(['PyTorch 2.4', 'PyTorch 2.7']);
    expect(exposureForEvent(x, makeEvent('c', { framework: 'tensorflow', version: null }))?.lines).toEqual(['TensorFlow 2.17']);
    expect(exposureForEvent(x, makeEvent('d', { framework: null, version: null, imageFamilies: ['tf-2-17-cu123-debian-11-py310'] }))?.lines).toEqual(['TensorFlow 2.17']);
  });
});

describe('from: inventory subscriptions', () => {
  const now = new Date('2026-04-20T12:00:00Z');
  const exposure = (t: TeamConfig) => teamExposure({ teamId: t.id, docs: [doc('2026-04-20T10:00:00Z', [fixture('kubectl-pods.json')], 'kubectl')], lines: LINES, notices: [], now, today: '2026-04-20', staleAfterMs: 7 * DAY });

  it('cover exactly the lines the team runs', () => {
    const t = team();
    const resolved = withInventory(t, exposure(t));
    expect(resolved.subscriptions[0]?.inUse?.map((l) => `${l.framework} ${l.version}`).sort()).toEqual(['huggingface 2.4', 'pytorch 2.4', 'tensorflow 2.17']);
    const events = [makeEvent('p24', { framework: 'pytorch', version: '2.4.1', kind: 'patch-update' }), makeEvent('p29', { framework: 'pytorch', version: '2.9', kind: 'patch-update' }), makeEvent('tf', { framework: 'tensorflow', version: '2.17', kind: 'patch-update' }), makeEvent('general', { framework: null, version: null, kind: 'patch-update' })];
    const [m] = matchEvents(events, [resolved], { now });
    expect(m?.digest.map((e) => e.id).sort()).toEqual([events[0]?.id, events[2]?.id].sort());
    expect(whyNot(resolved, events[1] as never, { now })).toContain('from: inventory, and the team runs no line this is about (it runs: tensorflow 2.17, pytorch 2.4, huggingface 2.4)');
    // Unresolved (no inventory): nothing, and it says so.
    expect(matchEvents(events, [t], { now })).toEqual([]);
  });

  it('keep kinds and delivery options', () => {
    const t = team({ subscriptions: [{ from: 'inventory', kinds: ['security-update'], deliver: 'immediate' }] });
    const [m] = matchEvents([makeEvent('s', { kind: 'security-update', framework: 'pytorch', version: '2.4' }), makeEvent('p', { kind: 'patch-update', framework: 'pytorch', version: '2.4' })], [withInventory(t, exposure(t))], { now });
    expect(m?.immediate.map((a) => a.event.kind)).toEqual(['security-update']);
    expect(m?.digest).toEqual([]);
  });

  it('are refused with frameworks or versions, naming the key; a misspelt `from` is refused too', async () => {
    const head = 'teams:\n  - id: ml\n    name: ML\n    slack: { channels: ["#ml"] }\n    subscriptions:\n';
    expect(await teamsProblems(`${head}      - from: inventory\n        frameworks: [pytorch]\n`)).toEqual([expect.stringContaining('teams.yaml: teams[0].subscriptions[0].frameworks: `from: inventory` covers exactly the lines the team runs')]);
    expect(await teamsProblems(`${head}      - from: inventory\n        versions: "2.x"\n`)).toEqual([expect.stringContaining('teams[0].subscriptions[0].versions')]);
    expect((await teamsProblems(`${head}      - from: inventry\n`)).join('\n')).toContain('teams[0].subscriptions[0].from');
    expect((await teamsProblems(`${head}      - kinds: [security-update]\n`)).join('\n')).toContain('teams[0].subscriptions[0].frameworks: a subscription needs `frameworks:` (e.g. [pytorch]) or `from: inventory`');
    expect(await teamsProblems(`${head}      - from: inventory\n    runs: [pytorch-2-4-py310, { image: "us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126", count: 3 }]\n    inventory: { staleAfter: 3d }\n`)).toEqual([]);
    expect((await teamsProblems(`${head}      - from: inventory\n    runs: [{ image: x, cnt: 3 }]\n`)).join('\n')).toContain('teams[0].runs[0]');
  });
});

describe('security updates for lines in use', () => {
  const exposed = (t: TeamConfig, now: Date, at = '2026-04-20T10:00:00Z') => new Map([[t.id, teamExposure({ teamId: t.id, docs: [doc(at, [fixture('kubectl-pods.json')], 'kubectl')], lines: LINES, notices: [], now, today: now.toISOString().slice(0, 10), staleAfterMs: 7 * DAY })]]);
  const sec = makeEvent('sec', { kind: 'security-update', framework: 'pytorch', version: '2.4', cves: ['CVE-2026-0001'] });

  it('go out at once under deliver: digest, for an exposed line only', () => {
    const t = team({ subscriptions: [{ frameworks: ['pytorch'], deliver: 'digest' }] });
    const now = new Date('2026-04-20T12:00:00Z');
    const other = makeEvent('sec29', { kind: 'security-update', framework: 'pytorch', version: '2.9' });
    const [m] = matchEvents([sec, other], [t], { now, exposure: exposed(t, now) });
    expect(m?.immediate.map((a) => [a.event.id, a.notBefore])).toEqual([[sec.id, null]]);
    expect(m?.digest.map((e) => e.id)).toEqual([other.id]);
  });

  it('wait out quiet hours (unlike security updates a subscription asked for at once)', () => {
    const t = team({ timezone: 'UTC', quietHours: { start: '22:00', end: '07:00' }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'digest' }] });
    const night = new Date('2026-04-20T23:30:00Z');
    const [m] = matchEvents([sec], [t], { now: night, exposure: exposed(t, night) });
    expect(m?.immediate[0]?.notBefore).toBe('2026-04-21T07:00:00.000Z');
    const immediate = team({ timezone: 'UTC', quietHours: { start: '22:00', end: '07:00' }, subscriptions: [{ frameworks: ['pytorch'], deliver: 'immediate' }] });
    expect(matchEvents([sec], [immediate], { now: night, exposure: exposed(immediate, night) })[0]?.immediate[0]?.notBefore).toBeNull();
  });

  it('a stale inventory is shown, not acted on: the update stays in the digest', () => {
    const t = team({ subscriptions: [{ frameworks: ['pytorch'], deliver: 'digest' }] });
    const later = new Date('2026-05-20T12:00:00Z');
    const [m] = matchEvents([sec], [t], { now: later, exposure: exposed(t, later) });
    expect(m?.digest.map((e) => e.id)).toEqual([sec.id]);
  });
});

describe('escalation ladder (injected clock)', () => {
  // pytorch 2.7: end of patch 2026-04-13, end of availability 2027-04-13 (the real table).
  const runs = team({ runs: ['pytorch-2-7-cu128-ubuntu-2204-nvidia-570', 'common-cu129-ubuntu-2404-nvidia-580'] });
  const on = (today: string) => teamExposure({ teamId: 'ml', docs: [declaredDoc(runs, new Date(`${today}T09:00:00Z`)) as InventoryDoc], lines: LINES, notices: [], now: new Date(`${today}T09:00:00Z`), today, staleAfterMs: 7 * DAY });

  it('once past end of patch, then weekly, urgent at once past end of availability; never for a supported line', () => {
    const state = new Map<string, ExposureEscalationState>();
    const sent: string[] = [];
    for (let day = '2026-04-10'; day <= '2027-04-30'; day = addDays(day, 1)) {
      for (const e of exposureEscalationsDue(on(day), state, day, () => null)) {
        sent.push(`${day} ${e.key}${e.urgent ? ' urgent' : ''} #${e.repeat}`);
        state.set(e.key, { on: day, urgent: e.urgent, count: e.repeat });
      }
    }
    expect(sent[0]).toBe('2026-04-14 pytorch|2.7 #1');
    expect(sent[1]).toBe('2026-04-21 pytorch|2.7 #2');
    expect(sent.every((s) => s.includes('pytorch|2.7'))).toBe(true); // base 12.9 is supported until 2028
    const urgent = sent.filter((s) => s.includes('urgent'));
    expect(urgent[0]?.startsWith('2027-04-14')).toBe(true);
    // Weekly: consecutive escalations are 7 days apart, except the turn to urgent.
    const days = sent.map((s) => s.slice(0, 10));
    const gaps = days.slice(1).map((d, i) => Math.round((Date.parse(d) - Date.parse(days[i] ?? d)) / DAY));
    expect(gaps.filter((g) => g !== 7).length).toBeLessThanOrEqual(1);
    expect(new Set(days).size).toBe(days.length); // never twice a day
  });

  it('stops while a plan or a mute excuses the line, and says nothing about a line no longer run', () => {
    expect(exposureEscalationsDue(on('2026-05-01'), new Map(), '2026-05-01', () => 'planned')).toEqual([]);
    const gone = teamExposure({ teamId: 'ml', docs: [], lines: LINES, notices: [], now: new Date('2026-05-01T09:00:00Z'), today: '2026-05-01', staleAfterMs: 7 * DAY });
    expect(exposureEscalationsDue(gone, new Map(), '2026-05-01', () => null)).toEqual([]);
  });
});
