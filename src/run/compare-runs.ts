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
  const protocol = pairingOf(dir);
  const repeats = (protocol.split as { repeats: number }).repeats;
  const keys: string[] = [];
  const values: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const file = join(dir, `${repeatName(`per_user_${part}`, repeat, repeats)}.tsv`);
    if (!existsSync(file)) throw new RunError(`${file}: no per-user values (was output.per_user false?)`);
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const header = lines[0].split('\t');
    const column = header.indexOf(metric);
    if (column < 0) {
      throw new UsageError(`--metric ${metric}: not in ${file} (it has ${header.slice(1).join(', ')})`);
    }
    for (const line of lines.slice(1)) {
      const fields = line.split('\t');
      keys.push(`${repeat}:${fields[0]}`);
      values.push(Number(fields[column]));
    }
  }
  return { keys, values: Float64Array.from(values), protocol };
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

/**
 * Pairs two runs' per-user values of one metric and tests the difference. Runs whose protocol, data, split
 * or seed differ, or whose evaluated users differ, are refused: their per-user values are not pairs.
 */
export function compareRuns(dirA: string, dirB: string, part: string, metric: string): PairedTestResult {
  const a = readPerUser(dirA, part, metric);
  const b = readPerUser(dirB, part, metric);
  const differ = pairingDifferences(a.protocol, b.protocol);
  if (differ.length > 0) {
    throw new RunError(`${dirA} and ${dirB} differ in ${differ.join(', ')}; their users cannot be paired`);
  }
  if (a.keys.length !== b.keys.length || a.keys.some((key, i) => key !== b.keys[i])) {
    throw new RunError(`${dirA} and ${dirB} evaluated different users; their values cannot be paired`);
  }
  return pairedTests(a.values, b.values);
}
