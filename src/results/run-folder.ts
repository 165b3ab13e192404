import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config/resolved';
import { RunError } from '../util/errors';
import { writeFileAtomic } from './atomic';

/** A readable run id: time, model, dataset and optional label, e.g. 20261123-181502_mostpop_synthetic. */
export function runIdBase(now: Date, model: string, dataset: string, label: string): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  return [stamp, clean(model), clean(dataset), ...(label ? [clean(label)] : [])].join('_');
}

/**
 * Claims a new run folder under `outputDir`. mkdir of an existing folder fails, so two runs started in the
 * same second get distinct ids (-2, -3, ...) and no run ever writes into another's folder.
 */
export function createRunFolder(outputDir: string, base: string): { id: string; dir: string } {
  try {
    mkdirSync(outputDir, { recursive: true });
  } catch (err) {
    throw new RunError(`${outputDir}: cannot create the output folder (${(err as Error).message})`);
  }
  for (let attempt = 1; attempt < 1000; attempt++) {
    const id = attempt === 1 ? base : `${base}-${attempt}`;
    const dir = join(outputDir, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new RunError(`${dir}: cannot create the run folder (${(err as Error).message})`);
      }
    }
  }
  throw new RunError(`${outputDir}: could not find a free run id for ${base}`);
}

export function writeJson(dir: string, name: string, value: unknown): void {
  writeFileAtomic(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

export function writeConfig(dir: string, config: ResolvedConfig): void {
  writeFileAtomic(join(dir, 'config.yaml'), stringify(config.toNested()));
}

/** The file name of a per-repeat artefact: `base` alone for a single repeat, `base-r<k>` otherwise. */
export function repeatName(base: string, repeat: number, repeats: number): string {
  return repeats === 1 ? base : `${base}-r${repeat}`;
}

/**
 * Per-user metric values as a TSV with a `#` protocol line first: one row per evaluated user (raw id),
 * one column per metric. Numbers are written in JavaScript's shortest round-trip form, so reading them back
 * gives the same float64 values.
 */
export function perUserTsv(protocol: string, userIds: readonly string[], perUser: Record<string, Float64Array>): string {
  const keys = Object.keys(perUser);
  const lines = [`# ${protocol}`, ['user', ...keys].join('\t')];
  userIds.forEach((user, b) => lines.push([user, ...keys.map((key) => String(perUser[key][b]))].join('\t')));
  return `${lines.join('\n')}\n`;
}
