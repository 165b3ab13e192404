import type { Command } from 'commander';
import { trainRun } from '../run/train-run';
import { Reporter } from '../util/reporter';
import { activateBackend, backendOverride, collect, configFromFlags, type ConfigFlags } from './common';

export function registerTrain(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('train')
    .description('train a model and evaluate it; writes results/<run-id>/')
    .option('--config <file>', 'YAML config (defaults for every key it leaves out)')
    .option('--preset <name>', 'start from a preset (configs/presets/<paper>/<dataset>.yaml) instead of --config')
    .option('--path <file>', "the raw data file, for the config's data source (sets data.<source>.path)")
    .option('--set <key=value>', 'override a config key, e.g. --set model.name=ppop (repeatable)', collect, [])
    .option('--backend <name>', 'TensorFlow.js backend: auto, tensorflow, native, wasm or cpu (same as --set compute.backend=...)')
    .option('--quiet', 'print only the metrics table')
    .action((opts: ConfigFlags & { backend?: string; quiet?: boolean }) =>
      run(async () => {
        const sets = [...opts.set, ...backendOverride(opts.backend)];
        const config = configFromFlags({ ...opts, set: sets });
        const reporter = new Reporter(Boolean(opts.quiet));
        const backend = await activateBackend(undefined, config.str('compute.backend'), reporter);
        const outcome = await trainRun(config, backend, reporter);
        process.stdout.write(`${outcome.tables.join('\n\n')}\n`);
        return 0;
      }),
    );
}
