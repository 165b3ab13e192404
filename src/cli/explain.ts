import type { Command } from 'commander';
import { join } from 'node:path';
import { explainRun } from '../run/explain-run';
import { UsageError } from '../util/errors';
import { requireFile } from '../util/lines';
import { Reporter } from '../util/reporter';
import { activateBackend, loadConfig } from './common';

interface ExplainOptions {
  run?: string;
  user?: string;
  item?: string;
  top: string;
  part: string;
  repeat: string;
  backend?: string;
  quiet?: boolean;
}

function count(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} ${text}: expected an integer >= ${min}`);
  return value;
}

export function registerExplain(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('explain')
    .description('for a user and a candidate item, the liked items a memory model attends to most (MARS\'s Figure 8)')
    .option('--run <dir>', 'a run folder written by memrec train')
    .option('--user <id>', 'the user\'s raw id, as in the data file')
    .option('--item <id>', 'the candidate\'s raw id, as in the data file')
    .option('--top <n>', 'memory items to list', '3')
    .option('--part <part>', 'the history the memory is read from: test (training and validation items) or valid (training items)', 'test')
    .option('--repeat <r>', 'which repeat\'s checkpoint (split.repeats > 1)', '0')
    .option('--backend <name>', 'backend (default: the run\'s configured one)')
    .option('--quiet', 'print only the result')
    .action((opts: ExplainOptions) =>
      run(async () => {
        if (!opts.run || opts.user === undefined || opts.item === undefined) throw new UsageError('memrec explain needs --run DIR --user ID --item ID');
        if (opts.part !== 'test' && opts.part !== 'valid') throw new UsageError(`--part ${opts.part}: expected test or valid`);
        const file = join(opts.run, 'config.yaml');
        requireFile(file, 'run config');
        const config = loadConfig(file, []);
        const reporter = new Reporter(Boolean(opts.quiet));
        await activateBackend(opts.backend, config.str('compute.backend'), reporter);
        const request = { user: opts.user, item: opts.item, part: opts.part, repeat: count('--repeat', opts.repeat, 0), top: count('--top', opts.top, 1) } as const;
        const result = await explainRun(opts.run, config, request, reporter);
        process.stdout.write(`${config.str('model.name')}: user ${opts.user}, candidate ${opts.item}, score ${result.score.toFixed(6)}, memory of ${result.memory} ${opts.part} history items\n`);
        process.stdout.write('because the user liked (attention):\n');
        result.top.forEach((row, k) => {
          const name = row.title === row.item ? row.item : `${row.title} [${row.item}]`;
          process.stdout.write(`  ${k + 1}. ${name} (${row.weight.toFixed(4)})\n`);
        });
        return 0;
      }),
    );
}
