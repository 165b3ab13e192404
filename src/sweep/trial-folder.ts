import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { tryReadMetrics } from '../results/metrics-file';
import type { TrialRecord } from './index-file';
import type { Trial } from './trials';

/** A trial's output.dir: it holds the trial's run folder. */
export const trialDir = (out: string, id: string) => join(out, 'trials', id);

/** A run folder that `memrec train` finished (metrics.json is written last), with its metrics. */
export interface CompleteRun {
  /** relative to the sweep's output folder */
  runDir: string;
  metrics: {
    seed?: number;
    results?: { valid?: { means: Record<string, number> }; test?: { means: Record<string, number> } };
    run?: { wall_seconds?: number };
  };
}

/**
 * The trial's finished run folder, or null. The trial folder normally holds one run folder; where a task was
 * run again beside an interrupted attempt (e.g. a requeued Slurm task), the latest finished one counts.
 */
export function completeRun(out: string, id: string): CompleteRun | null {
  const dir = trialDir(out, id);
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .reverse();
  for (const run of runs) {
    const metrics = tryReadMetrics(join(dir, run));
    if (metrics?.results.test) return { runDir: join('trials', id, run), metrics };
  }
  return null;
}

/**
 * Moves a trial folder that holds no finished run (left by a sweep that was killed, or by a failed trial that
 * is run again) aside to trials/<id>.<reason>-<n>, keeping its log for a post-mortem. Returns the new path.
 */
export function moveAside(out: string, id: string, reason: 'incomplete' | 'failed'): string {
  const from = trialDir(out, id);
  for (let n = 1; ; n++) {
    const to = `${from}.${reason}-${n}`;
    if (existsSync(to)) continue;
    renameSync(from, to);
    return to;
  }
}

/** The index record of a trial whose run folder is complete. */
export function okRecord(trial: Trial, run: CompleteRun, seed: number, wallSeconds: number | null): TrialRecord {
  const results = run.metrics.results ?? {};
  return {
    id: trial.id,
    status: 'ok',
    point: trial.point.values,
    overrides: trial.overrides,
    seed: run.metrics.seed ?? seed,
    run_dir: run.runDir,
    valid: results.valid?.means ?? null,
    test: results.test?.means ?? null,
    wall_seconds: wallSeconds ?? run.metrics.run?.wall_seconds ?? 0,
    finished_at: new Date().toISOString(),
  };
}

/** The latest run folder in the trial folder, finished or not (relative to the sweep's output folder), or null. */
export function latestRunDir(out: string, id: string): string | null {
  const dir = trialDir(out, id);
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return runs.length > 0 ? join('trials', id, runs[runs.length - 1]) : null;
}

/** The index record of a trial whose process failed; `runDir` is the unfinished run folder, if it got that far. */
export function failedRecord(
  trial: Trial,
  seed: number,
  exitCode: number | string,
  error: string,
  wallSeconds: number,
  runDir: string | null,
): TrialRecord {
  return {
    id: trial.id,
    status: 'failed',
    point: trial.point.values,
    overrides: trial.overrides,
    seed,
    run_dir: runDir,
    valid: null,
    test: null,
    wall_seconds: wallSeconds,
    finished_at: new Date().toISOString(),
    exit_code: exitCode,
    error,
  };
}
