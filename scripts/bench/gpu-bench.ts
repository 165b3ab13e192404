/**
 * The measurements of scripts/gpu-bench.sh: on the webgpu backend and on native with every core of the
 * machine, the SASRec training step at two shapes (batch 128, length 50, d 64; batch 1024, length 200, d 256;
 * 23,715 items, BCE with one negative per position), MTAM's step (batch 256, length 50, d 128, 4 hops, full
 * softmax over 3,500 items) and the full-ranking evaluation of 31,013 users over 23,715 items (SASRec, d 64,
 * length 50); whether two webgpu runs of the same steps give bit-identical weights; the time per kernel of
 * one profiled step; and PyTorch's step for the same networks on CUDA, where python3 has torch with CUDA, with
 * its time per op. Writes results/bench/gpu.md and gpu.json (or the --out folder) and prints the table.
 *
 * Usage: node dist/scripts/bench/gpu-bench.js [--quick] [--out DIR]
 * --quick: small shapes and few steps, to check the script end to end on a software driver (llvmpipe).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/compute/backend';
import { loadNativeAddon } from '../../src/compute/native/addon';
import { adapterLabel, startWebgpu } from '../../src/compute/webgpu';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import type { TrainBatch } from '../../src/train/batches/batch';
import { stream } from '../../src/random/streams';
import { writeFileAtomic } from '../../src/results/atomic';
import { loadConfig } from '../../src/schema/config-flags';
import { TrainingSession } from '../../src/train/trainer';
import { TRAIN_KEYS } from '../../src/train/schema';
import type { NamedArrays } from '../../src/util/named-arrays';
import { Reporter } from '../../src/util/reporter';
import { kernelTimes, randomTrain, timeFullRanking } from './common';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const quick = args.quick === true;
const ROOT = join(__dirname, '..', '..', '..');
const OUT = args.out ?? join(ROOT, 'results', 'bench');

interface Step {
  label: string;
  model: 'sasrec' | 'mtam';
  items: number;
  length: number;
  batch: number;
  dim: number;
  hops?: number;
}

const STEPS: readonly Step[] = quick
  ? [
      { label: 'SASRec small', model: 'sasrec', items: 2000, length: 20, batch: 32, dim: 32 },
      { label: 'SASRec large', model: 'sasrec', items: 2000, length: 40, batch: 64, dim: 64 },
      { label: 'MTAM', model: 'mtam', items: 500, length: 20, batch: 32, dim: 32, hops: 2 },
    ]
  : [
      { label: 'SASRec small', model: 'sasrec', items: 23715, length: 50, batch: 128, dim: 64 },
      { label: 'SASRec large', model: 'sasrec', items: 23715, length: 200, batch: 1024, dim: 256 },
      { label: 'MTAM', model: 'mtam', items: 3500, length: 50, batch: 256, dim: 128, hops: 4 },
    ];
const TIMED_STEPS = quick ? 2 : 20;
const EVAL = quick ? { users: 500, items: 2000 } : { users: 31013, items: 23715 };

function configOf(step: Step) {
  return loadConfig(null, [
    `model.name=${step.model}`,
    `model.dim=${step.dim}`,
    `model.max_length=${step.length}`,
    `train.batch_size=${step.batch}`,
    // the network torch_step.py builds for MTAM: item + position embedding, a separate output matrix
    ...(step.model === 'mtam' ? [`model.hops=${step.hops}`, 'model.category=none', 'model.tie_output=false'] : []),
  ]);
}

/** A model and training session on random sequences of the step's shape (users longer than the window). */
function sessionOf(step: Step): { model: NeuralModel; session: TrainingSession; batchOf: (k: number) => TrainBatch } {
  const config = configOf(step);
  const train = randomTrain(step.batch * 2, step.items, step.length + (step.model === 'mtam' ? 20 : 0));
  const model = createModel(config) as NeuralModel;
  model.init(train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), train, config.int('seed'));
  const plan = session.source.epoch(stream(0, 'shuffle'), step.batch);
  return { model, session, batchOf: (k) => plan.build(k % Math.min(2, plan.batches)) };
}

