/**
 * RUM's Table 2 on the data at hand (issue 7): for one dataset, the six models' test P, R, F1, HR and NDCG @5
 * (in %, as the paper prints them), the paper's column beside ours where it has one, and paired t-tests over
 * users (memrec compare's) of each RUM variant against the best baseline and of feature- against item-level.
 * The best baseline is the one with the highest test F1@5, as the paper marks it; nothing is tuned on it.
 *
 * Usage: node dist/scripts/checks/rum-table.js TITLE PAPER_COLUMN|- RUN_DIR...
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { paperTablesDir } from '../../src/data/paper-stats';
import { compareRuns } from '../../src/run/compare-runs';

const METRICS = ['precision@5', 'recall@5', 'f1@5', 'hr@5', 'ndcg@5'];
const TITLES = ['P@5', 'R@5', 'F1@5', 'HR@5', 'NDCG@5'];
/** memrec's model names and the paper's row labels */
const ROWS: Record<string, string> = { mostpop: 'MP', bpr: 'BPR', fpmc: 'FPMC', dream: 'DREAM', rum_item: 'RUM-I', rum_feature: 'RUM-F' };
const BASELINES = ['mostpop', 'bpr', 'fpmc', 'dream'];

interface Run {
  readonly dir: string;
  readonly model: string;
  readonly means: Record<string, number>;
  readonly users: number;
  readonly seconds: number;
}

function readRun(dir: string): Run {
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  return { dir, model: metrics.model, means: metrics.results.test.means, users: metrics.results.test.users ?? 0, seconds: metrics.run.wall_seconds };
}

function paperColumn(column: string): Record<string, number[]> | null {
  const file = join(paperTablesDir(), 'rum.yaml');
  if (column === '-' || !existsSync(file)) return null;
  return (parse(readFileSync(file, 'utf8')) as { table2: Record<string, Record<string, number[]>> }).table2[column] ?? null;
}

const pct = (x: number) => (100 * x).toFixed(3);
const pValue = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function main(): void {
  const [title, column, ...dirs] = process.argv.slice(2);
  const runs = dirs.map(readRun).sort((a, b) => Object.keys(ROWS).indexOf(a.model) - Object.keys(ROWS).indexOf(b.model));
  const paper = paperColumn(column);
  const lines = [`### ${title}`, '', `| model | ${TITLES.join(' | ')} | wall s |`, `|---|${TITLES.map(() => '---|').join('')}---|`];
  for (const run of runs) {
    const label = ROWS[run.model] ?? run.model;
    lines.push(`| ${label} | ${METRICS.map((m) => pct(run.means[m])).join(' | ')} | ${run.seconds.toFixed(0)} |`);
    const published = paper?.[label];
    if (published) {
      lines.push(`| ${label}, paper | ${published.map((v) => v.toFixed(3)).join(' | ')} | |`);
      lines.push(`| ${label}, ours / paper − 1 | ${METRICS.map((m, k) => `${(100 * ((100 * run.means[m]) / published[k] - 1)).toFixed(0)}%`).join(' | ')} | |`);
    }
  }
  const baselines = runs.filter((r) => BASELINES.includes(r.model));
  const best = baselines.reduce((a, b) => (b.means['f1@5'] > a.means['f1@5'] ? b : a), baselines[0]);
  lines.push('', `Paired t-tests over test users (best baseline by test F1@5: ${ROWS[best.model]}):`, '');
  lines.push('| comparison | metric | mean A | mean B | A − B | t | p | users |', '|---|---|---|---|---|---|---|---|');
  const pairs: [string, string][] = [
    ['rum_item', best.model],
    ['rum_feature', best.model],
    ['rum_feature', 'rum_item'],
  ];
  for (const [a, b] of pairs) {
    const runA = runs.find((r) => r.model === a);
    const runB = runs.find((r) => r.model === b);
    if (!runA || !runB) continue;
    for (const metric of ['f1@5', 'ndcg@5']) {
      const r = compareRuns(runA.dir, runB.dir, 'test', metric);
      lines.push(`| ${ROWS[a]} vs ${ROWS[b]} | ${metric} | ${pct(r.meanA)} | ${pct(r.meanB)} | ${pct(r.meanDifference)} | ${r.tTest.statistic.toFixed(2)} | ${pValue(r.tTest.pValue)} | ${r.n} |`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main();
