import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairedTests, type PairedTestResult } from '../eval/significance';
import { repeatName } from '../results/run-folder';
import { RunError, UsageError } from '../util/errors';
import { pairingKey, readMetrics } from '../results/metrics-file';

interface RunValues {
  /** "repeat:user" keys in file order */
  keys: string[];
  values: Float64Array;
  protocol: Pairing;
}

/** Everything that must match for two runs' per-user values to be paired, by what it is called. */
type Pairing = ReturnType<typeof pairingKey>;

const pairingOf = (dir: string): Pairing => pairingKey(readMetrics(dir));

/** One run's per-user values of `metric` on `part`, over every repeat (read from its per_user_*.tsv files). */
export function readPerUser(dir: string, part: string, metric: string): RunValues {
  const { keys, values, protocol } = readPerUserMetrics(dir, part, [metric]);
  return { keys, values: values[metric], protocol };
}

/** One run's per-user values of several metrics on `part`, each file read once. */
function readPerUserMetrics(dir: string, part: string, metrics: readonly string[]): { keys: string[]; values: Record<string, Float64Array>; protocol: Pairing } {
  const protocol = pairingOf(dir);
  const repeats = (protocol.split as { repeats: number }).repeats;
  const keys: string[] = [];
  const values: number[][] = metrics.map(() => []);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const file = join(dir, `${repeatName(`per_user_${part}`, repeat, repeats)}.tsv`);
    if (!existsSync(file)) throw new RunError(`${file}: no per-user values (was output.per_user false?)`);
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const header = lines[0].split('\t');
    const columns = metrics.map((metric) => {
      const column = header.indexOf(metric);
      if (column < 0) throw new UsageError(`--metric ${metric}: not in ${file} (it has ${header.slice(1).join(', ')})`);
      return column;
    });
    for (const line of lines.slice(1)) {
      const fields = line.split('\t');
      keys.push(`${repeat}:${fields[0]}`);
      columns.forEach((column, m) => values[m].push(Number(fields[column])));
    }
  }
  return { keys, values: Object.fromEntries(metrics.map((metric, m) => [metric, Float64Array.from(values[m])])), protocol };
}

/** A value in a message, cut short past 40 characters. */
function show(value: unknown): string {
  const text = value === undefined ? 'none' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The leaf paths (b.c) where two JSON values differ, each with both values. With `absentAgrees`, a leaf that
 * only one side has is no difference (a statistic that an earlier memrec did not record).
 */
function leafDifferences(a: unknown, b: unknown, path: string, out: string[], absentAgrees = false): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (absentAgrees && (a === undefined || b === undefined)) return;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) leafDifferences(a[key], b[key], path ? `${path}.${key}` : key, out, absentAgrees);
    return;
  }
  out.push(`${path ? `${path} ` : ''}${show(a)} against ${show(b)}`);
}

/**
 * What keeps two runs' values from being pairs, one entry per part that differs (protocol, data, split,
 * seed) with its first difference, e.g. `protocol (cutoffs [5,10,20] against [5,10,50])`, `seed (1 against 2)`.
 */
export function pairingDifferences(a: Pairing, b: Pairing): string[] {
  const out: string[] = [];
  for (const part of ['protocol', 'data', 'split', 'seed'] as const) {
    const found: string[] = [];
    leafDifferences(a[part], b[part], '', found, part === 'data');
    if (found.length > 0) out.push(`${part} (${found[0]}${found.length > 1 ? `, and ${found.length - 1} more` : ''})`);
  }
  return out;
}

/** Refuses two runs whose per-user values are not pairs: protocol, data, split or seed differ, or their users. */
function assertPaired(dirA: string, a: { keys: string[]; protocol: Pairing }, dirB: string, b: { keys: string[]; protocol: Pairing }): void {
  const differ = pairingDifferences(a.protocol, b.protocol);
  if (differ.length > 0) {
    throw new RunError(`${dirA} and ${dirB} differ in ${differ.join(', ')}; their users cannot be paired`);
  }
  if (!sameKeys(a.keys, b.keys)) {
    throw new RunError(`${dirA} and ${dirB} evaluated different users; their values cannot be paired`);
  }
}

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((key, i) => key === b[i]);

/**
 * Pairs two runs' per-user values of one metric and tests the difference. Runs whose protocol, data, split
 * or seed differ, or whose evaluated users differ, are refused: their per-user values are not pairs.
 */
export function compareRuns(dirA: string, dirB: string, part: string, metric: string): PairedTestResult {
  const a = readPerUser(dirA, part, metric);
  const b = readPerUser(dirB, part, metric);
  assertPaired(dirA, a, dirB, b);
  return pairedTests(a.values, b.values);
}

/** A row of a table: its runs, one per seed. */
export interface RowRuns {
  readonly label: string;
  readonly dirs: readonly string[];
}

/** One run of a row: its seed and its per-user values of each metric. */
export interface SeedValues {
  readonly seed: number;
  readonly values: Record<string, Float64Array>;
}

export interface PairedRows {
  /** every seed some row has a run of, ascending */
  readonly seeds: number[];
  /** the seeds every row has a run of, ascending (at least one) */
  readonly shared: number[];
  /** the number of (repeat, user) values per run */
  readonly users: number;
  /** each row's runs in ascending seed order */
  readonly rows: { readonly label: string; readonly runs: readonly SeedValues[] }[];
}

/**
 * Several rows' per-user values of `metrics` on `part`, kept per seed so that a comparison of two rows can
 * average each user over the seeds both ran. For each seed, every row's run of it must pair with the first
 * such run (protocol, data, split, seed and users, as compareRuns checks), and every seed must have evaluated
 * the same users. At least one seed must have a run of every row: then every two rows share a seed.
 */
export function pairedRows(rows: readonly RowRuns[], part: string, metrics: readonly string[]): PairedRows {
  const bySeed = rows.map((row) => {
    const runs = new Map<number, string>();
    for (const dir of row.dirs) {
      const seed = readMetrics(dir).seed;
      const other = runs.get(seed);
      if (other !== undefined) throw new RunError(`${row.label}: ${other} and ${dir} are both runs of seed ${seed}; give one run per seed`);
      runs.set(seed, dir);
    }
    return runs;
  });
  const seeds = [...new Set(bySeed.flatMap((runs) => [...runs.keys()]))].sort((a, b) => a - b);
  const shared = seeds.filter((seed) => bySeed.every((runs) => runs.has(seed)));
  if (rows.length > 0 && shared.length === 0) throw new RunError(`no seed has a run of every row (${rows.map((r) => r.label).join(', ')})`);
  const runs: SeedValues[][] = rows.map(() => []);
  let first: { dir: string; keys: string[]; seed: number } | null = null;
  for (const seed of seeds) {
    let anchor: { dir: string; keys: string[]; protocol: Pairing } | null = null;
    for (let r = 0; r < rows.length; r++) {
      const dir = bySeed[r].get(seed);
      if (dir === undefined) continue;
      const read = readPerUserMetrics(dir, part, metrics);
      if (anchor === null) {
        anchor = { dir, ...read };
        if (first !== null && !sameKeys(first.keys, read.keys)) {
          throw new RunError(`${first.dir} and ${dir} (seeds ${first.seed} and ${seed}) evaluated different users; their values cannot be averaged over seeds`);
        }
        first ??= { dir, keys: read.keys, seed };
      } else {
        assertPaired(anchor.dir, anchor, dir, read);
      }
      runs[r].push({ seed, values: read.values });
    }
  }
  return { seeds, shared, users: first?.keys.length ?? 0, rows: rows.map((row, r) => ({ label: row.label, runs: runs[r] })) };
}