interface StepRow {
  label: string;
  backend: string;
  msPerStep: number;
  kernels: Array<[string, number]>;
}

async function timeStep(step: Step, backend: string): Promise<StepRow> {
  const { model, session, batchOf } = sessionOf(step);
  for (let k = 0; k < 3; k++) await session.run(batchOf(k));
  const started = performance.now();
  for (let k = 0; k < TIMED_STEPS; k++) await session.run(batchOf(k));
  const msPerStep = (performance.now() - started) / TIMED_STEPS;
  const kernels = kernelTimes(await tf.profile(async () => void (await session.run(batchOf(0)))));
  session.dispose();
  model.dispose();
  tf.disposeVariables();
  return { label: step.label, backend, msPerStep, kernels };
}

/** The weights after `steps` steps from the seed: run twice, they show whether the backend repeats itself. */
async function weightsAfter(step: Step, steps: number): Promise<NamedArrays> {
  const { model, session, batchOf } = sessionOf(step);
  for (let k = 0; k < steps; k++) await session.run(batchOf(k));
  const state = await model.state();
  session.dispose();
  model.dispose();
  tf.disposeVariables();
  return state;
}

function largestGap(a: NamedArrays, b: NamedArrays): number {
  let gap = 0;
  for (const [name, { data }] of Object.entries(a)) data.forEach((v, i) => (gap = Math.max(gap, Math.abs(v - b[name].data[i]))));
  return gap;
}

/** Users per second of a full-ranking evaluation (history excluded, HR and NDCG at 10) of an untrained SASRec. */
async function timeEval(): Promise<number> {
  const length = 50;
  const config = configOf({ label: 'eval', model: 'sasrec', items: EVAL.items, length, batch: 128, dim: 64 });
  const train = randomTrain(EVAL.users, EVAL.items, length);
  const model = createModel(config) as NeuralModel;
  model.init(train);
  const seconds = await timeFullRanking(model, train.sequences, EVAL.users, EVAL.items);
  model.dispose();
  tf.disposeVariables();
  return EVAL.users / seconds;
}

interface TorchRow {
  label: string;
  msPerStep: number;
  ops: Array<[string, number]>;
}

