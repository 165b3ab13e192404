import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { writeFileAtomic } from '../results/atomic';
import { readIndex } from '../sweep/index-file';
import { planSweep } from '../sweep/plan';
import type { Stat } from '../sweep/summary';
import { runSweep } from '../sweep/sweep';
import type { Reporter } from '../util/reporter';
import type { ColumnSpec, TableSpec } from './tables';

/** What became of one cell (a row in a column): figures, or why there are none, in words. */
export type CellOutcome =
  | { readonly kind: 'ok'; readonly test: Record<string, Stat>; readonly runDirs: string[] }
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
}

const firstExisting = (dataDir: string, files: readonly string[]) => files.map((f) => join(dataDir, f)).find((f) => existsSync(f)) ?? null;

/**
 * Runs one column as a sweep over the rows' models (grid model.name, the seeds, select none), so that a killed
 * reproduction resumes where it stopped; returns every row's outcome.
 */
async function runColumn(table: TableSpec, column: ColumnSpec, options: ReproduceOptions, reporter: Reporter): Promise<ColumnOutcome> {
  const file = firstExisting(options.dataDir, column.files);
  const cells: Record<string, CellOutcome> = {};
  const models = table.rows.filter((row) => row.model !== null).map((row) => row.model as string);
  for (const row of table.rows) {
    if (row.model === null) cells[row.label] = { kind: 'missing', why: 'model not in memrec' };
    else if (file === null) cells[row.label] = { kind: 'missing', why: `data not available (${column.files[0]} not in ${options.dataDir})` };
  }
  if (file === null || models.length === 0) return { column, file, cells };
  const out = resolve(options.out, table.paper, column.key + (options.quick ? '-quick' : ''));
  mkdirSync(out, { recursive: true });
  const sets: Record<string, unknown> = {};
  for (const text of [...table.sets, ...(options.quick ? table.quickSets : [])]) {
    const eq = text.indexOf('=');
    // the sweep file holds values, not --set text: read each as --set would
    sets[text.slice(0, eq)] = parseYaml(text.slice(eq + 1));
  }
  for (const side of column.sideFiles ?? []) {
    const path = join(options.dataDir, side.file);
    if (existsSync(path)) sets[side.key] = resolve(path);
  }
  const sweepFile = join(out, 'sweep.yaml');
  const spec = { preset: column.preset, path: resolve(file), set: sets, grid: { 'model.name': models }, seeds: [...options.seeds], select: 'none', out };
  writeFileAtomic(sweepFile, `# written by memrec reproduce --paper ${table.paper}${options.quick ? ' --quick' : ''}\n${stringify(spec)}`);
  const plan = planSweep(sweepFile);
  await runSweep(plan, options.jobs, false, reporter);
  const { records } = readIndex(out);
  for (const point of plan.points) {
    const model = String(point.values['model.name']);
    const row = table.rows.find((r) => r.model === model);
    if (!row) continue;
    const found = plan.trials.filter((t) => t.point.index === point.index).map((t) => records.get(t.id));
    const ok = found.filter((r) => r?.status === 'ok' && r.test);
    if (ok.length === 0) {
      const failed = found.find((r) => r?.status === 'failed');
      cells[row.label] = { kind: 'missing', why: failed ? `failed: ${failed.error ?? 'see the trial log'}` : 'not run' };
      continue;
    }
    const test: Record<string, Stat> = {};
    for (const key of table.metrics) {
      const values = ok.map((r) => r?.test?.[key]).filter((v): v is number => typeof v === 'number');
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : null;
      test[key] = { mean, sd, n: values.length };
    }
    cells[row.label] = { kind: 'ok', test, runDirs: ok.map((r) => join(out, r?.run_dir as string)) };
  }
  return { column, file, cells };
}

/** Runs every column of the table whose raw file is found (in order), and reports the rest in words. */
export async function reproduceTable(table: TableSpec, options: ReproduceOptions, reporter: Reporter): Promise<ColumnOutcome[]> {
  const outcomes: ColumnOutcome[] = [];
  for (const column of table.columns) outcomes.push(await runColumn(table, column, options, reporter));
  return outcomes;
}
