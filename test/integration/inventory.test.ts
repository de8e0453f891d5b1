// Know what each team runs (issue #17), end to end through the real service: a team pushes its
// gcloud/kubectl output with its token, alerts about what it runs say so in Slack and email, a
// security update for a line in use does not wait for the digest (but waits out quiet hours),
// exposed alerts lead the digest, a line in use past end of patch is escalated once and weekly
// (urgent past end of availability) without duplicates even with two checks at once, and the
// status page, /teams/<team>/exposure, /metrics and the endoflife.date-shaped API show it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { JOB } from '../../src/queue/names.js';
import { makeEvent } from '../helpers/events.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { inventoryFixture, ML_TOKEN, startInventorySetup } from '../helpers/inventory.js';
import { REDIS_URL, waitFor } from '../helpers/redis.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/release-radar.js');

describe('inventory: push, exposure in messages, urgency, digest order', () => {
  const later = cleanupAfterEach();

  it('PUT needs the team token: refused without one, with a wrong one, or for a team that has none; bad bodies are refused naming the problem', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const s = await startInventorySetup(later, () => now);
    const body = inventoryFixture('kubectl-pods.json');
    expect((await s.push('ml', body, { token: null })).status).toBe(401);
    const wrong = await s.push('ml', body, { token: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toContain('INVENTORY_TOKEN_ML');
    const closed = await s.push('closed', body, { token: ML_TOKEN });
    expect(closed.status).toBe(403);
    expect(closed.json.message).toContain('set INVENTORY_TOKEN_CLOSED');
    expect((await s.push('nobody', body)).status).toBe(404);
    expect(await s.service.deps.inventory.docs('ml')).toEqual([]);

    const bad = await s.push('ml', '{"items": [', { source: 'cluster' });
    expect(bad.status).toBe(400);
    expect(String(bad.json.message)).toContain('cluster: not valid JSON');
    expect((await s.push('ml', body, { source: '../etc' })).status).toBe(400);

    // A count past the limit is refused with a clear 400 (it once passed and broke every team's match job).
    const huge = await s.push('ml', JSON.stringify({ references: [{ image: 'pytorch-2-7-cu128-ubuntu-2204-nvidia-570', count: 5e15 }] }), { source: 'ci' });
    expect(huge.status).toBe(400);
    expect(huge.json.message).toContain('references[0].count: the count must be a whole number from 1 to 100,000');
    // At most 20 sources per team.
    for (let i = 0; i < 20; i++) expect((await s.push('ml', JSON.stringify({ references: ['pytorch-2-4-py310'] }), { source: `s${i}` })).status).toBe(200);
    const more = await s.push('ml', JSON.stringify({ references: ['pytorch-2-4-py310'] }), { source: 's20' });
    expect(more.status).toBe(400);
    expect(more.json.message).toContain('already has 20 inventory sources');
    expect((await s.push('ml', JSON.stringify({ references: ['pytorch-2-7-cu128-ubuntu-2204-nvidia-570'] }), { source: 's3' })).status).toBe(200);
    for (let i = 0; i < 20; i++) await s.service.deps.inventory.remove('ml', `s${i}`);
    expect((await fetch(`${s.url}/teams/ML/inventory`, { method: 'PUT', body: '[]' })).status).toBe(404);

    const ok = await s.push('ml', body, { source: 'prod-cluster' });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, team: 'ml', source: 'prod-cluster', formats: ['kubectl'], recognised: 4, notRunning: 1 });
    // Not recognised is listed, not dropped.
    expect(ok.json.unrecognised).toEqual(expect.arrayContaining([expect.objectContaining({ where: 'prod-cluster: pod research/notebook-0, container notebook', status: 'unreadable' })]));
    // Pushed again: the source is replaced whole, not added to.
    await s.push('ml', JSON.stringify({ references: ['us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310:m126'] }), { source: 'prod-cluster' });
    const docs = await s.service.deps.inventory.docs('ml');
    expect(docs).toHaveLength(1);
    expect(docs[0]?.entries).toHaveLength(1);
  });

  it('alerts say "you run this" in Slack and email; a security update for a line in use skips the digest but waits out quiet hours; exposed alerts lead the digest', async () => {
    let now = new Date('2026-11-20T10:00:00Z');
    const s = await startInventorySetup(later, () => now);
    expect((await s.push('ml', inventoryFixture('gcloud-disks.json'), { source: 'gcloud' })).status).toBe(200);
    expect((await s.push('ml', inventoryFixture('kubectl-pods.json'), { source: 'kubectl' })).status).toBe(200);

    // ml delivers everything by digest; the security update about PyTorch 2.4, which it runs, goes now.
    const sec = makeEvent('sec-24', { kind: 'security-update', framework: 'pytorch', version: '2.4', cves: ['CVE-2026-1234'], title: 'Security update for PyTorch 2.4: CVE-2026-1234' });
    const sec29 = makeEvent('sec-29', { kind: 'security-update', framework: 'pytorch', version: '2.9', title: 'Security update for PyTorch 2.9' });
    await s.match([sec, sec29]);
    const ml = s.stub.alerts().filter((c) => c.body.channel === '#ml');
    expect(ml).toHaveLength(1);
    const blocks = JSON.stringify(ml[0]?.body.blocks);
    expect(blocks).toContain('You run this: 2 VMs, 2 pods (PyTorch 2.4), last seen just now.');
    expect(blocks).toContain('From: gcloud: instance trainer-1 (disk trainer-1, us-central1-a)');
    await waitFor(() => s.mail.messages.length === 1, 'the email');
    const mail = s.mail.messages[0];
    expect(mail?.text).toContain('You run this: 2 VMs, 2 pods (PyTorch 2.4)');
    expect(String(mail?.html)).toContain('🎯 You run this: 2 VMs, 2 pods (PyTorch 2.4)');

    // The digest: the PyTorch 2.4 patch (in use) comes before the PyTorch 2.9 one.
    now = new Date('2026-11-21T09:00:00Z');
    const patch29 = makeEvent('patch-29', { kind: 'patch-update', framework: 'pytorch', version: '2.9', title: 'PyTorch 2.9 patch update' });
    const patch24 = makeEvent('patch-24', { kind: 'patch-update', framework: 'pytorch', version: '2.4', title: 'PyTorch 2.4 patch update' });
    await s.match([patch29, patch24]);
    await s.digest('ml');
    const digest = s.stub.alerts().find((c) => c.body.channel === '#ml' && String(c.body.text).startsWith('Digest for ML Platform'));
    const text = JSON.stringify(digest?.body.blocks);
    expect(text.indexOf('About images you run')).toBeGreaterThan(0);
    expect(text.indexOf('PyTorch 2.4 patch update')).toBeLessThan(text.indexOf('PyTorch 2.9 patch update'));
    expect(text.indexOf('About images you run')).toBeLessThan(text.indexOf('PyTorch 2.4 patch update'));

    // At night (quiet hours 22:00–07:00), the same kind of update is held until 07:00, not sent.
    now = new Date('2026-11-21T23:00:00Z');
    const night = makeEvent('sec-24-night', { kind: 'security-update', framework: 'pytorch', version: '2.4.2', title: 'Security update for PyTorch 2.4.2' });
    await s.service.deps.queues.match.add(JOB.match, { sourceId: 'test', batchId: 'night', events: [night] });
    await waitFor(async () => (await s.service.deps.queues.deliver.getDelayedCount()) > 0, 'the held alert');
    const held = await s.service.deps.queues.deliver.getDelayed();
    expect(held.map((j) => [j.name, j.opts.delay])).toEqual(expect.arrayContaining([['send-slack', 8 * 3_600_000]]));
    // (The clock is the test's: the held jobs are removed so the real clock does not deliver them at the end.)
    await Promise.all(held.map((j) => j.remove()));

  });

  it('a team that pushes its kubectl output with `from: inventory` gets alerts only about what it runs', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const s = await startInventorySetup(later, () => now, { ADMIN_TOKEN: 'admin-token-0123456789' });
    // "runs" has no token of its own; the operator's ADMIN_TOKEN may push for any team.
    expect((await s.push('runs', inventoryFixture('kubectl-pods.json'), { source: 'kubectl', token: 'admin-token-0123456789' })).status).toBe(200);
    const events = [
      makeEvent('p24', { kind: 'patch-update', framework: 'pytorch', version: '2.4.1', title: 'PyTorch 2.4.1 patch' }),
      makeEvent('p27', { kind: 'patch-update', framework: 'pytorch', version: '2.7', title: 'PyTorch 2.7 patch' }),
      makeEvent('p29', { kind: 'patch-update', framework: 'pytorch', version: '2.9', title: 'PyTorch 2.9 patch' }),
      makeEvent('tf', { kind: 'dependency-update', framework: 'tensorflow', version: '2.17', title: 'TensorFlow 2.17 dependencies' }),
      makeEvent('general', { kind: 'other', framework: null, version: null, title: 'JupyterLab updated in all images' }),
    ];
    await s.match(events);
    // PyTorch 2.4 and TensorFlow 2.17 (pushed) and 2.7 (teams.yaml runs:); not 2.9, not the general note.
    const got = s.stub.alerts().filter((c) => c.body.channel === '#runs').map((c) => String(c.body.text)).sort();
    expect(got).toEqual(['ℹ️ PyTorch 2.4.1 patch', 'ℹ️ PyTorch 2.7 patch', 'ℹ️ TensorFlow 2.17 dependencies']);
  });

  it('status page, /teams/<team>/exposure, /metrics and stale inventory', async () => {
    let now = new Date('2026-11-20T10:00:00Z');
    const s = await startInventorySetup(later, () => now);
    await s.push('ml', inventoryFixture('kubectl-pods.json'), { source: 'kubectl' });
    const page = await (await fetch(`${s.url}/`)).text();
    expect(page).toContain('<h4>Images in use</h4>');
    expect(page).toMatch(/<tr data-line="pytorch\|2\.4" class="bad"><td>PyTorch 2\.4<\/td><td>past end of patch<\/td><td>484 days past end of patch \(2025-07-24\)<\/td><td>2 pods<\/td>/);
    // teams.yaml runs: of the "runs" team: PyTorch 2.7, 38 days past end of patch on 2026-11-20.
    expect(page).toMatch(/<tr data-line="pytorch\|2\.7" class="bad"><td>PyTorch 2\.7<\/td><td>past end of patch<\/td><td>38 days past end of patch \(2026-10-13\)<\/td><td>3 references in code or lists<\/td>/);

    // Without the token: lines and runway (as the page); with it: where each was found too.
    const open = (await (await fetch(`${s.url}/teams/ml/exposure`)).json()) as { lines: Record<string, unknown>[]; unrecognisedCount: number };
    expect(open.lines.map((l) => [l.key, l.state, l.summary])).toEqual([
      ['tensorflow|2.17', 'past-end-of-availability', '1 pod'],
      ['pytorch|2.4', 'past-end-of-patch', '2 pods'],
      // A line the supported-versions pages do not list (a Hugging Face container): what runs, its dates unknown.
      ['huggingface|2.4', 'unknown', '1 pod'],
    ]);
    expect(open.lines.every((l) => l.where === undefined)).toBe(true);
    expect(open.unrecognisedCount).toBeGreaterThan(0);
    const detailed = (await (await fetch(`${s.url}/teams/ml/exposure`, { headers: { authorization: `Bearer ${ML_TOKEN}` } })).json()) as { lines: { where: string[] }[]; unrecognised: unknown[] };
    expect(detailed.lines[1]?.where).toContain('kubectl: pod ml/trainer-0, container pytorch');
    expect(detailed.unrecognised.length).toBeGreaterThan(0);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('release_radar_exposed_instances{team="ml",line="pytorch|2.4",state="past-end-of-patch"} 2');
    expect(metrics).toContain('release_radar_exposed_instances{team="runs",line="pytorch|2.7",state="past-end-of-patch"} 3');

    // Eight days on, with no new push (staleAfter defaults to 7d): flagged, never silently trusted.
    now = new Date('2026-11-28T10:00:00Z');
    const stale = (await (await fetch(`${s.url}/teams/ml/exposure`)).json()) as { lines: { stale: boolean }[]; sources: { stale: boolean }[] };
    expect(stale.lines.every((l) => l.stale)).toBe(true);
    expect(stale.sources[0]?.stale).toBe(true);
    expect(await (await fetch(`${s.url}/`)).text()).toContain('(stale)');
    expect(await (await fetch(`${s.url}/metrics`)).text()).toContain('release_radar_exposed_instances{team="ml",line="pytorch|2.4",state="stale"} 2');
  });

  it('publishes the lifecycle in endoflife.date API v1 shape', async () => {
    const now = new Date('2026-11-20T10:00:00Z');
    const s = await startInventorySetup(later, () => now);
    const products = (await (await fetch(`${s.url}/api/v1/products`)).json()) as { schema_version: string; result: { name: string }[] };
    expect(products.schema_version).toBe('1.2.0');
    expect(products.result.map((p) => p.name)).toEqual(expect.arrayContaining(['google-dl-pytorch', 'google-dl-tensorflow', 'google-dl-base']));
    const pytorch = (await (await fetch(`${s.url}/api/v1/products/google-dl-pytorch`)).json()) as { result: { labels: Record<string, unknown>; releases: Record<string, unknown>[] } };
    expect(pytorch.result.labels).toMatchObject({ eol: 'End of patch and support', discontinued: 'End of availability' });
    const r27 = pytorch.result.releases.find((r) => r.name === '2.7');
    expect(r27).toMatchObject({ label: 'PyTorch 2.7', isEol: true, eolFrom: '2026-10-13', isDiscontinued: false, discontinuedFrom: '2027-04-13', isMaintained: false, latest: { name: 'pytorch-2-7-cu128-ubuntu-2204-nvidia-570' } });
    const latest = (await (await fetch(`${s.url}/api/v1/products/pytorch/releases/latest`)).json()) as { result: { name: string; isMaintained: boolean } };
    expect(latest.result.isMaintained).toBe(true);
    expect(pytorch.result.releases[0]?.name).toBe(latest.result.name);
    expect((await fetch(`${s.url}/api/v1/products/google-dl-cobol`)).status).toBe(404);
  });
});

