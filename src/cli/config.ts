import type { Command } from 'commander';
import { stringify } from 'yaml';
import { collect, configFromFlags, type ConfigFlags } from './common';

export function registerConfig(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('config')
    .description('validate a config (a file or a preset) and print it with every default filled in')
    .option('--config <file>', 'YAML config')
    .option('--preset <name>', 'a preset under configs/presets (e.g. sasrec/ml-1m), instead of --config')
    .option('--path <file>', "the raw data file (the data source's path key)")
    .option('--set <key=value>', 'override a config key (repeatable)', collect, [])
    .action((opts: ConfigFlags) =>
      run(async () => {
        process.stdout.write(stringify(configFromFlags(opts).toNested()));
        return 0;
      }),
    );
}
