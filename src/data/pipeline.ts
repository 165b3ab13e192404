import { performance } from 'node:perf_hooks';
import type { ResolvedConfig } from '../config/resolved';
import type { Reporter } from '../util/reporter';
import { cacheKey, fileHash, readCache, writeCache } from './cache';
import type { Interactions } from './interactions';
import { applySteps, configuredSteps, type StepStats } from './preprocess/registry';
import { DATA_SOURCES } from './sources';

/** The dataset a run uses, with the statistics as loaded and after each preprocessing step. */
export interface PreparedData {
  readonly data: Interactions;
  readonly log: StepStats[];
}

/** data.* keys that do not change the dataset, left out of the cache key. */
const NOT_IN_KEY = new Set(['data.cache_dir', 'data.max_bad_share', 'data.paper_stats']);

function dataSettings(config: ResolvedConfig, random: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const path of Object.keys(config.schema).sort()) {
    if (path.startsWith('data.') && !NOT_IN_KEY.has(path)) settings[path] = config.get(path);
  }
  if (random) settings.seed = config.get('seed');
  return settings;
}

function describe(stats: StepStats['stats']): string {
  return `${stats.users} users, ${stats.items} items, ${stats.interactions} interactions`;
}

/**
 * Loads the configured source and applies data.preprocess, through the cache when the source reads files
 * and data.cache_dir is set: a hit skips both; an entry that fails its checks is reported and rebuilt.
 */
export async function prepareData(config: ResolvedConfig, reporter: Reporter): Promise<PreparedData> {
  const steps = configuredSteps(config);
  const source = DATA_SOURCES[config.str('data.source')];
  const dir = config.str('data.cache_dir');
  let key: string | null = null;
  if (dir !== '' && source.inputFiles) {
    const started = performance.now();
    const fileHashes = await Promise.all(source.inputFiles(config).map(fileHash));
    key = cacheKey({ fileHashes, settings: { source: source.name, ...dataSettings(config, steps.some((s) => s.step.random)) } });
    const cached = readCache(dir, key);
    if (cached && 'untrusted' in cached) reporter.info(`data cache ${cached.file}: ${cached.untrusted}; rebuilding it`);
    else if (cached) {
      const seconds = (performance.now() - started) / 1000;
      reporter.info(`data: ${describe(cached.log[cached.log.length - 1].stats)} from the cache (${dir}/${key}.bin, ${seconds.toFixed(2)} s)`);
      return cached;
    }
  }
  const loaded = await source.load(config, reporter);
  const prepared = applySteps(loaded, steps, config.int('seed'));
  for (const { step, stats } of prepared.log) reporter.info(`data ${step === 'as loaded' ? 'as loaded' : `after ${step}`}: ${describe(stats)}`);
  if (key !== null) writeCache(dir, key, prepared);
  return prepared;
}