describe('inventory: escalation when a line in use loses support', () => {
  const later = cleanupAfterEach();

  it('once past end of patch with the upgrade and the command, weekly after, once even with two checks at once, urgent past end of availability', async () => {
    let now = new Date('2026-10-20T08:00:00Z');
    const s = await startInventorySetup(later, () => now);
    const leads = (): string[] => s.stub.alerts().filter((c) => c.body.channel === '#runs-leads').map((c) => String(c.body.text));
    const team = (): string[] => s.stub.alerts().filter((c) => c.body.channel === '#runs').map((c) => String(c.body.text));
    const escalations = (): string[] => team().filter((t) => t.startsWith('You still run'));

    // Two reminder checks of the same day at once (two workers): one escalation.
    await Promise.all([s.service.deps.queues.remind.add(JOB.remind, { teamId: 'runs' }), s.service.deps.queues.remind.add(JOB.remind, { teamId: 'runs' })]);
    await s.remind('runs');
    await waitFor(() => escalations().length === 1, 'the first escalation');
    expect(escalations()[0]).toBe('You still run PyTorch 2.7, which gets no more patches since 2026-10-13');
    expect(leads()).toEqual(escalations());
    const message = JSON.stringify(s.stub.alerts().find((c) => c.body.channel === '#runs' && String(c.body.text).startsWith('You still run'))?.body.blocks);
    expect(message).toContain('You run this: 3 references in code or lists (PyTorch 2.7)');
    expect(message).toContain('teams.yaml: runs runs[0] (research cluster)');
    expect(message).toContain('Move to PyTorch 2.10');
    expect(message).toContain('gcloud compute instances create INSTANCE_NAME --zone=ZONE --image-family=pytorch-2-10');
    await waitFor(() => s.mail.messages.some((m) => String(m.subject).includes('You still run PyTorch 2.7')), 'the escalation email');
    // The day's reminder about the same line says so too.
    const reminder = s.stub.alerts().find((c) => c.body.channel === '#runs' && String(c.body.text).startsWith('End dates for Runs'));
    expect(JSON.stringify(reminder?.body.blocks)).toContain('🎯 You run this: 3 references in code or lists (PyTorch 2.7)');

    // The days after: nothing more; a week later: once more.
    for (const day of ['2026-10-21', '2026-10-26']) {
      now = new Date(`${day}T08:00:00Z`);
      await s.remind('runs');
    }
    expect(escalations()).toHaveLength(1);
    now = new Date('2026-10-27T08:00:00Z');
    await s.remind('runs');
    await waitFor(() => escalations().length === 2, 'the weekly escalation');

    // Past end of availability (2027-04-13): urgent at once.
    now = new Date('2027-04-14T08:00:00Z');
    await s.remind('runs');
    await waitFor(() => escalations().some((t) => t.includes('new VMs from these images will fail')), 'the urgent escalation');
    expect(escalations().at(-1)).toBe('You still run PyTorch 2.7, past its end of availability: new VMs from these images will fail');
  });

  it('stops once the inventory no longer shows the line, and while an upgrade plan exists', async () => {
    let now = new Date('2026-10-20T08:00:00Z');
    const s = await startInventorySetup(later, () => now);
    const escalations = (): string[] => s.stub.alerts().filter((c) => c.body.channel === '#ml' && String(c.body.text).startsWith('You still run')).map((c) => String(c.body.text));
    // ml pushes a PyTorch 2.7 VM and plans its upgrade: no escalation while the plan stands.
    await s.push('ml', JSON.stringify({ references: [{ image: 'pytorch-2-7-cu128-ubuntu-2204-nvidia-570-v20250701', where: 'vm train-7' }] }), { source: 'ci' });
    await s.service.deps.plans.set({ teamId: 'ml', framework: 'pytorch', line: '2.7', target: '2.10', date: '2026-12-01', by: 'alice' }, now);
    await s.remind('ml');
    expect(escalations()).toEqual([]);
    await s.service.deps.plans.markDone('ml', 'pytorch', '2.7', 'alice', now);
    await s.remind('ml');
    await waitFor(() => escalations().length === 1, 'the escalation once the plan is done but the VM still runs');
    // The next push no longer has it: a week later, nothing.
    await s.push('ml', JSON.stringify({ references: ['pytorch-2-9-cu129-ubuntu-2204-nvidia-580-v20251020'] }), { source: 'ci' });
    now = new Date('2026-10-28T08:00:00Z');
    await s.remind('ml');
    expect(escalations()).toHaveLength(1);
  });
});

