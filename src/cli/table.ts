import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseMetricAt } from '../eval/metrics';
import { DEFAULT_RESAMPLES, renderReports, writeRendered } from '../reproduce/report';
import { findRunFolders, runsTable } from '../reproduce/runs-table';
import { UsageError } from '../util/errors';

interface TableFlags {
  runs?: string;
  metrics: string;
  part: string;
  proposed?: string;
  out?: string;
  resamples: string;
}

export function registerTable(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('table')
    .description('one table of several runs (same protocol, data, split and seed), with bootstrap intervals, paired tests and Holm-Bonferroni')
    .argument('[runs...]', 'run folders, each as DIR or NAME=DIR (NAME labels its row; else the model, and the trial where two share one)')
    .option('--runs <dir>', 'every finished run folder under DIR (a sweep\'s folder, say)')
    .option('--metrics <list>', 'metric@N list, the first the headline', 'hr@10,ndcg@10')
    .option('--part <part>', 'valid or test', 'test')
    .option('--proposed <row>', 'the row every other is tested against (default: none; rows are tested against the best)')
    .option('--out <base>', 'also write BASE.md, BASE.csv, BASE-tests.csv and BASE.html')
    .option('--resamples <n>', 'bootstrap resamples of the users', String(DEFAULT_RESAMPLES))
    .action((dirs: string[], flags: TableFlags) =>
      run(async () => {
        const metrics = flags.metrics.split(',').map((text) => {
          const metric = parseMetricAt(text.trim());
          if (!metric) throw new UsageError(`--metrics ${text}: expected metric@N, e.g. ndcg@10`);
          return metric.key;
        });
        if (flags.part !== 'valid' && flags.part !== 'test') throw new UsageError(`--part ${flags.part}: expected valid or test`);
        const resamples = Number(flags.resamples);
        if (!Number.isInteger(resamples) || resamples < 100) throw new UsageError(`--resamples ${flags.resamples}: expected a whole number >= 100`);
        const names = new Map<string, string>();
        const given = dirs.map((arg) => {
          const eq = arg.indexOf('=');
          // NAME=DIR, unless the whole argument is a folder (a path may hold '=')
          if (eq <= 0 || existsSync(arg)) return arg;
          names.set(arg.slice(eq + 1), arg.slice(0, eq));
          return arg.slice(eq + 1);
        });
        const folders = [...given, ...(flags.runs ? findRunFolders(flags.runs) : [])];
        if (flags.runs && folders.length === given.length) throw new UsageError(`--runs ${flags.runs}: no finished run folder (one with metrics.json) under it`);
        const { table, outcomes, header } = runsTable(folders, { metrics, part: flags.part, proposed: flags.proposed, names });
        const rendered = renderReports(table, outcomes, header, { part: flags.part, resamples });
        process.stdout.write(rendered.markdown);
        if (flags.out) {
          mkdirSync(dirname(flags.out), { recursive: true });
          process.stdout.write(`written: ${writeRendered(flags.out, rendered).join(', ')}\n`);
        }
        return 0;
      }),
    );
}
