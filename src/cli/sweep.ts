import type { Command } from 'commander';
import { UsageError } from '../util/errors';
import { Reporter } from '../util/reporter';
import { planSweep } from '../sweep/plan';
import type { SlurmResources } from '../sweep/emit';
import { dryRun, emit, recordTrial, runSweep } from '../sweep/sweep';

interface SweepFlags {
  config?: string;
  jobs?: string;
  dryRun?: boolean;
  emit?: string;
  out?: string;
  record?: string;
  retryFailed?: boolean;
  quiet?: boolean;
  time?: string;
  mem?: string;
  cpusPerTask?: string;
}

/** --time, --mem and --cpus-per-task for --emit slurm, checked against Slurm's formats. */
function slurmResources(opts: SweepFlags): SlurmResources {
  const given = [opts.time !== undefined && '--time', opts.mem !== undefined && '--mem', opts.cpusPerTask !== undefined && '--cpus-per-task'].filter(Boolean);
  if (given.length > 0 && opts.emit !== 'slurm') throw new UsageError(`${given.join(', ')}: only with --emit slurm`);
  if (opts.time !== undefined && !/^(\d+-)?\d+(:\d+){0,2}$/.test(opts.time)) {
    throw new UsageError(`--time ${opts.time}: expected Slurm's MINUTES, HH:MM:SS or DAYS-HH[:MM[:SS]], e.g. 2:00:00`);
  }
  if (opts.mem !== undefined && !/^\d+[KMGT]?$/.test(opts.mem)) throw new UsageError(`--mem ${opts.mem}: expected a size such as 16G or 4000M`);
  const cpus = opts.cpusPerTask === undefined ? undefined : Number(opts.cpusPerTask);
  if (cpus !== undefined && (!Number.isInteger(cpus) || cpus < 1)) throw new UsageError(`--cpus-per-task ${opts.cpusPerTask}: expected an integer >= 1`);
  return { time: opts.time, mem: opts.mem, cpusPerTask: cpus };
}

export function registerSweep(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('sweep')
    .description('run a grid of trials (memrec train runs) over seeds; choose the best grid point on validation')
    .option('--config <file>', 'the sweep file (base config, set, grid, seeds, select, out)')
    .option('--jobs <n>', 'trials run at once', '1')
    .option('--dry-run', 'list the trials and how many are done; run nothing')
    .option('--emit <kind>', 'list: print one memrec train command per unfinished trial; slurm: write OUT/sweep.slurm')
    .option('--out <dir>', "the sweep's output folder (default: the file's out, else results/sweeps/<file name>)")
    .option('--record <id>', "record a trial whose run folder is finished in the index (what each Slurm task does)")
    .option('--retry-failed', 'run failed trials again (they are skipped otherwise)')
    .option('--quiet', 'print only the summary')
    .option('--time <limit>', '--emit slurm: the time limit of each array task (#SBATCH --time), e.g. 2:00:00')
    .option('--mem <size>', '--emit slurm: the memory of each array task (#SBATCH --mem), e.g. 16G')
    .option('--cpus-per-task <n>', '--emit slurm: the CPUs of each array task (#SBATCH --cpus-per-task)')
    .action((opts: SweepFlags) =>
      run(async () => {
        if (opts.config === undefined) throw new UsageError('sweep: --config SWEEP.yaml is required');
        const jobs = Number(opts.jobs);
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${opts.jobs}: expected an integer >= 1`);
        const modes = [opts.dryRun && '--dry-run', opts.emit !== undefined && '--emit', opts.record !== undefined && '--record'].filter(Boolean);
        if (modes.length > 1) throw new UsageError(`give one of ${modes.join(', ')}`);
        if (opts.emit !== undefined && opts.emit !== 'list' && opts.emit !== 'slurm') throw new UsageError(`--emit ${opts.emit}: expected list or slurm`);
        const resources = slurmResources(opts);
        const plan = planSweep(opts.config, opts.out);
        const reporter = new Reporter(Boolean(opts.quiet));
        if (opts.dryRun) {
          process.stdout.write(dryRun(plan, Boolean(opts.retryFailed), reporter));
          return 0;
        }
        if (opts.emit !== undefined) {
          const explicitJobs = opts.jobs !== '1' ? jobs : null;
          process.stdout.write(emit(plan, opts.emit, explicitJobs, Boolean(opts.retryFailed), reporter, resources));
          return 0;
        }
        if (opts.record !== undefined) {
          process.stdout.write(recordTrial(plan, opts.record, reporter));
          return 0;
        }
        return (await runSweep(plan, jobs, Boolean(opts.retryFailed), reporter)).exitCode;
      }),
    );
}
