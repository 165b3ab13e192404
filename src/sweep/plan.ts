import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolved';
import { protocolOf } from '../run/experiment';
import { configFromFlags } from '../schema/config-flags';
import { DATA_SOURCES } from '../data/sources';
import { ConfigError, MemrecError } from '../util/errors';
import { stream } from '../random/streams';
import { readIndex } from './index-file';
import { indexOf, randomPoints, spaceSize, tpePoints } from './search';
import { parseSweepFile, type SweepSpec } from './spec';
import { expandTrials, type GridPoint, type Trial } from './trials';

/** A sweep ready to run: the parsed file, its points and trials, where it writes, and what each point reports. */
export interface SweepPlan {
  spec: SweepSpec;
  points: GridPoint[];
  trials: Trial[];
  /** the sweep's output folder (index.jsonl, trials/, summary.*) */
  out: string;
  /** per point index: the seed its trials use when the sweep has no seeds */
  baseSeeds: number[];
  /** per point index: the metric keys its trials report (metric@N) */
  metricKeys: string[][];
  /** false while a tpe search waits for results before it can propose its next points */
  complete: boolean;
}

/** `memrec train` flags that select the base config (before the --set overrides). */
export function baseArgs(spec: SweepSpec): string[] {
  const args = spec.base.kind === 'config' ? ['--config', spec.base.file] : spec.base.kind === 'preset' ? ['--preset', spec.base.name] : [];
  return spec.path === null ? args : [...args, '--path', spec.path];
}

/** Whether a config's split has a validation part (leave-one-out always; ratio splits with valid_ratio > 0). */
export function hasValidation(config: ResolvedConfig): boolean {
  return config.str('split.method') === 'leave_one_out' || config.num('split.valid_ratio') > 0;
}

/** The resolved config of one grid point, as `memrec train` would resolve it, or a one-line ConfigError. */
function resolvePoint(spec: SweepSpec, point: GridPoint): ResolvedConfig {
  const origins = [
    ...spec.set.map((s) => ({ text: s.text, where: `${spec.file}:${s.line}: set ${s.text}` })),
    ...spec.grid.map((axis) => {
      const text = point.overrides.find((o) => o.startsWith(`${axis.key}=`)) as string;
      return { text, where: `${spec.file}:${axis.line}: grid ${text}` };
    }),
  ];
  const inPoint = spec.grid.length > 0 ? ` (grid point ${point.label})` : '';
  let config: ResolvedConfig;
  try {
    config = configFromFlags({
      config: spec.base.kind === 'config' ? spec.base.file : undefined,
      preset: spec.base.kind === 'preset' ? spec.base.name : undefined,
      path: spec.path ?? undefined,
      set: point.overrides,
    });
  } catch (err) {
    if (!(err instanceof MemrecError)) throw err;
    const rest = err.message.replace(/^[a-z]+ error: /, '');
    const origin = origins.find((o) => rest.startsWith(`--set ${o.text}: `));
    if (origin) throw new ConfigError(`${origin.where}: ${rest.slice(`--set ${origin.text}: `.length)}${inPoint}`);
    if (rest.startsWith('--preset ')) throw new ConfigError(`${spec.file}:${spec.lines.preset}: preset: ${rest.slice('--preset '.length)}`);
    if (rest.startsWith('--path')) throw new ConfigError(`${spec.file}:${spec.lines.path}: path${rest.slice('--path'.length)}`);
    throw new ConfigError(`${spec.file}: base: ${rest}`);
  }
  // the rules between keys, and the data source's files (a file source without its path fails every trial)
  try {
    DATA_SOURCES[config.str('data.source')]?.inputFiles?.(config);
  } catch (err) {
    if (!(err instanceof MemrecError)) throw err;
    const rest = err.message.replace(/^[a-z]+ error: /, '').replace(`${config.source}: `, '');
    const hint = / required with data\.source /.test(rest) && spec.path === null ? '; give the raw file as path: in the sweep file (or set the key)' : '';
    throw new ConfigError(`${spec.file}: ${spec.grid.length > 0 ? `grid point ${point.label}` : 'the trial config'}: ${rest}${hint}`);
  }
  return config;
}

