/**
 * RUM's Figure 3 (Chen et al., WSDM 2018, section 5.3) on the 5-core Musical Instruments data: test F1@5 of
 * item- and feature-level RUM for α = 0, 0.1, ..., 1 in MERGE p_u = p*_u + α·p^m_u, under the RUM table's
 * settings (scripts/checks/rum-table.sh: Adam lr 0.01, batches of 32, 30 epochs; the protocol has no
 * validation part, so nothing is selected). Writes the sweep file OUT/rum-alpha.yaml, runs it with
 * `memrec sweep` (resumable: recorded trials are not run again), then writes OUT/figure3.csv (every @5
 * metric per model and α, and F1@5's standard error over test users) and OUT/figure3.svg (F1@5 against α
 * with ±1 standard error bars), and prints the F1@5 table in Markdown.
 *
 * α = 0: both variants score p*_uᵀq_i alone (plain MF), the paper's "reduce to the same model", and the
 * memory gets no gradient. In memrec they are the same model but not bit-identical runs: the same seed gives
 * both bit-identical initial p* and q (RumModel.buildEmbeddings draws them first from the `init` stream; checked
 * on this data), but RUM-I takes one optimizer step per 32 training interactions (a window each) and RUM-F one
 * per 32 users (a sequence each): 52 against 6 steps an epoch on this data, over the same (user, next item)
 * targets, with other shuffles and negatives. So the trained embeddings, and the metrics, differ.
 *
 * Usage: node dist/scripts/checks/rum-alpha.js --data REVIEWS.json.gz [--out DIR] [--epochs N] [--jobs N]
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../src/results/atomic';
import { readPerUser } from '../../src/run/compare-runs';
import { readIndex, type TrialRecord } from '../../src/sweep/index-file';
import { MEMREC_BIN } from '../../src/sweep/runner';
import { svgDocument, text, ticksUpTo } from '../../src/reproduce/svg';

const VARIANTS = [
  { model: 'rum_item', label: 'RUM-I', colour: '#2b6cb0' },
  { model: 'rum_feature', label: 'RUM-F', colour: '#c05621' },
];
/** k / 10 rather than k * 0.1, which gives 0.30000000000000004 */
const ALPHAS = Array.from({ length: 11 }, (_, k) => k / 10);
const METRICS = ['precision@5', 'recall@5', 'f1@5', 'hr@5', 'ndcg@5'];
const ALPHA_ZERO_NOTE = 'alpha = 0: both variants are plain MF (the same model) with the same initial p* and q; not bit-identical runs: different batches (windows vs sequences)';

interface Point {
  readonly variant: (typeof VARIANTS)[number];
  readonly alpha: number;
  readonly means: Record<string, number>;
  /** standard error of the mean F1@5 over the test users */
  readonly f1Error: number;
  readonly runDir: string;
}

function writeSweepFile(file: string, data: string, out: string, epochs: number): void {
  const sweep = {
    preset: 'rum/musical-instruments-5core',
    path: resolve(data),
    set: { 'train.lr': 0.01, 'train.batch_size': 32, 'train.epochs': epochs },
    grid: { 'model.name': VARIANTS.map((v) => v.model), 'model.alpha': ALPHAS },
    select: 'none',
    out,
  };
  writeFileAtomic(file, `# RUM's Figure 3, written by scripts/checks/rum-alpha.ts\n${stringify(sweep)}`);
}

/** Runs the sweep with its progress and summary on stderr, so that stdout carries only the table. */
function runSweep(file: string, jobs: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MEMREC_BIN, 'sweep', '--config', file, '--jobs', String(jobs)], { stdio: ['ignore', 2, 2] });
    child.on('error', fail);
    child.on('close', (code, signal) => (code === 0 ? done() : fail(new Error(`memrec sweep --config ${file} exited with ${code ?? signal}`))));
  });
}

/** Standard error of the mean F1@5 over a run's test users: how far a point may move by chance alone. */
function f1StandardError(runDir: string): number {
  const { values } = readPerUser(runDir, 'test', 'f1@5');
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) / values.length);
}

/** Every (variant, α) of the figure from the sweep's index; a missing trial is an error. */
function readPoints(out: string): Point[] {
  const records = [...readIndex(out).records.values()].filter((r): r is TrialRecord & { test: Record<string, number>; run_dir: string } => r.status === 'ok' && r.test !== null && r.run_dir !== null);
  return VARIANTS.flatMap((variant) =>
    ALPHAS.map((alpha) => {
      const record = records.find((r) => r.point['model.name'] === variant.model && r.point['model.alpha'] === alpha);
      if (!record) throw new Error(`${out}/index.jsonl: no finished trial for ${variant.model} at alpha ${alpha}`);
      return { variant, alpha, means: record.test, f1Error: f1StandardError(join(out, record.run_dir)), runDir: record.run_dir };
    }),
  );
}

