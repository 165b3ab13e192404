import { existsSync } from 'node:fs';
import { closest } from '../util/did-you-mean';
import { RunError, UsageError } from '../util/errors';
import type { Reporter } from '../util/reporter';
import { commandLine, writeSlurm, type SlurmResources } from './emit';
import { appendRecord, indexFile, readIndex, type TrialRecord } from './index-file';
import { acquireLock } from './lock';
import { planSweep, type SweepPlan } from './plan';
import { runTrials, seedOf } from './runner';
import { formatSummary, summarise, writeSummary, type SweepSummary } from './summary';
import { completeRun, moveAside, okRecord, trialDir } from './trial-folder';
import type { Trial } from './trials';

/** The index's records, with its problems reported (and index lines of other trials counted). */
function loadIndex(plan: SweepPlan, reporter: Reporter): Map<string, TrialRecord> {
  const { records, problems } = readIndex(plan.out);
  for (const problem of problems) reporter.info(`sweep: ${problem}`);
  const ids = new Set(plan.trials.map((t) => t.id));
  const others = [...records.keys()].filter((id) => !ids.has(id)).length;
  if (others > 0) reporter.info(`sweep: ${indexFile(plan.out)}: ${others} record(s) of trials that are not in this sweep (changed set, grid or seeds) are left out`);
  return records;
}

/** Trials without a successful record (failed ones only with retryFailed). */
function unfinished(plan: SweepPlan, records: ReadonlyMap<string, TrialRecord>, retryFailed: boolean): Trial[] {
  return plan.trials.filter((t) => {
    const record = records.get(t.id);
    return record === undefined || (record.status === 'failed' && retryFailed);
  });
}

/**
 * Before running: a trial without a successful record whose folder holds a finished run (its sweep was killed
 * after the run but before the index line, or it ran from --emit) is recorded now; a folder without a finished
 * run (the trial was killed) is moved aside to trials/<id>.incomplete-<n>, or .failed-<n> when retrying a
 * failed trial. Returns the trials left to run.
 */
function recover(plan: SweepPlan, records: Map<string, TrialRecord>, retryFailed: boolean, reporter: Reporter): Trial[] {
  const toRun: Trial[] = [];
  for (const trial of plan.trials) {
    const record = records.get(trial.id);
    if (record?.status === 'ok') continue;
    const run = completeRun(plan.out, trial.id);
    if (run) {
      const ok = okRecord(trial, run, seedOf(plan, trial), null);
      appendRecord(plan.out, ok);
      records.set(trial.id, ok);
      reporter.info(`sweep: recorded ${trial.id} from its finished run folder ${run.runDir}`);
      continue;
    }
    if (record?.status === 'failed' && !retryFailed) continue;
    if (existsSync(trialDir(plan.out, trial.id))) {
      const moved = moveAside(plan.out, trial.id, record ? 'failed' : 'incomplete');
      reporter.info(`sweep: ${trial.id}: moved the unfinished trial folder aside to ${moved}`);
    }
    toRun.push(trial);
  }
  return toRun;
}

function describeCounts(plan: SweepPlan): string {
  const points = plan.points.length;
  const seeds = plan.spec.seeds?.length ?? 1;
  const search = plan.spec.search === 'grid' ? '' : `, chosen by ${plan.spec.search} search with budget ${plan.spec.budget}${plan.complete ? '' : ' so far'}`;
  return `${plan.trials.length} trial${plan.trials.length === 1 ? '' : 's'} (${points} grid point${points === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'}${search})`;
}

/** A tpe search's next points once the trials before them are recorded: the plan again, from the same file and out. */
const replan = (plan: SweepPlan) => planSweep(plan.spec.file, plan.out);

export interface SweepResult {
  exitCode: number;
  summary: SweepSummary | null;
  /** the signal that stopped it (SIGINT, SIGTERM), or null when it ran to its end */
  interrupted: NodeJS.Signals | null;
}

/**
 * `memrec sweep`: runs every trial that is not recorded yet, up to `jobs` at once, appending each to the
 * index as it finishes, then prints the summary and writes summary.md and summary.json. Exit code 1 when a
 * trial failed, 130/143 when interrupted.
 */
