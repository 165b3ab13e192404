/**
 * `make bench`: milliseconds per training step and full-ranking evaluation throughput for SASRec, TiSASRec (length
 * 50 only: its [batch, length, length, d] interval embeddings at length 200 are 1.3 GB) and GRU4Rec at ML-1M-like
 * shapes, on every backend that loads, beside the same steps in PyTorch when Debian's
 * python3-torch is installed, and the time per kernel of one profiled step (so the next bottleneck shows).
 * Then MTAM's training step (batch 256, length 50, d 128, 4 hops, full softmax over 3,500 items) and NARM's
 * (the same batch, length and catalogue, d and embeddings 128) on native beside their PyTorch versions, on 1
 * and 2 threads, alternating, each the median of STEP_REPEATS runs.
 * Writes results/bench/bench.json and results/bench/bench.md.
 *
 * Usage: node dist/scripts/bench/bench.js [--quick] [--backends native,wasm,cpu] [--models sasrec,tisasrec,gru4rec] [--mtam-only | --narm-only]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadConfig } from '../../src/schema/config-flags';
import { selectBackend, type BackendChoice } from '../../src/compute/backend';
import { loadNativeAddon } from '../../src/compute/native/addon';
import { createModel } from '../../src/models/registry';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import { writeFileAtomic } from '../../src/results/atomic';
import { TrainingSession } from '../../src/train/trainer';
import { TRAIN_KEYS } from '../../src/train/schema';
import { Reporter } from '../../src/util/reporter';
import { kernelTimes, randomTrain, timeFullRanking } from './common';

interface Shape {
  model: 'sasrec' | 'tisasrec' | 'gru4rec';
  items: number;
  length: number;
  batch: number;
  dim: number;
}

interface Row extends Shape {
  backend: string;
  msPerStep: number;
  sequencesPerSecond: number;
  evalUsersPerSecond: number;
  peakRssMb: number;
  torchMsPerStep: number | null;
  /** one profiled step: milliseconds per kernel name, largest first */
  kernels: Array<[string, number]>;
}

const ROOT = join(__dirname, '..', '..', '..');
/** the python that runs torch_step.py: Debian's (python3-torch), or TORCH_PYTHON naming another with torch */
const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const quick = process.argv.includes('--quick');
const mtamOnly = process.argv.includes('--mtam-only');
const narmOnly = process.argv.includes('--narm-only');
/** only a prefix model's step: the SASRec and GRU4Rec shapes are skipped */
const stepOnly = mtamOnly || narmOnly;
const backendsArg = process.argv[process.argv.indexOf('--backends') + 1] as string | undefined;
const MODELS = ['sasrec', 'tisasrec', 'gru4rec'] as const;
const models = process.argv.includes('--models') ? (process.argv[process.argv.indexOf('--models') + 1] ?? '').split(',') : [...MODELS];

function shapes(): Shape[] {
  const out: Shape[] = [];
  for (const model of MODELS.filter((m) => models.includes(m))) {
    for (const length of quick || model === 'tisasrec' ? [50] : [50, 200]) {
      for (const items of quick ? [3500] : [3500, 23715]) out.push({ model, items, length, batch: 128, dim: 64 });
    }
  }
  return out;
}

async function measure(shape: Shape, backend: string, steps: number): Promise<Omit<Row, 'torchMsPerStep'>> {
  const config = loadConfig(null, [
    `model.name=${shape.model}`,
    `model.dim=${shape.dim}`,
    `model.max_length=${shape.length}`,
    `train.batch_size=${shape.batch}`,
    ...(shape.model === 'gru4rec' ? [`model.embedding_dim=${shape.dim}`] : []),
  ]);
  const evalUsers = quick ? 256 : 1024;
  const train = randomTrain(Math.max(shape.batch * 4, evalUsers), shape.items, shape.length);
  const model = createModel(config) as NeuralModel;
  model.init(train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, config.int('seed'));
  const plan = session.source.epoch(stream(0, 'shuffle'), shape.batch);
  const batchOf = (k: number) => plan.build(k % Math.min(4, plan.batches));
  await session.run(batchOf(0));
  const started = performance.now();
  for (let k = 1; k <= steps; k++) await session.run(batchOf(k));
  const msPerStep = (performance.now() - started) / steps;
  const kernels = kernelTimes(await tf.profile(async () => void (await session.run(batchOf(0)))));
  session.dispose();

  const evalSeconds = await timeFullRanking(model, train.sequences, evalUsers, shape.items);
  model.dispose();
  return {
    ...shape,
    backend,
    msPerStep,
    sequencesPerSecond: (shape.batch * 1000) / msPerStep,
    evalUsersPerSecond: evalUsers / evalSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    kernels,
  };
}

