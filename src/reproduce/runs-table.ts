import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pairedRows, pairingDifferences } from '../run/compare-runs';
import { pairingKey, readMetrics, tryReadMetrics, type MetricsFile } from '../results/metrics-file';
import { stat, type Stat } from '../sweep/summary';
import { didYouMean } from '../util/did-you-mean';
import { RunError, UsageError } from '../util/errors';
import type { ColumnOutcome } from './run';
import type { TableSpec } from './tables';

/** Folders that a sweep moved aside (an interrupted or a failed trial): never runs of a table. */
const MOVED_ASIDE = /\.(incomplete|failed)-\d+$/;

/** Every finished run folder (one holding a readable metrics.json) under `dir`, sorted; run folders are not searched further. */
export function findRunFolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--runs ${dir}: no such folder`);
  const found: string[] = [];
  const walk = (folder: string) => {
    if (tryReadMetrics(folder)) {
      found.push(folder);
      return;
    }
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && !MOVED_ASIDE.test(entry.name)) walk(join(folder, entry.name));
    }
  };
  walk(dir);
  return found;
}

/** A run's name in the table: its model, and where two runs share a model, its trial's id (a sweep's) or its folder. */
function labelsOf(dirs: string[], runs: MetricsFile[]): string[] {
  const count = new Map<string, number>();
  for (const run of runs) count.set(run.model, (count.get(run.model) ?? 0) + 1);
  const labels = runs.map((run, k) => {
    if (count.get(run.model) === 1) return run.model;
    const trial = dirname(dirs[k]);
    return `${run.model} ${basename(dirname(trial)) === 'trials' ? basename(trial) : basename(dirs[k])}`;
  });
  // still equal (two runs of the same trial, say): the run folders' names tell them apart
  return labels.map((label, k) => (labels.indexOf(label) !== labels.lastIndexOf(label) ? `${runs[k].model} ${basename(dirs[k])}` : label));
}

export interface RunsTableOptions {
  readonly metrics: readonly string[];
  readonly part: 'valid' | 'test';
  /** the row every other row is tested against (a label), or none */
  readonly proposed?: string;
  /** a row's own label, by its run folder as given (NAME=DIR on the command line); the others are named by labelsOf */
  readonly names?: ReadonlyMap<string, string>;
}

/**
 * A run's cell for each metric: over its splits where its protocol repeats a random split (MARS's five), as
 * `memrec reproduce` shows a cell, else its one mean.
 */
function cellStats(run: MetricsFile, options: RunsTableOptions): Record<string, Stat> {
  const results = run.results[options.part];
  const perRepeat = results?.per_repeat;
  return Object.fromEntries(
    options.metrics.map((metric) => [metric, perRepeat && perRepeat.length > 1 ? (stat(perRepeat.map((means) => means[metric])) as Stat) : { mean: results?.means[metric] as number, sd: null, n: 1 }]),
  );
}

/**
 * Several runs as one table (one column: their data): every run a row, checked to pair with the first run
 * (protocol, data, split, seed and evaluated users, as `compare` checks), with their means of `metrics`.
 */
export function runsTable(dirs: readonly string[], options: RunsTableOptions): { table: TableSpec; outcomes: ColumnOutcome[]; header: string } {
  const folders = [...new Set(dirs.map((d) => resolve(d)))];
  if (folders.length === 0) throw new UsageError('no runs: give run folders, or --runs DIR');
  const runs = folders.map((dir) => readMetrics(dir));
  folders.forEach((dir, k) => {
    const differ = pairingDifferences(pairingKey(runs[0]), pairingKey(runs[k]));
    if (differ.length > 0) throw new RunError(`${folders[0]} and ${dir} differ in ${differ.join(', ')}; their users cannot be paired`);
    const summary = runs[k].results[options.part];
    if (!summary) throw new RunError(`${dir}: no ${options.part} part (its split has none)`);
    for (const metric of options.metrics) {
      if (summary.means[metric] === undefined) throw new UsageError(`--metrics ${metric}: not in ${dir} (it has ${Object.keys(summary.means).join(', ')})`);
    }
  });
  const named = new Map([...(options.names ?? new Map<string, string>())].map(([dir, name]) => [resolve(dir), name]));
  const labels = labelsOf(folders, runs).map((label, k) => named.get(folders[k]) ?? label);
  const twice = labels.find((label, k) => labels.indexOf(label) !== k);
  if (twice !== undefined) throw new UsageError(`two rows are named ${twice}: give each run its own NAME=DIR`);
  if (options.proposed !== undefined && !labels.includes(options.proposed)) {
    throw new UsageError(`--proposed ${options.proposed}: not a row of the table (its rows: ${labels.join(', ')})${didYouMean(options.proposed, labels)}`);
  }
  // refuses runs whose evaluated users differ, before anything is written
  pairedRows(labels.map((label, k) => ({ label, dirs: [folders[k]] })), options.part, options.metrics);
  const first = runs[0];
  const files = first.dataset.files?.length ? first.dataset.files.map((f) => f.path).join(', ') : `generated (${first.dataset.source})`;
  const table: TableSpec = {
    paper: 'memrec',
    id: 'table',
    title: `${folders.length} runs on ${first.dataset.name}: ${options.part} ${options.metrics.join(', ')}`,
    metrics: options.metrics,
    primary: options.metrics[0],
    scale: 1,
    columns: [{ key: first.dataset.name, published: null, preset: '', files: [] }],
    rows: labels.map((label, k) => ({ label, model: runs[k].model, baseline: label !== options.proposed })),
    sets: [],
    quickSets: [],
    published: () => null,
    proposed: options.proposed === undefined ? [] : [options.proposed],
  };
  const cells = Object.fromEntries(labels.map((label, k) => [label, { kind: 'ok' as const, test: cellStats(runs[k], options), runDirs: [folders[k]] }]));
  const repeats = first.split.repeats;
  const cellsSay = repeats > 1 ? ` Cells: mean ± sd over the ${repeats} random splits, as \`memrec reproduce\`.` : '';
  const outcomes: ColumnOutcome[] = [{ column: table.columns[0], file: files, cells }];
  const header = [
    `memrec table, ${new Date().toISOString().slice(0, 10)}: ${folders.length} runs of seed ${first.seed}, ${first.protocol.description}.${cellsSay}`,
    `Rows: ${labels.map((label, k) => `${label} = ${folders[k]}`).join('; ')}.`,
  ].join(' ');
  return { table, outcomes, header };
}
