import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root';
import type { Reporter } from '../util/reporter';
import type { TrialRecord } from './index-file';
import { baseArgs, type SweepPlan } from './plan';
import { completeRun, failedRecord, latestRunDir, okRecord, trialDir } from './trial-folder';
import type { Trial } from './trials';

/** memrec's own entry script, which every trial runs. */
export const MEMREC_BIN = join(PACKAGE_ROOT, 'bin', 'memrec');

/** The `memrec train` arguments of one trial (after the program): an ordinary run into OUT/trials/<id>/. */
export function trialArgs(plan: SweepPlan, trial: Trial): string[] {
  return [
    'train',
    ...baseArgs(plan.spec),
    ...trial.overrides.flatMap((text) => ['--set', text]),
    '--set',
    `output.dir=${trialDir(plan.out, trial.id)}`,
    '--quiet',
  ];
}

/** The seed a trial runs with: its own, or the base config's. */
export const seedOf = (plan: SweepPlan, trial: Trial) => trial.seed ?? plan.baseSeeds[trial.point.index];

const STDERR_TAIL = 8192;

/** The error line of a process's stderr: the last `... error: ...` line (memrec's one-line errors), else the last line. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const errors = lines.filter((line) => /^([a-z]+ )?error: /.test(line));
  return errors.length > 0 ? errors[errors.length - 1] : lines.length > 0 ? lines[lines.length - 1] : '';
}

/** Runs one trial as a child process (in the sweep's process group) and returns its record. */
function runTrial(plan: SweepPlan, trial: Trial, children: Set<ReturnType<typeof spawn>>): Promise<TrialRecord> {
  const started = Date.now();
  const seed = seedOf(plan, trial);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MEMREC_BIN, ...trialArgs(plan, trial)], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      const seconds = (Date.now() - started) / 1000;
      if (code === 0) {
        const run = completeRun(plan.out, trial.id);
        if (run) return resolve(okRecord(trial, run, seed, seconds));
        return resolve(failedRecord(trial, seed, 0, 'exited with 0 but left no finished run folder', seconds, latestRunDir(plan.out, trial.id)));
      }
      const error = spawnError ? `could not start: ${(spawnError as Error).message}` : lastLine(stderr) || (signal ? `killed by ${signal}` : `exited with ${code}`);
      resolve(failedRecord(trial, seed, code ?? signal ?? 'error', error, seconds, latestRunDir(plan.out, trial.id)));
    });
  });
}

/** One finished trial in a progress line. */
function describe(plan: SweepPlan, record: TrialRecord): string {
  const trial = `${record.id}: `;
  if (record.status === 'failed') return `${trial}FAILED (exit ${record.exit_code}): ${record.error}`;
  const select = plan.spec.select;
  const value = select && record.valid?.[select.key];
  const shown = typeof value === 'number' ? `valid ${select?.key} ${value.toFixed(4)}, ` : '';
  return `${trial}${shown}${record.wall_seconds.toFixed(1)} s`;
}

/** ", eta N s" for the trials left at the mean time per trial so far (of the sweep's wall clock). */
function eta(started: number, done: number, total: number): string {
  if (done >= total) return '';
  const seconds = ((Date.now() - started) / 1000 / done) * (total - done);
  return `; eta ${Math.ceil(seconds)} s`;
}

export interface RunOutcome {
  /** the signal that stopped the sweep (SIGINT, SIGTERM), or null when every trial ran */
  interrupted: NodeJS.Signals | null;
}

/**
 * Runs the trials, up to `jobs` at once, and hands each finished trial's record to `record` (which appends it
 * to the index) as soon as its process has exited. One line per finished trial, with an ETA, goes to the
 * reporter (on a terminal too). On SIGINT or SIGTERM the running trials get the same signal and nothing more
 * is recorded: their folders are moved aside when the sweep is started again. When `record` throws (the index cannot be written: a full disk), the
 * running trials are stopped with SIGTERM, no further trial starts, and that error is thrown once every
 * trial process has exited: a sweep never goes on without its index.
 */
export async function runTrials(
  plan: SweepPlan,
  trials: readonly Trial[],
  jobs: number,
  reporter: Reporter,
  record: (record: TrialRecord) => void,
): Promise<RunOutcome> {
  if (trials.length === 0) return { interrupted: null };
  const children = new Set<ReturnType<typeof spawn>>();
  let interrupted: NodeJS.Signals | null = null;
  let failure: unknown = null;
  const stopped = () => interrupted !== null || failure !== null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted === null) reporter.info(`sweep: ${signal}: stopping the running trials; start the sweep again to go on`);
    interrupted = signal;
    for (const child of children) child.kill(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  const queue = [...trials];
  let done = 0;
  try {
    const worker = async () => {
      for (let trial = queue.shift(); trial && !stopped(); trial = queue.shift()) {
        const result = await runTrial(plan, trial, children);
        if (stopped()) return;
        try {
          record(result);
        } catch (err) {
          failure = err;
          for (const child of children) child.kill('SIGTERM');
          return;
        }
        done += 1;
        reporter.info(`trial ${done}/${trials.length} ${describe(plan, result)}${eta(started, done, trials.length)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, trials.length)) }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!stopped()) reporter.info(`sweep: ${done} trials in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (failure !== null) throw failure;
  return { interrupted };
}
