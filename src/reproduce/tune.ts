import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ResolvedConfig } from '../config/resolved';
import { isTrainable } from '../models/model';
import { createModel, MODELS } from '../models/registry';
import { writeFileAtomic } from '../results/atomic';
import { configFromFlags } from '../schema/config-flags';
import { hasValidation, planSweep, type SweepPlan } from '../sweep/plan';
import { spaceSize, type SearchMethod } from '../sweep/search';
import { overrideText, valueText } from '../sweep/override-text';
import { readIndex } from '../sweep/index-file';
import { summarise, writeSummary } from '../sweep/summary';
import type { ColumnSpec, RowSpec, TableSpec } from './tables';

/** `--tune BUDGET [--search METHOD]`: every row of every column gets the same number of trials. */
export interface TuneOptions {
  readonly budget: number;
  readonly search: SearchMethod;
}

/**
 * Where a protocol has no validation part (RUM's 70/30), the tuning runs see its training part only (the
 * `head` step keeps what the protocol trains on) and split that part again in time order: its first
 * TUNE_TRAIN_SHARE trains and the next TUNE_VALID_SHARE validates. A ratio split keeps at least one test
 * interaction per user, so 0.29 rather than 0.3: the validation part is the rest of the training part but its
 * last interaction (2 of 7, 5 of 20), which is the tuning run's own test part and chooses nothing. The
 * protocol's test part is not even loaded.
 */
export const TUNE_TRAIN_SHARE = 0.7;
export const TUNE_VALID_SHARE = 0.29;

/** What a cell's tuning chose, for the table's settings line and the result files. */
export interface TuningRecord {
  /** the chosen point (config key → value); empty when the row has nothing to tune */
  readonly chosen: Record<string, unknown>;
  /** the chosen point as `key=value` words, or why nothing was tuned */
  readonly label: string;
  readonly search: SearchMethod;
  readonly budget: number;
  /** points tried (the budget, or fewer where the space is smaller) and the space's size */
  readonly tried: number;
  readonly spaceSize: number;
  /** the validation metric that chose, and the chosen point's value of it (null when nothing was tuned) */
  readonly select: string;
  readonly valid: number | null;
  /** where the space came from and how the validation part was carved, in words */
  readonly space: string;
  readonly carve: string;
  /** the tuning sweep's folder (null when nothing was tuned) */
  readonly out: string | null;
}

export type TuningOutcome = { readonly kind: 'ok'; readonly record: TuningRecord } | { readonly kind: 'missing'; readonly why: string } | { readonly kind: 'emitted'; readonly message: string };

/** The keys a row, --quick and the column fix themselves (a variant's switch, a smaller network): never tuned. */
function fixedKeys(texts: readonly string[]): Set<string> {
  return new Set(texts.map((text) => text.slice(0, text.indexOf('='))));
}

/**
 * The space a row is tuned over: the table's paper grid where the paper states one, else the model's registry
 * space; without the keys the row fixes and the keys the model does not have.
 */
export function rowSpace(table: TableSpec, row: RowSpec, fixed: readonly string[], config: ResolvedConfig): { space: Record<string, unknown[]>; from: string } {
  const entry = MODELS[row.model as string];
  const given = table.tuneSpace ?? entry.searchSpace ?? {};
  // a model without training (MostPop) has no train.* settings to tune, though every config has the keys
  const model = createModel(config);
  const trains = isTrainable(model);
  model.dispose();
  const from = table.tuneSpace ? `the paper's grid (${table.tuneSpaceNote ?? table.title})` : entry.searchSpace ? `${row.model}'s registry search space` : `${row.model} declares no search space`;
  const skip = fixedKeys(fixed);
  const space = Object.fromEntries(Object.entries(given).filter(([key]) => config.has(key) && !skip.has(key) && (trains || !key.startsWith('train.'))).map(([key, values]) => [key, [...values]]));
  return { space, from };
}

/** The overrides that give a tuning run a validation part carved from the training part only, and the words for it. */
export function carveOf(config: ResolvedConfig): { sets: Record<string, unknown>; carve: string } | { why: string } {
  if (hasValidation(config)) {
    return { sets: {}, carve: `the protocol's own validation part (${config.str('split.method') === 'leave_one_out' ? "each user's second-last interaction" : `split.valid_ratio ${config.num('split.valid_ratio')}`})` };
  }
  if (config.str('split.method') !== 'ratio_chrono') return { why: `tuning: no validation part can be carved from split.method ${config.str('split.method')} without one` };
  const share = config.num('split.train_ratio');
  return {
    sets: {
      'data.preprocess': [...config.strs('data.preprocess'), `head share=${share}`],
      'split.train_ratio': TUNE_TRAIN_SHARE,
      'split.valid_ratio': TUNE_VALID_SHARE,
    },
    carve: `carved from the training part only: each user's first ${share} (the protocol's training part) split again in time order, its first ${TUNE_TRAIN_SHARE} training and the rest but its last interaction validating; the test part is never loaded`,
  };
}

