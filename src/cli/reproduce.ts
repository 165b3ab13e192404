import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PACKAGE_ROOT, gitCommit } from '../results/environment';
import { refuseOverOtherKind, writeReports } from '../reproduce/report';
import { reproduceTable, rowKey, setFlags } from '../reproduce/run';
import { tuningSentence, writeSettings } from '../reproduce/settings';
import type { TuneOptions } from '../reproduce/tune';
import { SEARCH_METHODS, type SearchMethod } from '../sweep/search';
import { TABLES, type TableSpec } from '../reproduce/tables';
import { didYouMean } from '../util/did-you-mean';
import { UsageError } from '../util/errors';
import { Reporter } from '../util/reporter';
import { collect } from './common';
import { resolveConfig } from '../config/load';
import { schemaProvider } from '../schema/schema';

interface ReproduceFlags {
  paper: string;
  quick?: boolean;
  data?: string;
  seeds?: string;
  jobs: string;
  out: string;
  tables?: string;
  tune?: string;
  search: string;
  emit?: string;
  columns?: string;
  rows?: string;
  set: string[];
}

/**
 * --set key=value, checked before anything runs: its form, and its key and value against the schema where the
 * key does not depend on a row's model or data source (those are checked as each cell's config is).
 */
function parseSets(sets: readonly string[], tune: boolean): string[] {
  for (const set of sets) {
    const eq = set.indexOf('=');
    const key = set.slice(0, Math.max(eq, 0));
    if (eq <= 0 || !key.includes('.')) throw new UsageError(`--set ${set}: expected section.key=value, e.g. --set train.epochs=30`);
    if (key === 'model.name') throw new UsageError(`--set ${set}: the rows choose the models; --rows runs some of them`);
    if (!key.startsWith('model.') && schemaProvider.ownersOf(key).length === 0) resolveConfig(schemaProvider, null, [set]);
  }
  if (sets.length > 0 && tune) throw new UsageError('--set and --tune: the tuning chooses the settings it searches; give one or the other');
  return [...sets];
}

/** --columns or --rows, checked against the keys of the tables run. */
function parseKeys(flag: string, text: string, keys: readonly string[], tables: readonly TableSpec[]): string[] {
  const known = [...new Set(keys)];
  const given = text.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (given.length === 0) throw new UsageError(`${flag} ${text}: expected keys separated by commas: ${known.join(', ')}`);
  for (const key of given) {
    if (!known.includes(key)) throw new UsageError(`${flag}: ${key} is not a key of ${tables.map((t) => `${t.paper}-${t.id}`).join(', ')}; expected one of ${known.join(', ')}${didYouMean(key, known)}`);
  }
  return given;
}

/** --tune and --search, checked. */
function tuneOptions(flags: ReproduceFlags): TuneOptions | null {
  if (!(SEARCH_METHODS as readonly string[]).includes(flags.search)) throw new UsageError(`--search ${flags.search}: expected ${SEARCH_METHODS.join(', ')}${didYouMean(flags.search, SEARCH_METHODS)}`);
  if (flags.tune === undefined) {
    if (flags.search !== 'tpe') throw new UsageError(`--search ${flags.search}: only with --tune`);
    return null;
  }
  const budget = Number(flags.tune);
  if (!Number.isInteger(budget) || budget < 1) throw new UsageError(`--tune ${flags.tune}: expected a whole number of trials >= 1 per model`);
  return { budget, search: flags.search as SearchMethod };
}

function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new UsageError(`--seeds ${text}: expected whole numbers separated by commas, e.g. 1,2,3`);
  return seeds;
}

