import type { Command } from 'commander';
import type { DatasetStats } from '../data/interactions';
import { readPaperStats, type PaperStats } from '../data/paper-stats';
import { prepareData } from '../data/pipeline';
import type { StepStats } from '../data/preprocess/registry';
import { Reporter } from '../util/reporter';
import { collect, configFromFlags, type ConfigFlags } from './common';

type Column = { readonly title: string; readonly field: keyof DatasetStats; readonly format: (value: number) => string };

const STATS_COLUMNS: readonly Column[] = [
  { title: 'users', field: 'users', format: String },
  { title: 'items', field: 'items', format: String },
  { title: 'interactions', field: 'interactions', format: String },
  { title: 'density', field: 'density', format: (v) => `${(100 * v).toPrecision(4)}%` },
  { title: 'mean length', field: 'meanSequenceLength', format: (v) => v.toFixed(2) },
  { title: 'median length', field: 'medianSequenceLength', format: String },
  { title: 'categories', field: 'categories', format: String },
];
/** Shown when the items have text: the words in the documents, and the tokens per item. */
const TEXT_COLUMNS: readonly Column[] = [
  { title: 'vocabulary', field: 'vocabulary', format: String },
  { title: 'mean doc length', field: 'meanDocumentLength', format: (v) => v.toFixed(2) },
];

/** The statistics table: one row per preprocessing stage, then the paper's row and our relative difference. */
export function statsTable(log: readonly StepStats[], paper: PaperStats | null): string {
  const text = log.some(({ stats }) => stats.vocabulary > 0) || paper?.comparable.vocabulary !== undefined;
  const columns = text ? [...STATS_COLUMNS, ...TEXT_COLUMNS] : STATS_COLUMNS;
  const rows: string[][] = log.map(({ step, stats }) => [step, ...columns.map((c) => c.format(stats[c.field]))]);
  if (paper) {
    const ours = log[log.length - 1].stats;
    rows.push([`paper: ${paper.label}`, ...columns.map((c) => (paper.comparable[c.field] === undefined ? '–' : c.format(paper.comparable[c.field] as number)))]);
    rows.push([
      'ours vs paper',
      ...columns.map((c) => {
        const published = paper.comparable[c.field];
        if (published === undefined || published === 0) return '–';
        const relative = ours[c.field] / published - 1;
        return `${relative >= 0 ? '+' : ''}${(100 * relative).toFixed(1)}%`;
      }),
    ]);
  }
  const header = ['stage', ...columns.map((c) => c.title)];
  const widths = header.map((title, k) => Math.max(title.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ');
  const other = paper && Object.keys(paper.other).length > 0 ? [`paper also gives: ${Object.entries(paper.other).map(([k, v]) => `${k} ${v}`).join(', ')}`] : [];
  return [line(header), ...rows.map(line), ...other].join('\n');
}

export function registerData(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  const data = program.command('data').description('inspect datasets');
  data
    .command('stats')
    .description('load and preprocess a dataset; print its statistics after each step, beside the paper\'s published ones')
    .option('--config <file>', 'YAML config whose data section is used')
    .option('--preset <name>', 'a preset (configs/presets/<paper>/<dataset>.yaml), e.g. dman/movielens')
    .option('--path <file>', "the raw file, for the preset's or config's data source (sets data.<source>.path)")
    .option('--set <key=value>', 'override a config key (repeatable)', collect, [])
    .option('--quiet', 'print only the table')
    .action((opts: ConfigFlags & { quiet?: boolean }) =>
      run(async () => {
        const config = configFromFlags(opts);
        const reporter = new Reporter(Boolean(opts.quiet));
        const paper = readPaperStats(config.str('data.paper_stats'), config.source);
        const prepared = await prepareData(config, reporter);
        process.stdout.write(`${prepared.data.name}\n${statsTable(prepared.log, paper)}\n`);
        return 0;
      }),
    );
}
