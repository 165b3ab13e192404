import type { Command } from 'commander';
import { stringify } from 'yaml';
import { collect, loadConfig } from './common';

export function registerConfig(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('config')
    .description('validate a config and print it with every default filled in')
    .option('--config <file>', 'YAML config')
    .option('--set <key=value>', 'override a config key (repeatable)', collect, [])
    .action((opts: { config?: string; set: string[] }) =>
      run(async () => {
        process.stdout.write(stringify(loadConfig(opts.config, opts.set).toNested()));
        return 0;
      }),
    );
}
