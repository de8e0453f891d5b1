// Version ranges for subscriptions, in the Renovate/npm style users already know:
// "2.x", ">=2.3 <2.6", "2.4", "*". Framework versions are written X.Y or X.Y.Z (CUDA versions for
// base images too), so we coerce them onto semver and compare ranges with semver.intersects.
import semver from 'semver';

const VERSION_RE = /^\d+(?:\.\d+){0,2}$/;

export function isValidRange(range: string): boolean {
  return semver.validRange(normalizeRange(range)) !== null;
}

function normalizeRange(range: string): string {
  const trimmed = range.trim();
  return trimmed === '' || trimmed.toLowerCase() === 'any' ? '*' : trimmed;
}

/**
 * The set of concrete versions an event is about, as a semver range:
 * "2.4" means any 2.4.x, "2.4.1" exactly that, "2.17 and earlier" everything below 2.18.
 */
export function eventVersionRange(version: string, scope: 'exact' | 'and-earlier' | null): string | null {
  const wildcard = /^(\d+)\.x$/.exec(version);
  if (wildcard) return scope === 'and-earlier' ? `<${Number(wildcard[1]) + 1}.0.0` : `${wildcard[1]}.x`;
  if (!VERSION_RE.test(version)) return null;
  const parts = version.split('.').map(Number);
  const [major = 0, minor, patch] = parts;
  if (scope === 'and-earlier') {
    if (minor === undefined) return `<${major + 1}.0.0`;
    if (patch === undefined) return `<${major}.${minor + 1}.0`;
    return `<=${major}.${minor}.${patch}`;
  }
  if (minor === undefined) return `${major}.x`;
  if (patch === undefined) return `${major}.${minor}.x`;
  return `${major}.${minor}.${patch}`;
}

/**
 * Does an event's version fall in a subscription's range? An event without a version (a note about
 * "all images") matches every range: teams would rather hear it than miss it.
 */
export function versionMatches(range: string, version: string | null, scope: 'exact' | 'and-earlier' | null): boolean {
  const normalized = normalizeRange(range);
  if (normalized === '*') return true;
  if (version === null) return true;
  const eventRange = eventVersionRange(version, scope);
  if (eventRange === null) return false;
  return semver.intersects(normalized, eventRange);
}

/** Compare two dotted versions numerically ("2.10" > "2.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
