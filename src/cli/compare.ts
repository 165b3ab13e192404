import type { Command } from 'commander';
import { parseMetricAt } from '../eval/metrics';
import { compareRuns } from '../run/compare-runs';
import { UsageError } from '../util/errors';

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) < 1e-4 && x !== 0 ? x.toExponential(3) : x.toFixed(6)) : String(x));

export function registerCompare(program: Command, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('compare')
    .description('paired significance tests between two runs\' per-user values')
    .argument('<run_a>', 'run folder A')
    .argument('<run_b>', 'run folder B')
    .option('--metric <name>', 'metric@N to compare', 'ndcg@10')
    .option('--part <part>', 'valid or test', 'test')
    .action((runA: string, runB: string, opts: { metric: string; part: string }) =>
      run(async () => {
        const metric = parseMetricAt(opts.metric);
        if (!metric) throw new UsageError(`--metric ${opts.metric}: expected metric@N, e.g. ndcg@10`);
        if (opts.part !== 'valid' && opts.part !== 'test') throw new UsageError(`--part ${opts.part}: expected valid or test`);
        const r = compareRuns(runA, runB, opts.part, metric.key);
        const lines = [
          `${metric.key} on ${opts.part}, ${r.n} paired users`,
          `  A ${runA}: mean ${fmt(r.meanA)}`,
          `  B ${runB}: mean ${fmt(r.meanB)}`,
          `  mean difference (A - B): ${fmt(r.meanDifference)}`,
          `  paired t-test: t = ${fmt(r.tTest.statistic)}, df = ${r.tTest.df}, p = ${fmt(r.tTest.pValue)}, Cohen's d_z = ${fmt(r.tTest.cohensDz)}`,
          `  Wilcoxon signed-rank (${r.wilcoxon.method}, ${r.wilcoxon.nonZero} non-zero differences): W = ${fmt(r.wilcoxon.statistic)}, p = ${fmt(r.wilcoxon.pValue)}, rank-biserial r = ${fmt(r.wilcoxon.rankBiserial)}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }),
    );
}