export async function runSweep(plan: SweepPlan, jobs: number, retryFailed: boolean, reporter: Reporter): Promise<SweepResult> {
  const release = acquireLock(plan.out, (message) => reporter.info(`sweep: ${message}`));
  try {
    let records = loadIndex(plan, reporter);
    // a tpe search runs in rounds: the trials it can propose now, then the plan again with their results
    for (let round = 0; ; round++) {
      const toRun = recover(plan, records, retryFailed && round === 0, reporter);
      const done = plan.trials.length - toRun.length;
      if (round === 0 || toRun.length > 0) {
        reporter.info(`sweep ${plan.spec.file}: ${describeCounts(plan)}; ${done} already recorded, ${toRun.length} to run with --jobs ${jobs}; output ${plan.out}`);
      }
      const { interrupted } = await runTrials(plan, toRun, jobs, reporter, (record) => {
        appendRecord(plan.out, record);
        records.set(record.id, record);
      });
      if (interrupted) return { exitCode: interrupted === 'SIGINT' ? 130 : 143, summary: null, interrupted };
      if (plan.complete) break;
      const next = replan(plan);
      if (next.trials.length === plan.trials.length && toRun.length === 0) break;
      plan = next;
      records = readIndex(plan.out).records;
    }
    const summary = summarise(plan, records);
    writeSummary(plan.out, summary);
    process.stdout.write(`${formatSummary(summary)}\n`);
    reporter.info(`sweep: wrote ${plan.out}/summary.md and summary.json`);
    return { exitCode: summary.trials.failed > 0 || summary.trials.missing > 0 ? 1 : 0, summary, interrupted: null };
  } finally {
    release();
  }
}

/** `--dry-run`: every trial with its overrides and state; runs nothing, writes nothing. */
export function dryRun(plan: SweepPlan, retryFailed: boolean, reporter: Reporter): string {
  const records = loadIndex(plan, reporter);
  const toRun = new Set(unfinished(plan, records, retryFailed).map((t) => t.id));
  const lines = plan.trials.map((trial) => {
    const record = records.get(trial.id);
    const state =
      record?.status === 'ok'
        ? 'done'
        : completeRun(plan.out, trial.id)
          ? 'finished, to record'
          : record?.status === 'failed'
            ? toRun.has(trial.id) ? 'failed, to retry' : 'failed'
            : 'to run';
    return `${trial.id}\t${state}\t${trial.overrides.slice(plan.spec.set.length).join(' ') || '(no overrides)'}`;
  });
  if (plan.spec.set.length > 0) lines.unshift(`every trial: ${plan.spec.set.map((s) => s.text).join(' ')}`);
  const count = (state: string) => lines.filter((line) => line.split('\t')[1] === state).length;
  const failed = count('failed') + count('failed, to retry');
  const toRecord = count('finished, to record');
  lines.push(
    `${describeCounts(plan)}: ${count('done')} done, ${toRecord > 0 ? `${toRecord} finished but not recorded (the sweep records them without running them), ` : ''}${failed} failed, ${count('to run') + count('failed, to retry')} to run; output ${plan.out}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--emit list`: one command line per trial to run. `--emit slurm`: writes the job-array script. */
export function emit(plan: SweepPlan, kind: string, jobs: number | null, retryFailed: boolean, reporter: Reporter, resources: SlurmResources = {}): string {
  const records = loadIndex(plan, reporter);
  const trials = unfinished(plan, records, retryFailed);
  const failed = plan.trials.filter((t) => records.get(t.id)?.status === 'failed').length;
  if (failed > 0 && !retryFailed) reporter.info(`sweep: ${failed} failed trial(s) left out; add --retry-failed to include them`);
  const after = `then \`memrec sweep --config ${plan.spec.file} --out ${plan.out}\` records them and writes the summary`;
  if (kind === 'list') {
    reporter.info(`sweep: ${trials.length} of ${plan.trials.length} trials to run; ${after}`);
    return trials.map((t) => `${commandLine(plan, t)}\n`).join('');
  }
  const later = plan.complete ? '' : `; the ${plan.spec.search} search proposes its next points once these are recorded: emit again after the array has finished`;
  if (trials.length === 0) return `every trial of ${plan.spec.file} proposed so far is recorded; nothing to submit${later}\n`;
  const script = writeSlurm(plan, trials, jobs, resources);
  return `wrote ${script} (${trials.length} array tasks) and ${plan.out}/trials.txt; submit with: sbatch ${script}${later}\n`;
}

/**
 * `--record ID`: appends the trial's index line if its run folder is finished and it is not recorded yet (as
 * each Slurm task does after its run). Returns the message to print.
 */
export function recordTrial(plan: SweepPlan, id: string, reporter: Reporter): string {
  const trial = plan.trials.find((t) => t.id === id);
  if (!trial) {
    const suggestion = closest(id, plan.trials.map((t) => t.id));
    throw new UsageError(`--record ${id}: not a trial of ${plan.spec.file}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; --dry-run lists them`);
  }
  const records = loadIndex(plan, reporter);
  if (records.get(id)?.status === 'ok') return `${id}: already recorded\n`;
  const run = completeRun(plan.out, id);
  if (!run) throw new RunError(`--record ${id}: ${trialDir(plan.out, id)} holds no finished run folder (no metrics.json); not recorded`);
  appendRecord(plan.out, okRecord(trial, run, seedOf(plan, trial), null));
  return `${id}: recorded ${run.runDir}\n`;
}
