// Fixture paths that work from test/ (vitest, tsx) and from dist/test/ (the compiled bench and eval
// scripts), which sit one folder deeper than the fixtures they read.
export function fixtureUrl(name: string): URL {
  const base = import.meta.url.includes('/dist/') ? new URL('../../../test/fixtures/', import.meta.url) : new URL('../fixtures/', import.meta.url);
  return new URL(name, base);
}