/** PyTorch's steps on CUDA (scripts/bench/torch_step.py), or why there are none. */
function torchCuda(): TorchRow[] | string {
  const seen: string[] = [];
  let python: string | undefined;
  for (const candidate of process.env.TORCH_PYTHON ? [process.env.TORCH_PYTHON] : ['python3', '/usr/bin/python3']) {
    try {
      const cuda = execFileSync(candidate, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (cuda === 'True') {
        python = candidate;
        break;
      }
      seen.push(`${candidate} has torch without a CUDA device`);
    } catch {
      seen.push(`${candidate} has no torch`);
    }
  }
  if (python === undefined) return `${seen.join('; ')}: no PyTorch column`;
  const shapes = STEPS.map((s) => ({ ...s, steps: TIMED_STEPS, device: 'cuda', profile: true }));
  const output = execFileSync(python, [join(ROOT, 'scripts', 'bench', 'torch_step.py'), JSON.stringify(shapes)], { encoding: 'utf8' });
  const parsed = JSON.parse(output) as { steps: (Step & { ms_per_step: number; ops_ms: Array<[string, number]> })[] };
  return parsed.steps.map((s) => ({ label: s.label, msPerStep: s.ms_per_step, ops: s.ops_ms }));
}

const top = (kernels: Array<[string, number]>, n = 8) => kernels.slice(0, n).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ');

async function main(): Promise<void> {
  const reporter = new Reporter(false);
  const found = await startWebgpu();
  if ('reason' in found) throw new Error(`webgpu is not available: ${found.reason}`);
  const adapter = adapterLabel(found.adapter);
  const cores = availableParallelism();
  const rows: StepRow[] = [];
  const evalRate: Record<string, number> = {};

  await selectBackend('webgpu', reporter);
  const repeatProbe = STEPS[0];
  const [first, second] = [await weightsAfter(repeatProbe, 10), await weightsAfter(repeatProbe, 10)];
  const repeatGap = largestGap(first, second);
  reporter.info(`webgpu run to run, ${repeatProbe.label}, 10 steps: largest weight difference ${repeatGap}`);
  for (const step of STEPS) {
    rows.push(await timeStep(step, 'webgpu'));
    reporter.info(`webgpu ${step.label}: ${rows.at(-1)?.msPerStep.toFixed(1)} ms/step`);
  }
  evalRate.webgpu = await timeEval();
  reporter.info(`webgpu evaluation: ${evalRate.webgpu.toFixed(0)} users/s`);

  const native = loadNativeAddon();
  let nativeNote = '';
  if ('addon' in native) {
    await selectBackend('native', reporter);
    native.addon.setThreads(Math.min(64, cores));
    nativeNote = `native on ${native.addon.info().threads} threads (${native.addon.info().blas} sgemm, ${native.addon.info().simd})`;
    for (const step of STEPS) {
      rows.push(await timeStep(step, 'native'));
      reporter.info(`native ${step.label}: ${rows.at(-1)?.msPerStep.toFixed(1)} ms/step`);
    }
    evalRate.native = await timeEval();
  } else {
    nativeNote = `native not available: ${native.reason}`;
  }
  const torch = torchCuda();

  const shapeOf = (s: Step) => `batch ${s.batch}, length ${s.length}, d ${s.dim}, ${s.items} items${s.hops ? `, ${s.hops} hops` : ''}`;
  const lines = [
    `# memrec on a GPU (${new Date().toISOString()}${quick ? ', --quick shapes' : ''})`,
    '',
    `- adapter: ${adapter}`,
    `- CPU: ${cores} cores; ${nativeNote}`,
    `- webgpu run to run (${repeatProbe.label}, 10 steps, same seed): ${repeatGap === 0 ? 'bit-identical weights' : `largest weight difference ${repeatGap}`}`,
    `- PyTorch: ${typeof torch === 'string' ? torch : 'CUDA, scripts/bench/torch_step.py, same networks'}`,
    '',
    '| step | shape | webgpu ms | native ms | native / webgpu | PyTorch CUDA ms | webgpu / PyTorch |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const step of STEPS) {
    const gpu = rows.find((r) => r.label === step.label && r.backend === 'webgpu');
    const cpu = rows.find((r) => r.label === step.label && r.backend === 'native');
    const py = typeof torch === 'string' ? undefined : torch.find((r) => r.label === step.label);
    const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}x` : '–');
    lines.push(
      `| ${step.label} | ${shapeOf(step)} | ${gpu?.msPerStep.toFixed(1) ?? '–'} | ${cpu?.msPerStep.toFixed(1) ?? '–'} | ${ratio(cpu?.msPerStep, gpu?.msPerStep)} | ${py?.msPerStep.toFixed(1) ?? '–'} | ${ratio(gpu?.msPerStep, py?.msPerStep)} |`,
    );
  }
  lines.push('', `Full-ranking evaluation, ${EVAL.users} users over ${EVAL.items} items (SASRec d 64, length 50): ${Object.entries(evalRate).map(([b, r]) => `${b} ${r.toFixed(0)} users/s`).join('; ')}.`);
  lines.push('', '## Where the time goes: one profiled step, ms per kernel (top 8)', '');
  for (const r of rows) lines.push(`- ${r.label} on ${r.backend}: ${r.kernels.reduce((s, [, ms]) => s + ms, 0).toFixed(1)} ms in kernels; ${top(r.kernels)}`);
  if (typeof torch !== 'string') for (const r of torch) lines.push(`- ${r.label} in PyTorch CUDA: ${top(r.ops)}`);
  const text = `${lines.join('\n')}\n`;
  mkdirSync(OUT, { recursive: true });
  writeFileAtomic(join(OUT, 'gpu.json'), `${JSON.stringify({ adapter: found.adapter, cores, nativeNote, repeatGap, rows, evalRate, torch }, null, 2)}\n`);
  writeFileAtomic(join(OUT, 'gpu.md'), text);
  process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`gpu-bench failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
