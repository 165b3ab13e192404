import { createHash } from 'node:crypto';
import type { SweepSpec } from './spec';
import { overrideText, valueText } from './override-text';
import { choicesOf, spaceSize } from './search';

/** One grid point: a value for every grid key. */
export interface GridPoint {
  /** 0-based, its place in the grid's product (the first key varies slowest), whichever search chose it */
  index: number;
  /** readable, e.g. `lr=0.1 dim=10` (`base` for an empty grid) */
  label: string;
  /** grid key → value, in the grid's key order */
  values: Record<string, unknown>;
  /** the sweep's fixed `set` overrides, then this point's, as `key=value` */
  overrides: string[];
}

/** One run: a grid point with a seed. */
export interface Trial {
  /** stable, from the overrides: a readable label, the seed and a short hash, e.g. `lr=0.1_dim=10_s1_3fa2c1d0` */
  id: string;
  point: GridPoint;
  /** null when the sweep has no seeds (the base config's seed) */
  seed: number | null;
  /** the point's overrides and `seed=S` */
  overrides: string[];
}

/** The last segment of each key, or the whole key where two keys share their last segment. */
function shortNames(keys: readonly string[]): string[] {
  const last = keys.map((key) => key.slice(key.lastIndexOf('.') + 1));
  return keys.map((key, i) => (last.filter((name) => name === last[i]).length > 1 ? key : last[i]));
}

const MAX_LABEL = 60;

/** A file-name-safe form of a label. */
function safe(label: string): string {
  const cleaned = label.replace(/\s+/g, '_').replace(/[^A-Za-z0-9._=-]+/g, '-').replace(/^[-.]+/, '');
  return cleaned.length > MAX_LABEL ? cleaned.slice(0, MAX_LABEL) : cleaned || 'trial';
}

/**
 * The hash part of a trial id: the fixed overrides and the point's values, each sorted by key, and the seed.
 * The same overrides give the same id whatever their order in the file or how a value was spelled
 * (0.10 and 0.1); changing `set`, a grid value or the seed gives a new trial.
 */
function hashOf(spec: SweepSpec, values: Record<string, unknown>, seed: number | null): string {
  const sorted = (entries: [string, unknown][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify({
    set: sorted(spec.set.map((s) => [s.key, s.value])),
    point: sorted(Object.entries(values)),
    seed,
  });
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * The grid points and their trials (each point once per seed, seeds innermost): every point of the grid's
 * product, or the points numbered `chosen` (in that order) where a search picked them.
 */
export function expandTrials(spec: SweepSpec, chosen?: readonly number[]): { points: GridPoint[]; trials: Trial[] } {
  const names = shortNames(spec.grid.map((axis) => axis.key));
  const fixed = spec.set.map((s) => s.text);
  const sizes = spec.grid.map((axis) => axis.values.length);
  const numbers = chosen ?? Array.from({ length: spaceSize(sizes) }, (_, n) => n);
  const points = numbers.map((index): GridPoint => {
    const row = choicesOf(sizes, index).map((c, k) => spec.grid[k].values[c]);
    const values = Object.fromEntries(spec.grid.map((axis, k) => [axis.key, row[k]]));
    const label = spec.grid.length === 0 ? 'base' : spec.grid.map((_axis, k) => `${names[k]}=${valueText(row[k])}`).join(' ');
    return { index, label, values, overrides: [...fixed, ...spec.grid.map((axis, k) => overrideText(axis.key, row[k]))] };
  });
  const trials = points.flatMap((point) =>
    (spec.seeds ?? [null]).map((seed): Trial => {
      const id = [safe(point.label), ...(seed === null ? [] : [`s${seed}`]), hashOf(spec, point.values, seed)].join('_');
      return { id, point, seed, overrides: [...point.overrides, ...(seed === null ? [] : [`seed=${seed}`])] };
    }),
  );
  return { points, trials };
}
