import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DATA_SOURCES } from '../../src/data/sources';
import { memoryCovariance, periodicMemory, readScores, readScoresAll, type Hpmn } from '../../src/models/memory/hpmn';
import type { GruWeights } from '../../src/models/layers/gru';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';
import { useWasm } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { carriedLastLogits, trainingInputs } from '../helpers/streaming';
import { tinyConfig } from '../helpers/tiny-models';

/**
 * HPMN (src/models/memory/hpmn.ts) against plain arrays of its printed equations: the hierarchical periodic
 * update (which layers write at which behaviour, across windows and padding), the target's read of the slots,
 * the covariance regulariser; and scoring that streams a history to the state training carries. Its
 * learning test is in learning.test.ts.
 */
before(useWasm);

const reporter = new Reporter(true);
const rng = stream(7, 'synthetic', 'hpmn-test');
const randoms = (n: number, scale = 1) => Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** x [in] times W [in][out] stored row-major from offset `at`. */
const times = (x: number[], w: number[], at: number, out: number) => Array.from({ length: out }, (_, j) => x.reduce((s, v, i) => s + v * w[at + i * out + j], 0));

/** A GRU layer as plain arrays (input [3, D, D], recurrent [3, D, D], bias [3, D]) and as tensors. */
function gruLayer(D: number): { plain: { input: number[]; recurrent: number[]; bias: number[] }; tensors: GruWeights } {
  const plain = { input: randoms(3 * D * D), recurrent: randoms(3 * D * D), bias: randoms(3 * D, 0.3) };
  return { plain, tensors: { input: tf.tensor3d(plain.input, [3, D, D]), recurrent: tf.tensor3d(plain.recurrent, [3, D, D]), bias: tf.tensor2d(plain.bias, [3, D]) } };
}

/** One GRU step as printed: z, r, ĥ, h' = (1 − z) h + z ĥ. */
function gruStep(w: { input: number[]; recurrent: number[]; bias: number[] }, h: number[], x: number[]): number[] {
  const D = h.length;
  const gate = (g: number, state: number[]) => times(x, w.input, g * D * D, D).map((v, j) => v + times(state, w.recurrent, g * D * D, D)[j] + w.bias[g * D + j]);
  const z = gate(0, h).map(sigmoid);
  const r = gate(1, h).map(sigmoid);
  const candidate = gate(2, h.map((v, j) => v * r[j])).map(Math.tanh);
  return h.map((v, j) => (1 - z[j]) * v + z[j] * candidate[j]);
}

test('the periodic update against plain arrays: layer l writes at behaviours i with i mod 2^(l−1) = 0, across two stretches, padding skipped', () => {
  const D = 3;
  const L = 3;
  const layers = Array.from({ length: L }, () => gruLayer(D));
  const behaviours = Array.from({ length: 11 }, () => randoms(D));
  // plain arrays: m^0_i = x_i; slot l (0-based) takes GRU_l(m^l, m^{l−1}_i) when i mod 2^l = 0
  const memory = Array.from({ length: L }, () => new Array<number>(D).fill(0));
  const after: number[][][] = []; // after[i − 1][l]: slot l after behaviour i
  const writes: number[][] = Array.from({ length: L }, () => []);
  behaviours.forEach((x, k) => {
    const i = k + 1;
    let below = x;
    for (let l = 0; l < L; l++) {
      if (i % 2 ** l === 0) {
        memory[l] = gruStep(layers[l].plain, memory[l], below);
        writes[l].push(i);
      }
      below = memory[l];
    }
    after.push(memory.map((m) => [...m]));
  });
  assert.deepEqual(writes, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 4, 6, 8, 10], [4, 8]]);

  // the same behaviours as two stretches of width 7 of one lane: 5 behaviours left-padded, then 6 with a gap at position 3
  const layouts = [
    [-1, -1, 0, 1, 2, 3, 4],
    [5, 6, 7, -1, 8, 9, 10],
  ];
  const other = randoms(D); // a second lane of padding only: its memory must stay zero
  let state = { counts: tf.tensor1d([0, 0]), memory: Array.from({ length: L }, () => tf.zeros([2, D]) as tf.Tensor2D) };
  const seen = Array.from({ length: L }, () => [] as number[]);
  for (const layout of layouts) {
    const x = tf.tensor3d([...layout.flatMap((k) => (k < 0 ? other : behaviours[k])), ...layout.flatMap(() => other)], [2, layout.length, D]);
    const mask = tf.tensor2d([...layout.map((k) => (k < 0 ? 0 : 1)), ...layout.map(() => 0)], [2, layout.length]);
    const run = periodicMemory(x, mask, state.counts, state.memory, layers.map((l) => l.tensors));
    const values = run.states.map((s) => s.arraySync());
    layout.forEach((k, t) => {
      if (k < 0) return;
      for (let l = 0; l < L; l++) {
        assertClose(values[l][0][t], after[k][l], `slot ${l} after behaviour ${k + 1}`);
        // a write is where the slot moves: the positions that change it are exactly the plain schedule's
        const previous = k === 0 ? new Array<number>(D).fill(0) : after[k - 1][l];
        if (values[l][0][t].some((v, j) => Math.abs(v - previous[j]) > 1e-7)) seen[l].push(k + 1);
      }
    });
    values.forEach((v) => assert.ok(v[1].flat().every((e) => e === 0), 'a padded lane keeps its zero memory'));
    assert.deepEqual(Array.from(run.counts.dataSync()), [layout.filter((k) => k >= 0).length + (layout === layouts[0] ? 0 : 5), 0]);
    state = { counts: run.counts, memory: run.states.map((s) => tf.reshape(tf.slice(s, [0, layout.length - 1, 0], [-1, 1, -1]), [2, D]) as tf.Tensor2D) };
  }
  assert.deepEqual(seen, writes);
});