function csv(points: Point[]): string {
  const lines = [['model', 'alpha', ...METRICS, 'f1@5_se', 'run_dir', 'note'].join(',')];
  for (const p of points) {
    lines.push([p.variant.model, p.alpha, ...METRICS.map((m) => p.means[m]), p.f1Error, p.runDir, p.alpha === 0 ? `"${ALPHA_ZERO_NOTE}"` : ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * F1@5 (%) against α: one line with markers and ±1 standard error bars per variant (the two are drawn a
 * little apart so that their bars do not overlap), the paper's default α = 0.2 dashed, a legend.
 */
function svg(points: Point[], title: string): string {
  const [width, height] = [700, 470];
  const plot = { left: 70, right: 540, top: 50, bottom: 340 };
  const values = points.map((p) => 100 * (p.means['f1@5'] + p.f1Error));
  const yTicks = ticksUpTo(Math.max(...values) * 1.05, 8);
  const yMax = yTicks.values[yTicks.values.length - 1];
  const x = (alpha: number) => plot.left + alpha * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - (v / yMax) * (plot.bottom - plot.top);
  const body = [text(width / 2, 22, title, 'middle', 'font-size="14" font-weight="bold"')];
  for (const v of yTicks.values) {
    body.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e2e8f0"/>`);
    body.push(text(plot.left - 8, y(v) + 4, v.toFixed(yTicks.decimals), 'end'));
  }
  for (const alpha of ALPHAS) {
    body.push(`<line x1="${x(alpha)}" x2="${x(alpha)}" y1="${plot.bottom}" y2="${plot.bottom + 5}" stroke="#000"/>`);
    body.push(text(x(alpha), plot.bottom + 19, alpha.toFixed(1), 'middle'));
  }
  body.push(`<line x1="${x(0.2)}" x2="${x(0.2)}" y1="${plot.top}" y2="${plot.bottom}" stroke="#718096" stroke-dasharray="4 3"/>`);
  body.push(text(x(0.2) + 4, plot.top + 12, "paper's default α = 0.2", 'start', 'fill="#4a5568" font-size="11"'));
  body.push(`<polyline points="${plot.left},${plot.top} ${plot.left},${plot.bottom} ${plot.right},${plot.bottom}" fill="none" stroke="#000"/>`);
  body.push(text((plot.left + plot.right) / 2, plot.bottom + 40, 'α (weight of the memory embedding in MERGE)', 'middle'));
  body.push(text(18, (plot.top + plot.bottom) / 2, 'test F1@5 (%)', 'middle', `transform="rotate(-90 18 ${(plot.top + plot.bottom) / 2})"`));
  VARIANTS.forEach((variant, k) => {
    const own = points.filter((p) => p.variant === variant);
    const dx = (k - (VARIANTS.length - 1) / 2) * 4;
    const line = own.map((p) => [x(p.alpha) + dx, y(100 * p.means['f1@5'])]);
    own.forEach((p, n) => {
      const [lo, hi] = [y(100 * (p.means['f1@5'] - p.f1Error)), y(100 * (p.means['f1@5'] + p.f1Error))];
      body.push(`<line x1="${line[n][0].toFixed(1)}" x2="${line[n][0].toFixed(1)}" y1="${lo.toFixed(1)}" y2="${hi.toFixed(1)}" stroke="${variant.colour}" stroke-opacity="0.5"/>`);
    });
    body.push(`<polyline points="${line.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}" fill="none" stroke="${variant.colour}" stroke-width="2"/>`);
    for (const [a, b] of line) body.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3.5" fill="${variant.colour}"/>`);
    const ly = plot.top + 10 + 22 * k;
    body.push(`<line x1="${plot.right + 20}" x2="${plot.right + 50}" y1="${ly}" y2="${ly}" stroke="${variant.colour}" stroke-width="2"/>`);
    body.push(`<circle cx="${plot.right + 35}" cy="${ly}" r="3.5" fill="${variant.colour}"/>`);
    body.push(text(plot.right + 58, ly + 4, variant.label));
  });
  const notes = [
    'Bars: ±1 standard error of the mean over test users. α = 0: both variants are plain MF, the same model,',
    'with bit-identical initial p* and q, but not the same run: RUM-I takes a step per 32 interactions (windows),',
    'RUM-F per 32 users (sequences), with other shuffles and negatives, so their α = 0 values differ.',
  ];
  notes.forEach((note, k) => body.push(text(plot.left - 50, plot.bottom + 66 + 15 * k, note, 'start', 'font-size="11"')));
  return svgDocument(width, height, body);
}

function markdown(points: Point[]): string {
  const f1 = (variant: (typeof VARIANTS)[number], alpha: number) => {
    const point = points.find((p) => p.variant === variant && p.alpha === alpha) as Point;
    return `${(100 * point.means['f1@5']).toFixed(3)} ± ${(100 * point.f1Error).toFixed(3)}`;
  };
  const lines = [`| α | ${VARIANTS.map((v) => `${v.label} F1@5 (%)`).join(' | ')} |`, `|---|${VARIANTS.map(() => '---|').join('')}`];
  for (const alpha of ALPHAS) lines.push(`| ${alpha.toFixed(1)} | ${VARIANTS.map((v) => f1(v, alpha)).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string', default: join('results', 'checks', 'rum-alpha') },
      epochs: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '1' },
    },
  });
  if (!values.data) throw new Error('usage: rum-alpha.js --data reviews_Musical_Instruments_5.json.gz [--out DIR] [--epochs N] [--jobs N]');
  const out = values.out as string;
  mkdirSync(out, { recursive: true });
  const sweepFile = join(out, 'rum-alpha.yaml');
  writeSweepFile(sweepFile, values.data, out, Number(values.epochs));
  await runSweep(sweepFile, Number(values.jobs));
  const points = readPoints(out);
  writeFileAtomic(join(out, 'figure3.csv'), csv(points));
  writeFileAtomic(join(out, 'figure3.svg'), svg(points, `RUM Figure 3 on Amazon 2014 5-core Musical Instruments (${values.epochs} epochs)`));
  process.stdout.write(markdown(points));
  process.stderr.write(`wrote ${join(out, 'figure3.csv')} and ${join(out, 'figure3.svg')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`rum-alpha: ${err.message}\n`);
  process.exit(1);
});
