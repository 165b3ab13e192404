import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/resolved';
import type { ConfigValue } from '../config/spec';
import { fileHash } from '../data/cache';
import { DATA_SOURCES } from '../data/sources';
import type { DataFile } from '../results/metrics-file';

/** A key that names a file or folder of the data: data.cache_dir, data.<source>.path, data.<source>.<x>_path. */
const isPathKey = (key: string) => key === 'data.cache_dir' || /^data\.[a-z_]+\.(path|[a-z_]+_path)$/.test(key);

/**
 * The config with every data path made absolute (against the current folder, as the loaders read them), so
 * that a saved run's config finds its data from any folder (`memrec eval --run`, `--resume`). Unset paths ('')
 * stay unset.
 */
export function absoluteDataPaths(config: ResolvedConfig): ResolvedConfig {
  const changes: Record<string, ConfigValue> = {};
  for (const [key, value] of config.entries()) {
    if (isPathKey(key) && typeof value === 'string' && value !== '' && resolve(value) !== value) changes[key] = resolve(value);
  }
  return Object.keys(changes).length === 0 ? config : config.with(changes);
}

/** The raw files the config's data source reads, with their size and sha256 (none for generated data). */
export async function dataFiles(config: ResolvedConfig): Promise<DataFile[]> {
  const files = DATA_SOURCES[config.str('data.source')].inputFiles?.(config) ?? [];
  return Promise.all(files.map(async (file) => ({ path: resolve(file), bytes: statSync(file).size, sha256: await fileHash(file) })));
}

/** One line per recorded data file that is missing or differs now (size or sha256), naming the file. */
export async function changedDataFiles(recorded: readonly DataFile[]): Promise<string[]> {
  const changes: string[] = [];
  for (const file of recorded) {
    let bytes: number;
    try {
      bytes = statSync(file.path).size;
    } catch {
      changes.push(`${file.path} is gone`);
      continue;
    }
    if (bytes !== file.bytes) changes.push(`${file.path} has ${bytes} bytes, the run read ${file.bytes}`);
    else if ((await fileHash(file.path)) !== file.sha256) changes.push(`${file.path} has another sha256 than the file the run read (same size)`);
  }
  return changes;
}
