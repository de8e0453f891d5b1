// A local mirror of the real sources: the shipped config/ with every https:// URL pointed at a
// local HTTP server that answers at the same host and path ("https://docs.cloud.google.com/feeds/x.xml"
// → "http://127.0.0.1:<port>/docs.cloud.google.com/feeds/x.xml"), serving the real fixtures. Only
// the scheme and host of the URLs change; every other byte of config/ is what ships.
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/load.js';
import { withoutNewestEntries } from '../../src/demo/replay.js';
import type { DocumentServer } from './servers.js';

export const SHIPPED_CONFIG = path.resolve('config');

/** Where the mirror answers for a real URL. */
export function mirrorPath(realUrl: string): string {
  const u = new URL(realUrl);
  return `/${u.host}${u.pathname}`;
}

/** A copy of the shipped config/ whose URLs point at the mirror. */
export async function mirroredConfigDir(mirror: DocumentServer, from = SHIPPED_CONFIG): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rr-shipped-'));
  const sources = await readFile(path.join(from, 'sources.yaml'), 'utf8');
  await writeFile(path.join(dir, 'sources.yaml'), sources.replace(/https:\/\//g, `${mirror.url}/`));
  await copyFile(path.join(from, 'teams.yaml'), path.join(dir, 'teams.yaml'));
  return dir;
}

export const readFixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** A real feed fixture without its newest `drop` entries: the state "before" a poll that finds them. */
export const feedWithoutNewest = (xml: string, drop: number): string => withoutNewestEntries(xml, drop);

/** The shipped config as the service reads it (for the list of sources and their kinds). */
export function shippedConfig(): Promise<AppConfig> {
  return loadConfig(SHIPPED_CONFIG);
}