/** What a split without a validation part is, for the message. */
function splitDescription(config: ResolvedConfig): string {
  return `split.method ${config.str('split.method')} with split.valid_ratio ${config.num('split.valid_ratio')}`;
}

/**
 * Parses the sweep file and checks everything before anything runs: every grid point's config resolves as
 * `memrec train` would resolve it, and `select` is a metric that every trial reports on a validation part.
 */
export function planSweep(file: string, outFlag?: string): SweepPlan {
  const spec = parseSweepFile(file);
  const out = outFlag ?? spec.out ?? join('results', 'sweeps', spec.name);
  const { chosen, complete } = choosePoints(spec, out);
  const { points, trials } = expandTrials(spec, chosen);
  const baseSeeds: number[] = [];
  const metricKeys: string[][] = [];
  for (const point of [...points, ...axisProbes(spec, chosen)]) {
    const config = resolvePoint(spec, point);
    baseSeeds[point.index] = config.int('seed');
    const keys = protocolOf(config).metrics.map((m) => m.key);
    metricKeys[point.index] = keys;
    if (spec.select === null) continue;
    const where = `${spec.file}:${spec.lines.select}: select: ${spec.select.key}`;
    const inPoint = spec.grid.length > 0 ? ` (grid point ${point.label})` : '';
    if (!hasValidation(config)) {
      throw new ConfigError(
        `${where}: the trials have no validation part to choose on (${splitDescription(config)})${inPoint}; give split.valid_ratio above 0, or write select: none to report every trial without choosing`,
      );
    }
    if (!keys.includes(spec.select.key)) {
      throw new ConfigError(`${where}: not reported by the trials${inPoint}; they report ${keys.join(', ')} (eval.metrics at eval.cutoffs)`);
    }
  }
  return { spec, points, trials, out, baseSeeds, metricKeys, complete };
}

/**
 * Points a search has not chosen (yet) that are checked before anything runs: each value of each key once
 * (with the first value of every other key), so that a bad value fails the sweep at once, not when a search
 * reaches it. None for a grid, whose every point is checked.
 */
function axisProbes(spec: SweepSpec, chosen: readonly number[] | undefined): GridPoint[] {
  if (chosen === undefined) return [];
  const sizes = spec.grid.map((axis) => axis.values.length);
  const probes = new Set<number>();
  sizes.forEach((size, a) => {
    for (let v = 0; v < size; v++) probes.add(indexOf(sizes, sizes.map((_, b) => (b === a ? v : 0))));
  });
  for (const n of chosen) probes.delete(n);
  return expandTrials(spec, [...probes]).points;
}

/**
 * The points a search has chosen (undefined for a grid: all of them). The search stream is the first grid
 * point's seed's, so the same sweep file draws the same points; tpe reads the index for its results.
 */
function choosePoints(spec: SweepSpec, out: string): { chosen: number[] | undefined; complete: boolean } {
  if (spec.search === 'grid') return { chosen: undefined, complete: true };
  const sizes = spec.grid.map((axis) => axis.values.length);
  const seed = resolvePoint(spec, expandTrials(spec, [0]).points[0]).int('seed');
  const budget = spec.budget as number;
  if (spec.search === 'random') return { chosen: randomPoints(spaceSize(sizes), budget, stream(seed, 'search', 'random')), complete: true };
  const { records } = readIndex(out);
  const select = spec.select?.key as string;
  const valueOf = (point: number): number | 'failed' | null => {
    const found = expandTrials(spec, [point]).trials.map((t) => records.get(t.id));
    if (found.some((r) => r === undefined)) return null;
    const values = found.map((r) => (r?.status === 'ok' ? r.valid?.[select] : undefined));
    if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return 'failed';
    return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
  };
  const { points, complete } = tpePoints(sizes, budget, valueOf, (k) => stream(seed, 'search', 'tpe', k));
  return { chosen: points, complete };
}
