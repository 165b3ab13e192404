/**
 * MTAM's claims on one stand-in dataset (issue 15, item 6), from the runs of scripts/checks/mtam-table.sh
 * under DIR/<label>/seed<k>/<run>/: test HR@10 and NDCG@10 of every model (mean ± sd over seeds, wall seconds),
 * then paired t-tests over (seed, test user) pairs, each seed's runs paired by user: MTAM against the best
 * baseline of all 13 (by mean test HR@10, as the paper marks it), MTAM against T-GRU (hops 4 against hops 0),
 * MTAM against MTAM with dot-product attention, and each time-aware baseline against its time-blind
 * counterpart (T-SeqRec and GRU−−, TiSASRec and SASRec, NARM+ and NARM, NARM++ and NARM+). Per seed, a user's values of two models come from the same data
 * (the seed draws the user sample), so the pairs are within a seed; seeds are pooled.
 *
 * Usage: node dist/scripts/checks/mtam-table.js DATASET DIR
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairedTests } from '../../src/eval/significance';
import { readPerUser } from '../../src/run/compare-runs';

const METRICS = ['hr@10', 'ndcg@10'];
/** the script's run labels and the paper's row names, in the paper's order */
const ROWS: Record<string, string> = {
  toppop: 'TopPop',
  ppop: 'P-Pop',
  bpr: 'BPR-MF',
  gru4rec: 'GRU−− (GRU4Rec)',
  gru_cat: 'GRU (GRU4Rec with categories)',
  tseqrec: 'T-SeqRec',
  tgru: 'T-GRU',
  sasrec: 'SASRec',
  tisasrec: 'TiSASRec',
  narm: 'NARM',
  narm_plus: 'NARM+',
  narm_pp: 'NARM++',
  stamp: 'STAMP',
  mtam: 'MTAM',
  mtam_dot: 'MTAM, dot-product attention',
};
const BASELINES = ['toppop', 'ppop', 'bpr', 'gru4rec', 'gru_cat', 'tseqrec', 'tgru', 'sasrec', 'tisasrec', 'narm', 'narm_plus', 'narm_pp', 'stamp'];

interface Run {
  readonly dir: string;
  readonly seed: number;
  readonly means: Record<string, number>;
  readonly seconds: number;
}

/** Every finished run of a label, by seed. */
function runsOf(root: string, label: string): Run[] {
  const folder = join(root, label);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.startsWith('seed'))
    .flatMap((name) => {
      const run = readdirSync(join(folder, name)).map((r) => join(folder, name, r)).find((r) => existsSync(join(r, 'metrics.json')));
      if (!run) return [];
      const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
      return [{ dir: run, seed: Number(name.slice(4)), means: metrics.results.test.means, seconds: metrics.run.wall_seconds }];
    })
    .sort((a, b) => a.seed - b.seed);
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const pValue = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** A's and B's per-user values of `metric`, over the seeds both have, paired by (seed, user). */
function paired(a: Run[], b: Run[], metric: string): { a: number[]; b: number[]; seeds: number } {
  const va: number[] = [];
  const vb: number[] = [];
  let seeds = 0;
  for (const runA of a) {
    const runB = b.find((r) => r.seed === runA.seed);
    if (!runB) continue;
    seeds++;
    const ua = readPerUser(runA.dir, 'test', metric);
    const ub = readPerUser(runB.dir, 'test', metric);
    const byKey = new Map(ub.keys.map((key, k) => [key, ub.values[k]]));
    ua.keys.forEach((key, k) => {
      const other = byKey.get(key);
      if (other === undefined) throw new Error(`${runB.dir}: no test value for user ${key} of ${runA.dir}`);
      va.push(ua.values[k]);
      vb.push(other);
    });
  }
  return { a: va, b: vb, seeds };
}

function main(): void {
  const [dataset, root] = process.argv.slice(2);
  const runs = Object.fromEntries(Object.keys(ROWS).map((label) => [label, runsOf(root, label)]));
  const lines = [`### ${dataset}`, '', `| model | seeds | ${METRICS.map((m) => `${m.toUpperCase()} (mean ± sd)`).join(' | ')} | wall s per run |`, '|---|---|---|---|---|'];
  for (const [label, name] of Object.entries(ROWS)) {
    const own = runs[label];
    if (own.length === 0) {
      lines.push(`| ${name} | 0 | not run | not run | |`);
      continue;
    }
    const cells = METRICS.map((m) => {
      const values = own.map((r) => r.means[m]);
      return `${mean(values).toFixed(4)} ± ${sd(values).toFixed(4)}`;
    });
    lines.push(`| ${name} | ${own.length} | ${cells.join(' | ')} | ${mean(own.map((r) => r.seconds)).toFixed(0)} |`);
  }
  const ran = BASELINES.filter((label) => runs[label].length > 0);
  const best = ran.reduce((x, y) => (mean(runs[y].map((r) => r.means['hr@10'])) > mean(runs[x].map((r) => r.means['hr@10'])) ? y : x), ran[0]);
  lines.push('', `Paired t-tests over (seed, test user) pairs (best baseline by mean test HR@10: ${ROWS[best]}):`, '');
  lines.push('| claim | comparison | metric | mean A | mean B | A − B | t | p | pairs (seeds) |', '|---|---|---|---|---|---|---|---|---|');
  const claims: [string, string, string][] = [
    ['MTAM beats the best baseline', 'mtam', best],
    ['hops > 0 beat hops = 0', 'mtam', 'tgru'],
    ['time-aware attention beats dot', 'mtam', 'mtam_dot'],
    ['T-SeqRec beats GRU−−', 'tseqrec', 'gru4rec'],
    ['TiSASRec beats SASRec', 'tisasrec', 'sasrec'],
    ['NARM+ beats NARM', 'narm_plus', 'narm'],
    ['NARM++ beats NARM+', 'narm_pp', 'narm_plus'],
  ];
  for (const [claim, a, b] of claims) {
    for (const metric of METRICS) {
      const pairs = paired(runs[a], runs[b], metric);
      if (pairs.seeds === 0) continue;
      const r = pairedTests(pairs.a, pairs.b);
      lines.push(
        `| ${claim} | ${ROWS[a]} vs ${ROWS[b]} | ${metric} | ${r.meanA.toFixed(4)} | ${r.meanB.toFixed(4)} | ${r.meanDifference >= 0 ? '+' : ''}${r.meanDifference.toFixed(4)} | ${r.tTest.statistic.toFixed(2)} | ${pValue(r.tTest.pValue)} | ${r.n} (${pairs.seeds}) |`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main();