export function registerReproduce(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('reproduce')
    .description("rerun a paper's table with the presets and write results/tables/<paper>-<table>.{md,csv,html} beside the published figures (--quick: results/tables-quick/)")
    .requiredOption('--paper <name>', `${Object.keys(TABLES).join(', ')} or all`)
    .option('--quick', 'one seed, 2 epochs (and a user sample, one split or a smaller network where a table says so): checks the whole pipeline in minutes')
    .option('--data <dir>', 'folder of the raw files (default: MEMREC_DATA, else ../shared/datasets beside the project)')
    .option('--seeds <list>', "seeds per cell (default 1,2,3, or the table's own: MARS 1, its five splits being the repetitions; --quick: 1)")
    .option('--columns <list>', 'run only these columns (keys, comma-separated); cells left out show what an earlier invocation with the same settings finished')
    .option('--rows <list>', 'run only these rows (their run folder names, e.g. dman,dman-xl); as --columns')
    .option('--jobs <n>', 'trials run at once', '1')
    .option('--out <dir>', 'where the runs go (each column is a resumable sweep)', 'results/reproduce')
    .option('--tables <dir>', 'where the tables go (default results/tables; with --quick results/tables-quick; with --tune -tuned added)')
    .option('--tune <budget>', "before the seeds run, tune every row with this many trials on a validation part carved from training only (the paper's grid, else each model's search space)")
    .option('--search <method>', `--tune: ${SEARCH_METHODS.join(', ')}`, 'tpe')
    .option('--emit <kind>', "slurm: write each cell's unfinished trials as a Slurm array (tuning first; run again once they are recorded)")
    .option('--set <key=value>', "a setting for every cell, over the table's own (repeatable), e.g. --set train.epochs=30; the tables go to results/tables-set unless --tables says where", collect, [])
    .action((flags: ReproduceFlags) =>
      run(async () => {
        const papers = flags.paper === 'all' ? Object.keys(TABLES) : [flags.paper];
        for (const paper of papers) {
          if (!TABLES[paper]) throw new UsageError(`--paper ${paper}: expected ${Object.keys(TABLES).join(', ')} or all${didYouMean(paper, Object.keys(TABLES))}`);
        }
        const jobs = Number(flags.jobs);
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${flags.jobs}: expected a whole number >= 1`);
        const tables = papers.flatMap((paper) => TABLES[paper]);
        const columns = flags.columns === undefined ? undefined : parseKeys('--columns', flags.columns, tables.flatMap((t) => t.columns.map((c) => c.key)), tables);
        const rows = flags.rows === undefined ? undefined : parseKeys('--rows', flags.rows, tables.flatMap((t) => t.rows.filter((r) => r.model !== null).map(rowKey)), tables);
        const seedsOf = (table: TableSpec) => (flags.seeds ? parseSeeds(flags.seeds) : flags.quick ? [1] : [...(table.seeds ?? [1, 2, 3])]);
        const dataDir = flags.data ?? process.env.MEMREC_DATA ?? join(PACKAGE_ROOT, '..', 'shared', 'datasets');
        const sets = parseSets(flags.set, flags.tune !== undefined);
        const tablesDir = flags.tables ?? `results/tables${flags.quick ? '-quick' : ''}${flags.tune !== undefined ? '-tuned' : ''}${sets.length > 0 ? '-set' : ''}`;
        for (const table of tables) refuseOverOtherKind(table, tablesDir, Boolean(flags.quick));
        const tune = tuneOptions(flags);
        if (flags.emit !== undefined && flags.emit !== 'slurm') throw new UsageError(`--emit ${flags.emit}: expected slurm`);
        const reporter = new Reporter(false);
        mkdirSync(tablesDir, { recursive: true });
        for (const table of tables) {
          const seeds = seedsOf(table);
          const started = performance.now();
          const outcomes = await reproduceTable(table, { dataDir, out: flags.out, seeds, quick: Boolean(flags.quick), jobs, tune, emit: flags.emit === 'slurm', columns, rows, sets }, reporter);
          const minutes = ((performance.now() - started) / 60000).toFixed(1);
          const tuned = tune ? ` --tune ${tune.budget} --search ${tune.search}` : '';
          const header = `memrec reproduce --paper ${table.paper}${flags.quick ? ' --quick' : ''}${tuned}${setFlags({ sets })}: seeds ${seeds.join(', ')}, ${new Date().toISOString().slice(0, 10)}, commit ${gitCommit().slice(0, 10)}, ${minutes} min in this invocation (finished cells are reused). Cells show our mean ± sd over seeds (and over the splits, where the protocol repeats a random split).${tuningSentence(table, tune)}`;
          const { markdown, files } = writeReports(table, outcomes, tablesDir, header, { quick: Boolean(flags.quick), dataDir });
          const settingsFile = writeSettings(table, outcomes, tablesDir);
          process.stdout.write(`${markdown}\nwritten: ${[...files, settingsFile].join(', ')}\n`);
        }
        return 0;
      }),
    );
}
