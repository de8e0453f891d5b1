// Lookups over a loaded config, built once per config object (a reload makes a new object, so a
// stale index cannot outlive it). A job that found its source with a scan cost O(sources): at
// 5,000 sources, the first round of parses made that quadratic (bench: growth_idle_cpu_per_source).
import type { AppConfig } from './load.js';
import type { SourceConfig } from './schema.js';

interface SourceIndex {
  byId: Map<string, SourceConfig>;
  versionsTables: SourceConfig[];
}

const indexes = new WeakMap<AppConfig['sources'], SourceIndex>();

function indexOf(config: Pick<AppConfig, 'sources'>): SourceIndex {
  let index = indexes.get(config.sources);
  if (!index) {
    index = { byId: new Map(config.sources.map((s) => [s.id, s])), versionsTables: config.sources.filter((s) => s.kind === 'versions-table') };
    indexes.set(config.sources, index);
  }
  return index;
}

export const sourceById = (config: Pick<AppConfig, 'sources'>, id: string): SourceConfig | undefined => indexOf(config).byId.get(id);
export const sourcesById = (config: Pick<AppConfig, 'sources'>): ReadonlyMap<string, SourceConfig> => indexOf(config).byId;
export const versionsTables = (config: Pick<AppConfig, 'sources'>): readonly SourceConfig[] => indexOf(config).versionsTables;
