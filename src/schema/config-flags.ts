import { resolveConfig } from '../config/load';
import type { ResolvedConfig } from '../config/resolved';
import { presetFile } from '../data/presets';
import { UsageError } from '../util/errors';
import { checkConsistency } from './consistency';
import { schemaProvider } from './schema';

/** A config file (or the defaults) with `--set` overrides, validated key by key and across keys. */
export function loadConfig(file: string | undefined | null, sets: readonly string[] = []): ResolvedConfig {
  const config = resolveConfig(schemaProvider, file ?? null, sets);
  checkConsistency(config);
  return config;
}

/** The flags that choose a config: a file or a preset, a raw file's path, overrides. */
export interface ConfigFlags {
  config?: string;
  preset?: string;
  path?: string;
  set: string[];
}

/**
 * The config of --config or --preset (not both), with --path as the data source's path key and the --set
 * overrides last.
 */
export function configFromFlags(flags: ConfigFlags): ResolvedConfig {
  if (flags.config !== undefined && flags.preset !== undefined) throw new UsageError('give --config or --preset, not both');
  const file = flags.preset !== undefined ? presetFile(flags.preset) : flags.config;
  if (flags.path === undefined) return loadConfig(file, flags.set);
  const source = loadConfig(file, flags.set).str('data.source');
  if (source === 'synthetic') throw new UsageError('--path: the config\'s data.source is synthetic, which reads no file; set data.source');
  return loadConfig(file, [`data.${source}.path=${flags.path}`, ...flags.set]);
}
