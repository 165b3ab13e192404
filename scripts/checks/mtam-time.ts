/**
 * The table of scripts/checks/mtam-time.sh: per gap_switch value, each model's test HR@10 and NDCG@10 and the
 * paired t-tests over test users (memrec compare's) of each time-aware model against its time-blind
 * counterpart (BASELINE).
 *
 * Usage: node dist/scripts/checks/mtam-time.js GAP_SWITCH:RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns } from '../../src/run/compare-runs';

const METRICS = ['hr@10', 'ndcg@10'];
const LABELS: Record<string, string> = { gru4rec: 'GRU4Rec', tgru: 'T-GRU', mtam: 'MTAM (1 hop)', tseqrec: 'T-SeqRec', sasrec: 'SASRec', tisasrec: 'TiSASRec' };
/** Each time-aware model's time-blind counterpart. */
const BASELINE: Record<string, string> = { tgru: 'gru4rec', mtam: 'gru4rec', tseqrec: 'gru4rec', tisasrec: 'sasrec' };

interface Run {
  readonly effect: string;
  readonly dir: string;
  readonly model: string;
  readonly means: Record<string, number>;
  readonly seconds: number;
}

function readRun(arg: string): Run {
  const [effect, dir] = [arg.slice(0, arg.indexOf(':')), arg.slice(arg.indexOf(':') + 1)];
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  return { effect, dir, model: metrics.model, means: metrics.results.test.means, seconds: metrics.run.wall_seconds };
}

const pValue = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function main(): void {
  const runs = process.argv.slice(2).map(readRun);
  const lines: string[] = [];
  for (const effect of [...new Set(runs.map((r) => r.effect))]) {
    const group = runs.filter((r) => r.effect === effect);
    lines.push(`gap_switch=${effect}:`, '', '| model | HR@10 | NDCG@10 | against | HR@10 difference (p) | NDCG@10 difference (p) | users | wall s |', '|---|---|---|---|---|---|---|---|');
    for (const run of group) {
      const base = group.find((r) => r.model === BASELINE[run.model]);
      const tests = base ? METRICS.map((m) => compareRuns(run.dir, base.dir, 'test', m)) : null;
      const versus = tests ? tests.map((t) => `${t.meanDifference >= 0 ? '+' : '−'}${Math.abs(t.meanDifference).toFixed(4)} (${pValue(t.tTest.pValue)})`) : ['', ''];
      const users = tests ? String(tests[0].n) : '';
      const against = base ? LABELS[base.model] : '';
      lines.push(`| ${LABELS[run.model] ?? run.model} | ${METRICS.map((m) => run.means[m].toFixed(4)).join(' | ')} | ${against} | ${versus.join(' | ')} | ${users} | ${run.seconds.toFixed(0)} |`);
    }
    lines.push('');
  }
  process.stdout.write(`${lines.join('\n')}`);
}

main();
