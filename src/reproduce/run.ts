import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { writeFileAtomic } from '../results/atomic';
import { tryReadMetrics } from '../results/metrics-file';
import { readIndex, type TrialRecord } from '../sweep/index-file';
import { planSweep } from '../sweep/plan';
import { stat, type Stat } from '../sweep/summary';
import { emit, runSweep } from '../sweep/sweep';
import type { SweepPlan } from '../sweep/plan';
import { InterruptedError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import type { ColumnSpec, RowSpec, TableSpec } from './tables';
import { tuneCell, type TuneOptions, type TuningRecord } from './tune';

/** What became of one cell (a row in a column): figures, or why there are none, in words. */
export type CellOutcome =
  | { readonly kind: 'ok'; readonly test: Record<string, Stat>; readonly runDirs: string[]; readonly tuning?: TuningRecord }
  | { readonly kind: 'missing'; readonly why: string };

export interface ColumnOutcome {
  readonly column: ColumnSpec;
  /** the raw file used, or null when none was found */
  readonly file: string | null;
  readonly cells: Record<string, CellOutcome>;
}

export interface ReproduceOptions {
  readonly dataDir: string;
  readonly out: string;
  readonly seeds: readonly number[];
  readonly quick: boolean;
  readonly jobs: number;
  /** --tune: tune every row with the same budget on validation before its seeds run */
  readonly tune?: TuneOptions | null;
  /** --emit slurm: write each cell's unfinished trials as a Slurm array instead of running them */
  readonly emit?: boolean;
  /** --columns: the column keys to run (absent: every column whose data is found) */
  readonly columns?: readonly string[];
  /** --rows: the row keys to run (a row's run folder name, e.g. dman-xl; absent: every row) */
  readonly rows?: readonly string[];
  /** --set key=value: applied to every cell after the table's, row's and quick settings */
  readonly sets?: readonly string[];
}

/** Why a cell left out by --columns or --rows has no figures (the start of its `why`). */
export const NOT_SELECTED = 'not selected (--columns, --rows)';

/** A row's key: its run folder's name under a column (its model's name unless the row sets another). */
export const rowKey = (row: RowSpec) => row.key ?? (row.model as string);

/** The first of `files` (relative to `dataDir`) that exists, as a path, or null. */
export const firstExisting = (dataDir: string, files: readonly string[]) => files.map((f) => join(dataDir, f)).find((f) => existsSync(f)) ?? null;

/**
 * A finished trial's test value of `metric`, one per repeat where the protocol repeats its random split (MARS's
 * five splits: the cell's sd is then over seeds and splits, as the paper's "mean (std)"), else its one mean.
 */
function repeatValues(runDir: string, record: TrialRecord, metric: string): number[] {
  const perRepeat = tryReadMetrics(runDir)?.results.test?.per_repeat;
  if (perRepeat) return perRepeat.map((means) => means[metric]).filter((v): v is number => typeof v === 'number');
  const value = record.test?.[metric];
  return typeof value === 'number' ? [value] : [];
}

/** Plans a sweep from its text without writing it where the sweep lives (the trials' folder is the spec's `out`). */
function planElsewhere(sweepText: string): SweepPlan {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-cell-'));
  try {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, sweepText);
    return planSweep(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `key=value` texts as the values a sweep file holds (each read as --set would read it). */
function settings(texts: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    values[text.slice(0, eq)] = parseYaml(text.slice(eq + 1));
  }
  return values;
}

/** The --set flags as typed (empty without them), for headers. */
export const setFlags = (options: { sets?: readonly string[] }) => (options.sets ?? []).map((set) => ` --set ${set}`).join('');

/** Whether --columns and --rows (absent: everything) select this cell. */
const isSelected = (column: ColumnSpec, row: RowSpec, options: ReproduceOptions) =>
  (!options.columns || options.columns.includes(column.key)) && (!options.rows || options.rows.includes(rowKey(row)));

/**
 * A cell's folder OUT/<paper>/<column>/<row key>, its settings (the table's, the tuning's with --tune, the row's
 * and, with --quick, the table's, column's and row's quick ones; the column's side files where found) and the
 * header of the sweep files it writes.
 */
function cellSetup(table: TableSpec, column: ColumnSpec, row: RowSpec, file: string, options: ReproduceOptions) {
  const out = resolve(options.out, table.paper, column.key + (options.quick ? '-quick' : ''), rowKey(row));
  const quick = options.quick ? [...table.quickSets, ...(column.quickSets ?? []), ...(row.quickSets ?? [])] : [];
  const tuneSets = options.tune ? [...(table.tuneSets ?? [])] : [];
  const set = settings([...table.sets, ...tuneSets, ...(row.sets ?? []), ...quick, ...(options.sets ?? []), `model.name=${row.model}`]);
  for (const side of column.sideFiles ?? []) {
    const path = [join(dirname(file), basename(side.file)), join(options.dataDir, side.file)].find((f) => existsSync(f));
    if (path) set[side.key] = resolve(path);
  }
  const header = `# written by memrec reproduce --paper ${table.paper}${options.quick ? ' --quick' : ''}${options.tune ? ` --tune ${options.tune.budget} --search ${options.tune.search}` : ''}${setFlags(options)}`;
  return { out, quick, set, header };
}

/** The sweep file of a cell's seeds: its settings, every seed asked for, nothing selected. */
function seedsSweepText(column: ColumnSpec, file: string, set: Record<string, unknown>, seedsOut: string, options: ReproduceOptions, header: string): string {
  const spec = { preset: column.preset, path: resolve(file), set, seeds: [...options.seeds], select: 'none', out: seedsOut };
  return `${header}\n${stringify(spec)}`;
}

/**
 * Runs one cell as a sweep over the seeds (select none) in OUT/<paper>/<column>/<row key or model>, so that a
 * killed reproduction resumes where it stopped and tables sharing a row share its runs, with the table's, the
 * row's and (with --quick) the table's, column's and row's quick settings. With --tune the cell is tuned first
 * (tune.ts, in <cell>/tune-<search>) and its seeds run with the chosen point in <cell>/tuned.
 */
async function runCell(table: TableSpec, column: ColumnSpec, row: RowSpec, file: string, options: ReproduceOptions, reporter: Reporter): Promise<CellOutcome> {
  const { out, quick, set, header } = cellSetup(table, column, row, file, options);
  // a cell left out by --columns or --rows runs nothing: it shows what an earlier invocation with the same settings finished
  const selected = isSelected(column, row, options);
  if (!selected && options.tune) return { kind: 'missing', why: NOT_SELECTED };
  if (selected) mkdirSync(out, { recursive: true });
  /** runs a plan, or with --emit writes its unfinished trials as a Slurm array and says so */
  const runOrEmit = async (plan: SweepPlan): Promise<string | null> => {
    if (!options.emit) {
      const { interrupted } = await runSweep(plan, options.jobs, false, reporter);
      // a stopped cell stops the reproduction: the next cell must not start after Ctrl-C or SIGTERM
      if (interrupted) throw new InterruptedError(interrupted, `${table.paper} ${column.key}/${rowKey(row)} (the same command goes on from there)`);
      return null;
    }
    const message = emit(plan, 'slurm', options.jobs > 1 ? options.jobs : null, false, reporter).trim();
    return plan.complete && message.startsWith('every trial') ? null : message;
  };
  let tuning: TuningRecord | undefined;
  let seedsOut = out;
  if (options.tune) {
    const cell = { table, column, row, path: resolve(file), set, fixed: [...(row.sets ?? []), ...quick], out, seed: options.seeds[0], header };
    const tuned = await tuneCell(cell, options.tune, async (plan) => {
      const message = await runOrEmit(plan);
      return message === null ? null : { kind: 'emitted', message };
    });
    if (tuned.kind === 'missing') return tuned;
    if (tuned.kind === 'emitted') return { kind: 'missing', why: `tuning: ${tuned.message}` };
    tuning = tuned.record;
    Object.assign(set, tuning.chosen);
    if (Object.keys(tuning.chosen).length > 0 || (table.tuneSets ?? []).length > 0) seedsOut = join(out, 'tuned');
  }
  const sweepFile = join(seedsOut, 'sweep.yaml');
  const sweepText = seedsSweepText(column, file, set, seedsOut, options, header);
  let plan: SweepPlan;
  if (selected) {
    mkdirSync(seedsOut, { recursive: true });
    writeFileAtomic(sweepFile, sweepText);
    plan = planSweep(sweepFile);
    const emitted = await runOrEmit(plan);
    if (emitted !== null) return { kind: 'missing', why: `seeds: ${emitted}` };
  } else {
    if (!existsSync(join(seedsOut, 'index.jsonl'))) return { kind: 'missing', why: `${NOT_SELECTED}, and no earlier run with these settings` };
    // planned from a copy of its spec, leaving its sweep file as the last run wrote it: the finished trials are
    // found by id (settings and seed), whichever seeds that run had
    plan = planElsewhere(sweepText);
  }
  const { records } = readIndex(seedsOut);
  const found = plan.trials.map((t) => records.get(t.id));
  const ok = found.filter((r): r is TrialRecord => r?.status === 'ok' && r.test !== null);
  if (ok.length === 0) {
    const failed = found.find((r) => r?.status === 'failed');
    return { kind: 'missing', why: failed ? `failed: ${failed.error ?? 'see the trial log'}` : 'not run' };
  }
  const runDirs = ok.map((r) => join(seedsOut, r.run_dir as string));
  const test: Record<string, Stat> = {};
  for (const key of table.metrics) {
    const summary = stat(ok.flatMap((r, k) => repeatValues(runDirs[k], r, key)));
    if (summary) test[key] = summary;
  }
  return { kind: 'ok', test, runDirs, ...(tuning ? { tuning } : {}) };
}

/** What an invocation will run, counted before it starts: trials by cell, and a duration where one can be known. */
export interface TablePlan {
  /** selected cells with a model and data */
  readonly cells: number;
  readonly trials: number;
  /** of `trials`, those an earlier invocation finished (found by trial id) */
  readonly finished: number;
  /** the seconds the unfinished trials should take, from the finished seeds of the same cells */
  readonly estimatedSeconds: number;
  /** unfinished trials whose cell has no finished seed to go by */
  readonly unestimated: number;
}

/**
 * Counts the trials of the selected cells and those already finished. An unfinished trial is estimated at the
 * mean wall time of its cell's finished seeds (same settings, another seed: the same work); a cell with none
 * gives no estimate. With --tune the seeds' settings depend on the tuning, so only the cells are counted.
 */
export function planTable(table: TableSpec, options: ReproduceOptions): TablePlan {
  let cells = 0;
  let trials = 0;
  let finished = 0;
  let estimatedSeconds = 0;
  let unestimated = 0;
  for (const column of table.columns) {
    const file = firstExisting(options.dataDir, column.files);
    if (file === null) continue;
    for (const row of table.rows) {
      if (row.model === null || !isSelected(column, row, options)) continue;
      cells += 1;
      if (options.tune) continue;
      const { out, set, header } = cellSetup(table, column, row, file, options);
      const plan = planElsewhere(seedsSweepText(column, file, set, out, options, header));
      const { records } = readIndex(out);
      const done = plan.trials.filter((t) => records.get(t.id)?.status === 'ok');
      const toRun = plan.trials.length - done.length;
      trials += plan.trials.length;
      finished += done.length;
      if (toRun === 0) continue;
      // the cell's finished trials, whatever seeds: those of this invocation and any other
      const times = [...records.values()].filter((r) => r.status === 'ok').map((r) => r.wall_seconds);
      if (times.length === 0) unestimated += toRun;
      else estimatedSeconds += (toRun * times.reduce((a, b) => a + b, 0)) / times.length;
    }
  }
  return { cells, trials, finished, estimatedSeconds, unestimated };
}

/** "2.4 h", "35 min" or "40 s". */
export function roughDuration(seconds: number): string {
  if (seconds >= 5400) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 90) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds)} s`;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The line reproduce prints before it starts a table. */
export function planSentence(name: string, plan: TablePlan, tuning: boolean): string {
  if (plan.cells === 0) return `reproduce ${name}: no selected cell has its data here`;
  if (tuning) return `reproduce ${name}: ${count(plan.cells, 'cell')}, each tuned before its seeds run`;
  const toRun = plan.trials - plan.finished;
  const counted = `reproduce ${name}: ${count(plan.cells, 'cell')}, ${count(plan.trials, 'trial')}`;
  if (toRun === 0) return `${counted}, every one finished earlier: writing the table`;
  const estimated = toRun - plan.unestimated;
  const time = [
    estimated > 0 ? `about ${roughDuration(plan.estimatedSeconds)} for ${estimated === toRun ? 'them' : `${estimated} of them`}, one after another, from their cells' finished seeds` : '',
    plan.unestimated > 0 ? `${plan.unestimated} in cells with no finished trial to go by` : '',
  ].filter((part) => part !== '');
  return `${counted}, ${plan.finished} finished earlier, ${toRun} to run; ${time.join('; ')}`;
}

