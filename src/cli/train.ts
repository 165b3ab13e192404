import type { Command } from 'commander';
import { join } from 'node:path';
import { trainRun } from '../run/train-run';
import { UsageError } from '../util/errors';
import { requireFile } from '../util/lines';
import { Reporter } from '../util/reporter';
import { activateBackend, backendOverride, collect, configFromFlags, loadConfig, type ConfigFlags } from './common';

type TrainOptions = ConfigFlags & { backend?: string; quiet?: boolean; resume?: string };

/**
 * Ctrl-C or SIGTERM once: the run stops at the next batch, marks its folder and keeps the last finished
 * epoch for --resume. A second one exits at once.
 */
function stopOnSignals(): { requested: () => string | null; release: () => void } {
  let signal: string | null = null;
  const handler = (name: NodeJS.Signals) => {
    if (signal) process.exit(name === 'SIGTERM' ? 143 : 130);
    signal = name;
    process.stderr.write(`\n${name}: stopping after this batch (again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => signal,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** The config of the flags, or of the run folder being resumed (which takes no other config flag). */
function trainConfig(opts: TrainOptions) {
  if (opts.resume === undefined) return configFromFlags({ ...opts, set: [...opts.set, ...backendOverride(opts.backend)] });
  if (opts.config !== undefined || opts.preset !== undefined || opts.path !== undefined || opts.set.length > 0 || opts.backend !== undefined) {
    throw new UsageError('--resume continues a run with its own saved config: give no --config, --preset, --path, --set or --backend');
  }
  const file = join(opts.resume, 'config.yaml');
  requireFile(file, 'run config');
  return loadConfig(file, []);
}

export function registerTrain(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('train')
    .description('train a model and evaluate it; writes results/<run-id>/')
    .option('--config <file>', 'YAML config (defaults for every key it leaves out)')
    .option('--preset <name>', 'start from a preset (configs/presets/<paper>/<dataset>.yaml) instead of --config')
    .option('--path <file>', "the raw data file, for the config's data source (sets data.<source>.path)")
    .option('--set <key=value>', 'override a config key, e.g. --set model.name=ppop (repeatable)', collect, [])
    .option('--backend <name>', 'TensorFlow.js backend: auto, tensorflow, webgpu, native, wasm or cpu (same as --set compute.backend=...)')
    .option('--resume <run-dir>', 'continue an interrupted run in its folder, from its last finished epoch, to the same final numbers')
    .option('--quiet', 'print only the metrics table')
    .action((opts: TrainOptions) =>
      run(async () => {
        const config = trainConfig(opts);
        const reporter = new Reporter(Boolean(opts.quiet));
        const backend = await activateBackend(undefined, config.str('compute.backend'), reporter);
        const signals = stopOnSignals();
        try {
          const outcome = await trainRun(config, backend, reporter, { resumeDir: opts.resume, stopRequested: signals.requested });
          process.stdout.write(`${outcome.tables.join('\n\n')}\n`);
        } finally {
          signals.release();
        }
        return 0;
      }),
    );
}
