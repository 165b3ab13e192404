import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { ResolvedConfig } from '../config/resolved';
import { InputError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import { cacheKey, fileHash, readCache, writeCache, type CachedData } from './cache';
import type { Interactions } from './interactions';
import { checkBadRows, type FileRead } from './loaders/bad-rows';
import { applySteps, configuredSteps, describeStats, type StepStats } from './preprocess/registry';
import { DATA_SOURCES, type DataSource } from './sources';
import { withTextStages } from './text/stages';

/** The dataset a run uses, with the statistics as loaded and after each preprocessing step. */
export interface PreparedData {
  readonly data: Interactions;
  readonly log: StepStats[];
  /** what reading each raw file found, in the order of the source's input files (none for generated data) */
  readonly reads: FileRead[];
  /** the malformed lines of all files read, left out of the data (for metrics.json's data section) */
  readonly badRows: number;
}

/**
 * data.* keys that do not change the dataset, left out of the cache key. data.max_bad_share decides
 * whether a load may be used, not what it holds: an entry keeps its malformed-line counts, and every load,
 * warm or cold, checks them against the current setting.
 */
const NOT_IN_KEY = new Set(['data.cache_dir', 'data.max_bad_share', 'data.paper_stats']);

function dataSettings(config: ResolvedConfig, random: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const path of Object.keys(config.schema).sort()) {
    if (path.startsWith('data.') && !NOT_IN_KEY.has(path)) settings[path] = config.get(path);
  }
  if (random) settings.seed = config.get('seed');
  return settings;
}

function prepared(cached: CachedData): PreparedData {
  return { ...cached, badRows: cached.reads.reduce((sum, read) => sum + read.malformed, 0) };
}

/**
 * The entry for `key`, or null when there is none or it is not trusted (reported, to be rebuilt). A trusted
 * entry must also record one read per input file of this run, in their order.
 */
function trustedEntry(dir: string, key: string, files: readonly string[], reporter: Reporter): CachedData | null {
  const cached = readCache(dir, key);
  if (cached === null) return null;
  let problem: string | null;
  if ('untrusted' in cached) problem = cached.untrusted;
  else {
    const recorded = cached.reads.map((read) => read.file);
    problem = isDeepStrictEqual(recorded, files) ? null : `inconsistent: it records the files ${recorded.join(', ')}, this run reads ${files.join(', ')}`;
  }
  if (problem === null) return cached as CachedData;
  reporter.info(`data cache ${join(dir, `${key}.bin`)}: ${problem}; rebuilding it`);
  return null;
}

/** An InputError when a source loaded nothing: the file had no data lines (empty, a header only, every line skipped). */
function checkLoaded(data: Interactions, source: DataSource, reads: readonly FileRead[]): void {
  if (data.items.length > 0) return;
  const counts = reads.map((read) => `${read.file}: ${read.lines} lines, ${read.malformed} malformed`).join('; ');
  throw new InputError(`data source ${source.name} loaded no interactions${counts === '' ? '' : ` (${counts})`}: the file holds no data lines, or every line was left out`);
}

/**
 * Loads the configured source and applies data.preprocess (and data.text's stages around it), through the cache when the source reads files
 * and data.cache_dir is set: a hit skips both, reporting the malformed lines the entry records and checking
 * them against data.max_bad_share as a cold load does; an entry that fails its checks is reported and
 * rebuilt. Data left empty by the load or by any step is an error naming that step.
 */
export async function prepareData(config: ResolvedConfig, reporter: Reporter): Promise<PreparedData> {
  const steps = configuredSteps(config);
  const source = DATA_SOURCES[config.str('data.source')];
  const dir = config.str('data.cache_dir');
  let key: string | null = null;
  if (dir !== '' && source.inputFiles) {
    const started = performance.now();
    const files = source.inputFiles(config);
    const fileHashes = await Promise.all(files.map(fileHash));
    key = cacheKey({ fileHashes, settings: { source: source.name, ...dataSettings(config, steps.some((s) => s.step.random)) } });
    const cached = trustedEntry(dir, key, files, reporter);
    if (cached !== null) {
      for (const read of cached.reads) checkBadRows(read, config.num('data.max_bad_share'), reporter);
      const seconds = (performance.now() - started) / 1000;
      reporter.info(`data: ${describeStats(cached.log[cached.log.length - 1].stats)} from the cache (${join(dir, `${key}.bin`)}, ${seconds.toFixed(2)} s)`);
      return prepared(cached);
    }
  }
  const reads: FileRead[] = [];
  const loaded = await source.load(config, reporter, reads);
  checkLoaded(loaded, source, reads);
  const built = { ...withTextStages(loaded, config, (data) => applySteps(data, steps, config.int('seed'))), reads };
  for (const { step, stats } of built.log) reporter.info(`data ${step === 'as loaded' ? 'as loaded' : `after ${step}`}: ${describeStats(stats)}`);
  if (key !== null) writeCache(dir, key, built);
  return prepared(built);
}
