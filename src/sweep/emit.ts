import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../results/atomic';
import type { SweepPlan } from './plan';
import { MEMREC_BIN, trialArgs } from './runner';
import { displayPath } from './spec';
import type { Trial } from './trials';

/** Quotes a word for a POSIX shell (bare when it has no special characters). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.,:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** memrec's entry script as typed from the working folder (./bin/memrec in the repository). */
function program(): string {
  const path = displayPath(MEMREC_BIN);
  return isAbsolute(path) ? path : `./${path}`;
}

/** The shell command line that runs one trial: `memrec train ...` into OUT/trials/<id>. */
export function commandLine(plan: SweepPlan, trial: Trial): string {
  return [program(), ...trialArgs(plan, trial)].map(shellQuote).join(' ');
}

/** `memrec sweep ... --record ID`: records a trial whose run folder is complete. */
function recordCommand(plan: SweepPlan): string {
  return [program(), 'sweep', '--config', plan.spec.file, '--out', plan.out].map(shellQuote).join(' ');
}

/** What each Slurm array task asks for (`#SBATCH --time`, `--mem`, `--cpus-per-task`); unset: the cluster's defaults. */
export interface SlurmResources {
  time?: string;
  mem?: string;
  cpusPerTask?: number;
}

/** The #SBATCH lines of the resources that are set. */
function resourceLines(resources: SlurmResources): string[] {
  return [
    ...(resources.time !== undefined ? [`#SBATCH --time=${resources.time}`] : []),
    ...(resources.mem !== undefined ? [`#SBATCH --mem=${resources.mem}`] : []),
    ...(resources.cpusPerTask !== undefined ? [`#SBATCH --cpus-per-task=${resources.cpusPerTask}`] : []),
  ];
}

/**
 * Writes OUT/trials.txt (one `<id><TAB><command>` line per trial) and OUT/sweep.slurm, a job-array script whose
 * task k runs line k+1 of trials.txt and then records the trial in the index. Returns the script's path.
 */
export function writeSlurm(plan: SweepPlan, trials: readonly Trial[], concurrency: number | null, resources: SlurmResources = {}): string {
  const out = resolve(plan.out);
  mkdirSync(join(out, 'slurm'), { recursive: true });
  const list = join(plan.out, 'trials.txt');
  writeFileAtomic(list, trials.map((t) => `${t.id}\t${commandLine(plan, t)}\n`).join(''));
  const script = join(plan.out, 'sweep.slurm');
  const lines = [
    '#!/bin/bash',
    `# memrec sweep ${plan.spec.file}: ${trials.length} unfinished trial(s), one array task each (written by --emit slurm).`,
    `# Submit with: sbatch ${script}`,
    `# Task k runs line k+1 of ${list} and then records the trial in ${join(plan.out, 'index.jsonl')}.`,
    '# Emit again only once this array has finished: the task numbers refer to the current trials.txt.',
    `# Afterwards, ${recordCommand(plan)} records any finished trial left unrecorded and writes the summary.`,
    `#SBATCH --job-name=memrec-sweep-${plan.spec.name.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
    `#SBATCH --array=0-${trials.length - 1}${concurrency ? `%${concurrency}` : ''}`,
    `#SBATCH --output=${join(out, 'slurm', '%A_%a.out')}`,
    ...resourceLines(resources),
    `#SBATCH --chdir=${process.cwd()}`,
    'set -euo pipefail',
    `cd ${shellQuote(process.cwd())}`,
    `line=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(list)})`,
    'if [ -z "$line" ]; then echo "no trial for task $SLURM_ARRAY_TASK_ID" >&2; exit 1; fi',
    "id=${line%%$'\\t'*}",
    "command=${line#*$'\\t'}",
    'echo "trial $id"',
    'eval "$command"',
    `exec ${recordCommand(plan)} --record "$id"`,
    '',
  ];
  writeFileAtomic(script, lines.join('\n'));
  return script;
}
