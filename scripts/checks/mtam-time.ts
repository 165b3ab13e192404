/**
 * The table of scripts/checks/mtam-time.sh: per gap_switch value, each model's test HR@10 and NDCG@10 and the
 * paired t-tests over test users (memrec compare's) of each time-aware model against its time-blind
 * counterpart (BASELINE): T-GRU, MTAM and T-SeqRec against GRU4Rec, TiSASRec against SASRec, NARM+ and NARM++
 * against NARM (NARM with attention dot, when run, against NARM too).
 *
 * Usage: node dist/scripts/checks/mtam-time.js GAP_SWITCH:MODEL:RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns } from '../../src/run/compare-runs';

const METRICS = ['hr@10', 'ndcg@10'];
const LABELS: Record<string, string> = {
  gru4rec: 'GRU4Rec', tgru: 'T-GRU', mtam: 'MTAM (1 hop)', tseqrec: 'T-SeqRec', sasrec: 'SASRec', tisasrec: 'TiSASRec',
  narm: 'NARM', 'narm-dot': 'NARM (attention dot)', 'narm+': 'NARM+', 'narm++': 'NARM++',
};
/** Each time-aware model's time-blind counterpart. */
const BASELINE: Record<string, string> = { tgru: 'gru4rec', mtam: 'gru4rec', tseqrec: 'gru4rec', tisasrec: 'sasrec', 'narm+': 'narm', 'narm++': 'narm', 'narm-dot': 'narm' };

interface Run {
  readonly effect: string;
  readonly dir: string;
  readonly model: string;
  readonly means: Record<string, number>;
  readonly seconds: number;
}

function readRun(arg: string): Run {
  const [effect, model] = arg.split(':', 2);
  const dir = arg.slice(effect.length + model.length + 2);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  return { effect, dir, model, means: metrics.results.test.means, seconds: metrics.run.wall_seconds };
}

const pValue = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** "±difference (p)" of `run` against `base` for each metric, or blanks. */
function versus(run: Run, base: Run | undefined): string[] {
  if (!base || base === run) return METRICS.map(() => '');
  return METRICS.map((m) => {
    const t = compareRuns(run.dir, base.dir, 'test', m);
    return `${t.meanDifference >= 0 ? '+' : '−'}${Math.abs(t.meanDifference).toFixed(4)} (${pValue(t.tTest.pValue)})`;
  });
}

function main(): void {
  const runs = process.argv.slice(2).map(readRun);
  const lines: string[] = [];
  for (const effect of [...new Set(runs.map((r) => r.effect))]) {
    const group = runs.filter((r) => r.effect === effect);
    lines.push(`gap_switch=${effect}:`, '', '| model | HR@10 | NDCG@10 | against | HR@10 difference (p) | NDCG@10 difference (p) | users | wall s |', '|---|---|---|---|---|---|---|---|');
    for (const run of group) {
      const base = group.find((r) => r.model === BASELINE[run.model]);
      const users = base ? String(compareRuns(run.dir, base.dir, 'test', METRICS[0]).n) : '';
      const against = base ? LABELS[base.model] : '';
      lines.push(`| ${LABELS[run.model] ?? run.model} | ${METRICS.map((m) => run.means[m].toFixed(4)).join(' | ')} | ${against} | ${versus(run, base).join(' | ')} | ${users} | ${run.seconds.toFixed(0)} |`);
    }
    lines.push('');
  }
  process.stdout.write(`${lines.join('\n')}`);
}

main();
