import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root';
import { didYouMean } from '../util/did-you-mean';
import { UsageError } from '../util/errors';

/**
 * Presets are config files under configs/presets/<paper>/<dataset>.yaml: each fixes the data source,
 * preprocessing, split and protocol of one (paper, dataset) pair of a paper's tables, and names the paper's
 * statistics (data.paper_stats). A user adds the raw file's path (--path) and any overrides (--set).
 */
export const PRESETS_DIR = join(PACKAGE_ROOT, 'configs', 'presets');

/** Every preset name (`paper/dataset`), sorted. */
export function presetNames(dir = PRESETS_DIR): string[] {
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const paper of readdirSync(dir, { withFileTypes: true })) {
    if (!paper.isDirectory()) continue;
    for (const file of readdirSync(join(dir, paper.name))) {
      if (file.endsWith('.yaml')) names.push(relative(dir, join(dir, paper.name, file.slice(0, -'.yaml'.length))));
    }
  }
  return names.sort();
}

/** The config file of a preset; a UsageError listing the presets (with a suggestion) when there is none. */
export function presetFile(name: string, dir = PRESETS_DIR): string {
  const names = presetNames(dir);
  if (!names.includes(name)) {
    throw new UsageError(`--preset ${name}: no such preset${didYouMean(name, names)}; presets: ${names.join(', ')}`);
  }
  return join(dir, `${name}.yaml`);
}
