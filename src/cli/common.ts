import { resolveConfig } from '../config/load';
import type { ResolvedConfig } from '../config/resolved';
import { schemaProvider } from '../config/schema';
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../compute/backend';
import { UsageError } from '../util/errors';
import { presetFile } from '../data/presets';
import { didYouMean } from '../util/did-you-mean';
import type { Reporter } from '../util/reporter';

/** Collects repeated `--set key=value` flags. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function loadConfig(file: string | undefined, sets: readonly string[]): ResolvedConfig {
  return resolveConfig(schemaProvider, file ?? null, sets);
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

/** `--backend NAME` as a config override, checked here so that the error names the flag the user typed. */
export function backendOverride(flag: string | undefined): string[] {
  if (flag === undefined) return [];
  if (!(BACKEND_CHOICES as readonly string[]).includes(flag)) {
    throw new UsageError(`--backend ${flag}: expected one of ${BACKEND_CHOICES.join(', ')}${didYouMean(flag, BACKEND_CHOICES)}`);
  }
  return [`compute.backend=${flag}`];
}

/** The backend from --backend when given, else from the config; activates it and reports the choice. */
export async function activateBackend(flag: string | undefined, fromConfig: string, reporter: Reporter): Promise<string> {
  const choice = flag ?? fromConfig;
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new UsageError(`--backend ${choice}: expected one of ${BACKEND_CHOICES.join(', ')}`);
  }
  return selectBackend(choice as BackendChoice, reporter);
}
