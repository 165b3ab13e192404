import type { Command } from 'commander';
import { join } from 'node:path';
import { evaluateTrec } from '../eval/trec';
import { parseMetricAt, type MetricAt } from '../eval/metrics';
import { evalRun } from '../run/eval-run';
import { UsageError } from '../util/errors';
import { requireFile } from '../util/lines';
import { Reporter } from '../util/reporter';
import { activateBackend, collect, loadConfig } from './common';

interface EvalOptions {
  run?: string;
  rankings?: string;
  truth?: string;
  metrics?: string;
  json?: boolean;
  set: string[];
  backend?: string;
  quiet?: boolean;
  allowChangedData?: boolean;
}

/** Parses "ndcg@10,hr@10" into metric specs, keeping the user's spelling as the output name. */
function parseMetricList(text: string): { requested: MetricAt[]; names: string[] } {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--metrics: give at least one metric, e.g. ndcg@10,hr@10');
  const requested = names.map((name) => {
    const parsed = parseMetricAt(name);
    if (!parsed) {
      throw new UsageError(
        `--metrics: ${JSON.stringify(name)} is not metric@N; metrics: precision (p), recall (r), f1, hr, ndcg, map, map_rel, mrr`,
      );
    }
    return parsed;
  });
  return { requested, names };
}

async function evalRankings(opts: EvalOptions): Promise<number> {
  if (!opts.truth) throw new UsageError('--rankings needs --truth QRELS');
  if (!opts.metrics) throw new UsageError('--rankings needs --metrics, e.g. --metrics ndcg@10,hr@10');
  const { requested, names } = parseMetricList(opts.metrics);
  const result = await evaluateTrec(opts.rankings as string, opts.truth, requested);
  const byName = Object.fromEntries(names.map((name, i) => [name, result.means[requested[i].key]]));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(byName)}\n`);
  } else {
    process.stdout.write(`${result.users.length} users in ${opts.truth}\n`);
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) process.stdout.write(`${name.padEnd(width)}  ${byName[name].toFixed(6)}\n`);
  }
  return 0;
}

/**
 * `--metrics` with `--run`: the eval.metrics and eval.cutoffs overrides that compute the metrics named (every
 * named metric at every named cut-off, as a run computes them).
 */
function metricSets(opts: EvalOptions): string[] {
  if (!opts.metrics) return [];
  const given = opts.set.find((set) => /^eval\.(metrics|cutoffs)=/.test(set));
  if (given) throw new UsageError(`--metrics and --set ${given}: give the metrics one way, not both`);
  const { requested } = parseMetricList(opts.metrics);
  const metrics = [...new Set(requested.map((m) => m.metric))];
  const cutoffs = [...new Set(requested.map((m) => m.cutoff))];
  return [`eval.metrics=[${metrics.join(',')}]`, `eval.cutoffs=[${cutoffs.join(',')}]`];
}

async function evalSavedRun(opts: EvalOptions): Promise<number> {
  const dir = opts.run as string;
  const file = join(dir, 'config.yaml');
  requireFile(file, 'run config');
  for (const set of opts.set) {
    if (!set.startsWith('eval.')) {
      throw new UsageError(`--set ${set}: eval --run takes only eval.* overrides (the model and data are fixed by the run)`);
    }
  }
  const saved = loadConfig(file, []);
  const config = loadConfig(file, [...opts.set, ...metricSets(opts)]);
  const reporter = new Reporter(Boolean(opts.quiet));
  await activateBackend(opts.backend, config.str('compute.backend'), reporter);
  const outcome = await evalRun(dir, saved, config, reporter, { allowChangedData: opts.allowChangedData });
  if (opts.json) {
    const identical = outcome.differences === null ? null : outcome.differences.length === 0;
    process.stdout.write(`${JSON.stringify({ results: outcome.summaries, identical })}\n`);
    return outcome.differences && outcome.differences.length > 0 ? 1 : 0;
  }
  process.stdout.write(`${outcome.tables.join('\n\n')}\n`);
  if (outcome.differences === null) {
    process.stdout.write('evaluated under a changed protocol: not compared with the saved metrics.json\n');
    return 0;
  }
  if (outcome.differences.length > 0) {
    process.stdout.write(`differs from the saved metrics.json:\n${outcome.differences.map((d) => `  ${d}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`all ${outcome.compared} values identical to the saved metrics.json\n`);
  return 0;
}

export function registerEval(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('eval')
    .description('recompute a run\'s metrics (--run), or score a TREC ranking file against a truth file (--rankings)')
    .option('--run <dir>', 'a run folder written by memrec train')
    .option('--rankings <file>', 'TREC run file: user Q0 item rank score tag')
    .option('--truth <file>', 'TREC qrels file: user 0 item relevance')
    .option('--metrics <list>', 'comma-separated metric@N, e.g. ndcg@10,hr@10,recall@20 (with --run: every metric named at every cut-off named, a changed protocol)')
    .option('--json', 'print JSON: with --rankings {metric: mean}; with --run {results: {part: summary}, identical}')
    .option('--set <key=value>', 'with --run: evaluate under changed eval.* keys, e.g. --set eval.candidates=full (repeatable)', collect, [])
    .option('--backend <name>', 'backend for --run (default: the run\'s configured one)')
    .option('--allow-changed-data', 'with --run: evaluate even when a data file changed since the run (refused otherwise)')
    .option('--quiet', 'print only the results')
    .action((opts: EvalOptions) =>
      run(async () => {
        if (opts.run && opts.rankings) throw new UsageError('give either --run or --rankings, not both');
        if (opts.run) return evalSavedRun(opts);
        if (opts.rankings) return evalRankings(opts);
        throw new UsageError('memrec eval needs --run DIR or --rankings FILE --truth FILE --metrics LIST');
      }),
    );
}