test("the target's read and the covariance regulariser against plain arrays; the full table's read equals the gathered one", () => {
  const [P, k, L, D] = [2, 3, 4, 5];
  const items = randoms(P * k * D);
  const memory = randoms(P * L * D);
  const wa = randoms(D * D);
  const wo = randoms(D * D);
  const row = (flat: number[], at: number) => flat.slice(at * D, at * D + D);
  const dot = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j], 0);
  const expected: number[] = [];
  const covariance: number[] = [];
  for (let p = 0; p < P; p++) {
    const slots = Array.from({ length: L }, (_, j) => row(memory, p * L + j));
    for (let c = 0; c < k; c++) {
      const v = row(items, p * k + c);
      const e = slots.map((m) => dot(v, times(m, wa, 0, D)));
      const top = Math.max(...e);
      const w = e.map((x) => Math.exp(x - top));
      const total = w.reduce((a, b) => a + b, 0);
      const r = new Array<number>(D).fill(0).map((_, d) => slots.reduce((s, m, j) => s + (w[j] / total) * m[d], 0));
      expected.push(dot(v, times(r, wo, 0, D)));
    }
    const centered = slots.map((m) => {
      const mean = m.reduce((a, b) => a + b, 0) / D;
      return m.map((x) => x - mean);
    });
    let off = 0;
    for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) if (a !== b) off += (dot(centered[a], centered[b]) / D) ** 2;
    covariance.push(off / 2);
  }
  const [itemsT, memoryT, waT, woT] = [tf.tensor3d(items, [P, k, D]), tf.tensor3d(memory, [P, L, D]), tf.tensor2d(wa, [D, D]), tf.tensor2d(wo, [D, D])];
  assertClose(readScores(itemsT, memoryT, waT, woT).dataSync(), expected, 'read scores');
  assertClose(memoryCovariance(memoryT).dataSync(), covariance, 'L_c');
  // every item of a table for both rows: row p's columns are its read of every table row
  const table = tf.tensor2d(items.slice(0, k * D), [k, D]);
  const all = readScoresAll(table, memoryT, waT, woT).arraySync();
  const gathered = readScores(tf.stack([table, table]) as tf.Tensor3D, memoryT, waT, woT).arraySync();
  all.forEach((r, p) => assertClose(r, gathered[p], `row ${p}`));
  assertClose(all[0], expected.slice(0, k), 'row 0 against plain arrays');
});

test('scoring streams a history to the memory training carries window by window: the same logits at the last position', async () => {
  const config = tinyConfig('hpmn', ['model.window=3', 'model.num_layers=3', 'train.lr=0.01']);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as Hpmn;
  model.init(exp.train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
  const candidates = tf.tensor2d(Int32Array.from({ length: 7 }, (_, k) => k * 5), [1, 7], 'int32');
  const lastLogits = carriedLastLogits(model, session, model.trainSteps()[0], candidates);
  // the scoring stream cuts the same inputs in steps of 64, not in training's windows of 3
  const users = Int32Array.from(lastLogits.keys());
  const history = trainingInputs(exp.train);
  const scored = tf.tidy(() => model.score({ users, history, targetTimes: null, candidates: tf.tile(candidates, [users.length, 1]) as tf.Tensor2D, states: null }).arraySync());
  users.forEach((u, b) => assertClose(scored[b], lastLogits.get(u) as Float32Array, `user ${u}`));
  candidates.dispose();
  session.dispose();
  model.dispose();
});