const labelOf = (values: Record<string, unknown>) => Object.entries(values).map(([key, value]) => `${key.slice(key.lastIndexOf('.') + 1)}=${valueText(value)}`).join(' ');

/** The cell's tuning sweep: written to OUT/<row>/tune-<search>/sweep.yaml and planned (nothing runs yet). */
function tuningPlan(spec: { preset: string; path: string; set: Record<string, unknown>; space: Record<string, unknown[]>; seed: number; select: string; options: TuneOptions; out: string; header: string }): SweepPlan {
  mkdirSync(spec.out, { recursive: true });
  const set = Object.fromEntries(Object.entries(spec.set).filter(([key]) => !(key in spec.space)));
  const file = join(spec.out, 'sweep.yaml');
  const sweep = { preset: spec.preset, path: spec.path, set, grid: spec.space, search: spec.options.search, budget: spec.options.budget, seeds: [spec.seed], select: spec.select, out: spec.out };
  writeFileAtomic(file, `${spec.header}\n${stringify(sweep)}`);
  return planSweep(file);
}

/** What the cell's tuning runs need: the cell's settings and where its sweeps go. */
export interface TuneCell {
  readonly table: TableSpec;
  readonly column: ColumnSpec;
  readonly row: RowSpec;
  /** the raw file, resolved */
  readonly path: string;
  /** the cell's settings (table, row, --quick, model.name, side files) */
  readonly set: Record<string, unknown>;
  /** the row's, --quick's and the column's own overrides: keys never tuned */
  readonly fixed: readonly string[];
  /** the cell's folder (OUT/<paper>/<column>/<row>) */
  readonly out: string;
  readonly seed: number;
  readonly header: string;
}

/**
 * Tunes one cell before its seeds run: a resumable sweep of `budget` points of the row's space, each trained
 * with the first seed on the validation part (carveOf), the point with the best validation value of the
 * table's headline metric chosen. `run` runs the plan (the caller's runSweep or emit).
 */
export async function tuneCell(cell: TuneCell, options: TuneOptions, run: (plan: SweepPlan) => Promise<TuningOutcome | null>): Promise<TuningOutcome> {
  const texts = Object.entries(cell.set).map(([key, value]) => overrideText(key, value));
  const config = configFromFlags({ preset: cell.column.preset, path: cell.path, set: texts });
  const { space, from } = rowSpace(cell.table, cell.row, cell.fixed, config);
  const carved = carveOf(config);
  const base = { search: options.search, budget: options.budget, select: cell.table.primary, space: from };
  if (Object.keys(space).length === 0) {
    return { kind: 'ok', record: { ...base, chosen: {}, label: 'nothing to tune', tried: 0, spaceSize: 0, valid: null, carve: 'none', out: null } };
  }
  if ('why' in carved) return { kind: 'missing', why: carved.why };
  const out = join(cell.out, `tune-${options.search}`);
  const plan = tuningPlan({ preset: cell.column.preset, path: cell.path, set: { ...cell.set, ...carved.sets }, space, seed: cell.seed, select: cell.table.primary, options, out, header: cell.header });
  const early = await run(plan);
  if (early) return early;
  // planned again: a tpe search has proposed further points since (and trials run by Slurm are recorded)
  const done = planSweep(plan.spec.file);
  const summary = summarise(done, readIndex(out).records);
  writeSummary(out, summary);
  if (!summary.best) return { kind: 'missing', why: `tuning chose no point (${summary.best_note}; see ${out})` };
  const size = spaceSize(Object.values(space).map((values) => values.length));
  const record: TuningRecord = { ...base, chosen: summary.best.values, label: labelOf(summary.best.values), tried: summary.points.length, spaceSize: size, valid: summary.best.valid.mean, carve: carved.carve, out };
  writeFileAtomic(join(out, 'tuning.json'), `${JSON.stringify(record, null, 2)}\n`);
  return { kind: 'ok', record };
}