/** One column: every row with a model, when the column's raw file is found; `done` is called after each cell run. */
async function runColumn(table: TableSpec, column: ColumnSpec, options: ReproduceOptions, reporter: Reporter, done: (column: ColumnSpec, row: RowSpec) => void): Promise<ColumnOutcome> {
  const file = firstExisting(options.dataDir, column.files);
  const cells: Record<string, CellOutcome> = {};
  for (const row of table.rows) {
    if (row.model === null) cells[row.label] = { kind: 'missing', why: 'model not in memrec' };
    else if (file === null) cells[row.label] = { kind: 'missing', why: `data not available (${column.files[0]} not in ${options.dataDir}, nor under its other names)` };
    else {
      cells[row.label] = await runCell(table, column, row, file, options, reporter);
      if (isSelected(column, row, options)) done(column, row);
    }
  }
  return { column, file, cells };
}

/**
 * Runs every column of the table whose raw file is found (in order), and reports the rest in words. Says first
 * what it will run and how long that should take, and after each cell how far it got.
 */
export async function reproduceTable(table: TableSpec, options: ReproduceOptions, reporter: Reporter): Promise<ColumnOutcome[]> {
  const name = `${table.paper}-${table.id}`;
  const plan = planTable(table, options);
  reporter.info(planSentence(name, plan, Boolean(options.tune)));
  const started = performance.now();
  let cellsDone = 0;
  const done = (column: ColumnSpec, row: RowSpec) => {
    cellsDone += 1;
    reporter.info(`reproduce ${name}: ${column.key}/${rowKey(row)} done, ${cellsDone} of ${plan.cells} cells, ${roughDuration((performance.now() - started) / 1000)} so far`);
  };
  const outcomes: ColumnOutcome[] = [];
  for (const column of table.columns) outcomes.push(await runColumn(table, column, options, reporter, done));
  return outcomes;
}
