import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunError } from '../util/errors';
import type { PartSummary } from './summary';
import { writeJson } from './run-folder';

export const METRICS_FILE = 'metrics.json';

/** A raw data file as a run read it: its absolute path, size and content hash. */
export interface DataFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * A finished run's metrics.json: the one owner of its format, written by `train` and read by `eval`,
 * `compare`, `sweep` and `reproduce`. It is written last, so a run folder without it is an interrupted run.
 * Everything outside `run` is a function of the config, the data, the code and the backend; `run` holds the
 * run's id and clock times.
 */
export interface MetricsFile {
  format: 'memrec-metrics/1';
  model: string;
  /**
   * malformed_rows: raw lines left out as malformed (see the log for which); files: the raw files read (none
   * for generated data; absent in runs written before it was recorded), checked by `eval --run`
   */
  dataset: { source: string; name: string; stats: object; malformed_rows: number; files?: DataFile[] };
  split: { method: string; repeats: number; interactions: Record<string, number> };
  seed: number;
  protocol: Record<string, unknown> & { metrics: string[]; description: string };
  results: Partial<Record<'valid' | 'test', PartSummary>>;
  environment: Record<string, unknown>;
  run: { id: string; started_at: string; finished_at: string; wall_seconds: number };
}

export function writeMetrics(dir: string, metrics: MetricsFile): void {
  writeJson(dir, METRICS_FILE, metrics);
}

/** A run folder's metrics.json, or null when there is none or it does not parse (not a finished run). */
export function tryReadMetrics(dir: string): MetricsFile | null {
  const file = join(dir, METRICS_FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as MetricsFile;
    return parsed && typeof parsed === 'object' && parsed.results ? parsed : null;
  } catch {
    return null;
  }
}

/** A finished run's metrics.json; a folder without a readable one is an interrupted or foreign run. */
export function readMetrics(dir: string): MetricsFile {
  const metrics = tryReadMetrics(dir);
  if (!metrics) throw new RunError(`${dir}: no readable ${METRICS_FILE} (not a finished memrec run)`);
  return metrics;
}

/**
 * What must match for two runs' per-user values to be paired, by what it is called: protocol, data, split, seed.
 * Data files count by content: the same file in another folder pairs.
 */
export function pairingKey(metrics: MetricsFile): Record<'protocol' | 'data' | 'split' | 'seed', unknown> {
  const { files, ...dataset } = metrics.dataset;
  const data = files ? { ...dataset, sha256: files.map((file) => file.sha256) } : dataset;
  return { protocol: metrics.protocol, data, split: metrics.split, seed: metrics.seed };
}
