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
  protocol: unknown;
}

/** Everything that must match for two runs' per-user values to be paired. */
const protocolOf = (dir: string) => pairingKey(readMetrics(dir));

/** One run's per-user values of `metric` on `part`, over every repeat (read from its per_user_*.tsv files). */
export function readPerUser(dir: string, part: string, metric: string): RunValues {
  const protocol = protocolOf(dir);
  const repeats = protocol.split.repeats;
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

/**
 * Pairs two runs' per-user values of one metric and tests the difference. Runs whose protocol, data, split
 * or seed differ, or whose evaluated users differ, are refused: their per-user values are not pairs.
 */
export function compareRuns(dirA: string, dirB: string, part: string, metric: string): PairedTestResult {
  const a = readPerUser(dirA, part, metric);
  const b = readPerUser(dirB, part, metric);
  if (JSON.stringify(a.protocol) !== JSON.stringify(b.protocol)) {
    throw new RunError(`${dirA} and ${dirB} differ in protocol, data, split or seed; their users cannot be paired`);
  }
  if (a.keys.length !== b.keys.length || a.keys.some((key, i) => key !== b.keys[i])) {
    throw new RunError(`${dirA} and ${dirB} evaluated different users; their values cannot be paired`);
  }
  return pairedTests(a.values, b.values);
}