describe('inventory: the CLI', () => {
  const later = cleanupAfterEach();

  it('imports gcloud instances with disks, scans a repository with file:line, and shows what the team runs', async () => {
    const now = new Date();
    const s = await startInventorySetup(later, () => now);
    const cli = (args: string[]) => run('node', [BIN, ...args], { env: { ...process.env, REDIS_URL, QUEUE_PREFIX: s.prefix, CONFIG_DIR: s.configDir } });
    const dir = path.resolve('test/fixtures/inventory');
    const dry = await cli(['inventory', 'import', 'ml', `${dir}/gcloud-instances.json`, `${dir}/gcloud-disks.json`, '--dry-run']);
    expect(dry.stdout).toContain('✓ pytorch 2.4');
    expect(dry.stdout).toContain('gcloud-instances.json: instance trainer-1 (us-central1-a)');
    expect(dry.stdout).toContain('4 recognised'); // trainer-1, trainer-2, cuda-box, and the free disk tf-snapshot-restore
    expect(dry.stdout).toContain('Dry run: nothing stored.');
    expect(await s.service.deps.inventory.docs('ml')).toEqual([]);

    const stored = await cli(['inventory', 'import', 'ml', `${dir}/gcloud-instances.json`, `${dir}/gcloud-disks.json`]);
    expect(stored.stdout).toContain('Stored as source "gcloud" of team ml');
    const scan = await cli(['inventory', 'scan', 'ml', `${dir}/repo`]);
    expect(scan.stdout).toContain('docker/Dockerfile:2');
    expect(scan.stdout).toContain('? unrecognised');
    const show = await cli(['inventory', 'show', 'ml']);
    expect(show.stdout).toMatch(/PyTorch 2\.4: past-end-of-patch, \d+ days past end of patch \(2025-07-24\)/);
    expect(show.stdout).toMatch(/- docker\/Dockerfile:2/);
    expect(show.stdout).toContain('Not recognised');
    const json = JSON.parse((await cli(['inventory', 'show', 'ml', '--json'])).stdout) as { key: string; counts: { vm: number; ref: number } }[];
    expect(json.find((l) => l.key === 'pytorch|2.4')?.counts).toEqual({ vm: 2, disk: 0, pod: 0, ref: 3 });

    // preview resolves `from: inventory` and says to what.
    const preview = await cli(['preview', '--event', await writeEvent(s.configDir)]);
    expect(preview.stdout).toContain('# runs subscriptions[0]: from: inventory → pytorch 2.7');
    expect(preview.stdout).toContain('→ runs: immediate');
  });
});

async function writeEvent(dir: string): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  const file = path.join(dir, 'event.json');
  await writeFile(file, JSON.stringify(makeEvent('cli-27', { kind: 'patch-update', framework: 'pytorch', version: '2.7', title: 'PyTorch 2.7 patch' })));
  return file;
}