function torchSteps(all: Shape[]): Map<string, number> | string {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return 'PyTorch not installed (apt-get install python3-torch libopenblas0-pthread): no reference column';
  }
  const input = JSON.stringify(all.map((s) => ({ ...s, steps: quick ? 3 : 10 })));
  const output = execFileSync(PYTHON, [join(ROOT, 'scripts', 'bench', 'torch_step.py'), input, '2'], { encoding: 'utf8' });
  const parsed = JSON.parse(output) as { steps: (Shape & { ms_per_step: number })[] };
  return new Map(parsed.steps.map((s) => [key(s), s.ms_per_step]));
}

const key = (s: Shape) => `${s.model}/${s.items}/${s.length}/${s.batch}/${s.dim}`;

function table(rows: Row[], note: string): string {
  const lines = [
    `# memrec bench (${new Date().toISOString()})`,
    '',
    note,
    '',
    '| model | items | length | backend | ms/step | PyTorch ms/step | ratio | sequences/s | eval users/s | peak RSS MB (process, so far) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratio = r.torchMsPerStep ? (r.msPerStep / r.torchMsPerStep).toFixed(1) + 'x' : '–';
    lines.push(
      `| ${r.model} | ${r.items} | ${r.length} | ${r.backend} | ${r.msPerStep.toFixed(0)} | ${r.torchMsPerStep?.toFixed(0) ?? '–'} | ${ratio} | ${r.sequencesPerSecond.toFixed(0)} | ${r.evalUsersPerSecond.toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
    );
  }
  lines.push('', '## Time per kernel in one profiled training step (ms; top 8)', '');
  for (const r of rows) {
    const total = r.kernels.reduce((sum, [, ms]) => sum + ms, 0);
    const top = r.kernels.slice(0, 8).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
    lines.push(`- ${r.model}/${r.items}/${r.length} on ${r.backend}: ${total.toFixed(0)} ms in kernels; ${top.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A prefix model's training step timed on native beside its PyTorch version (torch_step.py's same network). */
interface StepBench {
  readonly title: string;
  /** torch_step.py's shape */
  readonly shape: { model: string; items: number; length: number; batch: number; dim: number; hops?: number };
  /** memrec's config for the same network */
  readonly sets: readonly string[];
}

const MTAM: StepBench = {
  title: 'MTAM training step (batch 256, length 50, d 128, 4 hops, full softmax over 3500 items; native)',
  shape: { model: 'mtam', items: 3500, length: 50, batch: 256, dim: 128, hops: 4 },
  // the network torch_step.py builds: item + position embedding, a separate output matrix
  sets: ['model.name=mtam', 'model.dim=128', 'model.max_length=50', 'model.hops=4', 'model.category=none', 'model.tie_output=false'],
};
const NARM: StepBench = {
  title: 'NARM training step (batch 256, length 50, d 128, embeddings 128, full softmax over 3500 items; native)',
  shape: { model: 'narm', items: 3500, length: 50, batch: 256, dim: 128 },
  sets: ['model.name=narm', 'model.dim=128', 'model.embedding_dim=128', 'model.max_length=50'],
};
const STEP_REPEATS = quick ? 1 : 3;

interface StepRow {
  threads: number;
  msPerStep: number[];
  torchMsPerStep: number[];
}

/** One memrec measurement of `bench`'s step on native: ms per step over `steps` steps after one warm-up step. */
async function memrecStep(bench: StepBench, steps: number): Promise<number> {
  const config = loadConfig(null, [...bench.sets, `train.batch_size=${bench.shape.batch}`]);
  // users with more than `length` items, so that most prefixes fill the window
  const train = randomTrain(64, bench.shape.items, bench.shape.length + 20);
  const model = createModel(config) as NeuralModel;
  model.init(train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, config.int('seed'));
  const plan = session.source.epoch(stream(0, 'shuffle'), bench.shape.batch);
  const batchOf = (k: number) => plan.build(k % Math.min(4, plan.batches));
  await session.run(batchOf(0));
  const started = performance.now();
  for (let k = 1; k <= steps; k++) await session.run(batchOf(k));
  const ms = (performance.now() - started) / steps;
  session.dispose();
  model.dispose();
  tf.disposeVariables();
  return ms;
}

function torchStep(bench: StepBench, threads: number, steps: number): number | null {
  try {
    const input = JSON.stringify([{ ...bench.shape, steps }]);
    const output = execFileSync(PYTHON, [join(ROOT, 'scripts', 'bench', 'torch_step.py'), input, String(threads)], { encoding: 'utf8' });
    return (JSON.parse(output) as { steps: { ms_per_step: number }[] }).steps[0].ms_per_step;
  } catch {
    return null;
  }
}

/** `bench`'s step on native and in PyTorch, 1 and 2 threads, the two alternating so that load hits both alike. */
async function stepRows(bench: StepBench, reporter: Reporter): Promise<StepRow[] | string> {
  const loaded = loadNativeAddon();
  if (!('addon' in loaded)) return `native backend not available (${loaded.reason})`;
  await selectBackend('native', reporter);
  const steps = quick ? 2 : 4;
  const initial = loaded.addon.info().threads;
  const rows = [1, 2].map((threads) => ({ threads, msPerStep: [] as number[], torchMsPerStep: [] as number[] }));
  try {
    for (let r = 0; r < STEP_REPEATS; r++) {
      for (const row of rows) {
        loaded.addon.setThreads(row.threads);
        row.msPerStep.push(await memrecStep(bench, steps));
        const torch = torchStep(bench, row.threads, steps);
        if (torch !== null) row.torchMsPerStep.push(torch);
        reporter.info(`${bench.shape.model}, ${row.threads} thread(s): ${row.msPerStep.at(-1)?.toFixed(0)} ms/step, PyTorch ${torch?.toFixed(0) ?? '–'} ms`);
      }
    }
  } finally {
    loaded.addon.setThreads(initial);
  }
  return rows;
}

const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]);

function stepTable(bench: StepBench, rows: StepRow[] | string): string {
  const lines = ['', `## ${bench.title}`, ''];
  if (typeof rows === 'string') return `${[...lines, rows].join('\n')}\n`;
  lines.push('| threads | memrec ms/step (median) | PyTorch ms/step (median) | ratio | memrec runs | PyTorch runs |', '|---|---|---|---|---|---|');
  for (const r of rows) {
    const [ms, torch] = [median(r.msPerStep), median(r.torchMsPerStep)];
    const ratio = Number.isFinite(torch) ? `${(ms / torch).toFixed(2)}x` : '–';
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    lines.push(`| ${r.threads} | ${ms.toFixed(0)} | ${Number.isFinite(torch) ? torch.toFixed(0) : '–'} | ${ratio} | ${runs(r.msPerStep)} | ${runs(r.torchMsPerStep)} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const reporter = new Reporter(false);
  const all = stepOnly ? [] : shapes();
  const torch = torchSteps(all);
  const rows: Row[] = [];
  const backends = stepOnly ? [] : (process.argv.includes('--backends') && backendsArg ? backendsArg : 'tensorflow,native,wasm,cpu').split(',');
  for (const backend of backends) {
    try {
      await selectBackend(backend as BackendChoice, reporter);
    } catch (err) {
      reporter.info(`bench: skipping backend ${backend}: ${(err as Error).message}`);
      continue;
    }
    for (const shape of all) {
      // The cpu backend is two orders of magnitude slower: fewer steps, and only the small shapes.
      if (backend === 'cpu' && (shape.length > 50 || shape.items > 3500)) continue;
      const steps = backend === 'cpu' ? 2 : quick ? 3 : 10;
      const row = await measure(shape, backend, steps);
      const torchMs = typeof torch === 'string' ? null : (torch.get(key(shape)) ?? null);
      rows.push({ ...row, torchMsPerStep: torchMs });
      reporter.info(`${backend} ${key(shape)}: ${row.msPerStep.toFixed(0)} ms/step${torchMs ? ` (PyTorch ${torchMs.toFixed(0)} ms)` : ''}, eval ${row.evalUsersPerSecond.toFixed(0)} users/s`);
      tf.disposeVariables();
    }
  }
  const mtam = narmOnly ? 'not run (--narm-only)' : await stepRows(MTAM, reporter);
  const narm = mtamOnly ? 'not run (--mtam-only)' : await stepRows(NARM, reporter);
  const note = typeof torch === 'string' ? torch : 'PyTorch column: scripts/bench/torch_step.py on 2 threads, same shapes, same run.';
  const dir = join(ROOT, 'results', 'bench');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'bench.json'), `${JSON.stringify({ note, rows, mtam, narm }, null, 2)}\n`);
  const text = table(rows, note) + stepTable(MTAM, mtam) + stepTable(NARM, narm);
  writeFileAtomic(join(dir, 'bench.md'), text);
  process.stdout.write(text);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
