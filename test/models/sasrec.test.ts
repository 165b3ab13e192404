import { loadConfig } from '../../src/schema/config-flags';
import { scoreAll } from '../helpers/tiny-models';
import { createModel } from '../../src/models/registry';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchTensors } from '../../src/models/batch';
import { SasRec } from '../../src/models/baselines/sasrec';
import { lastWindows as lastItems } from '../../src/data/windows';
import { prepareExperiment } from '../../src/run/experiment';
import { useCpu } from '../helpers/backend';
import { tinyData, userLists } from '../helpers/tiny-data';
import { assertClose, initialized } from '../helpers/model-fixtures';

before(useCpu);

const L = 5;
const NUM_ITEMS = 6;
const SETTINGS = ['model.name=sasrec', 'model.dim=8', `model.max_length=${L}`, 'model.num_blocks=2', 'model.num_heads=2', 'model.dropout=0.2'];
const DATA = tinyData(
  [
    [0, 1, 2, 3, 4, 5, 0, 1],
    [2, 3, 4, 5],
    [5, 4, 3, 2, 1, 0],
    [1, 2, 1, 2, 1, 2],
  ],
  NUM_ITEMS,
);

/** SasRec with its weights built without training. */
function setup(extra: string[] = []) {
  const config = loadConfig(null, [...SETTINGS, ...extra]);
  const exp = prepareExperiment(DATA, config, 0);
  return { config, exp, model: initialized((createModel(config) as SasRec), exp.train) };
}

/**
 * A sequence batch of the given [B, W] inputs (positives and mask are unused by the forward pass), with the
 * inputs' times as `input_times` when given.
 */
function batchOf(inputs: number[][], times?: number[][]): BatchTensors {
  const points = inputs.length * inputs[0].length;
  return {
    size: inputs.length,
    users: tf.zeros([inputs.length], 'int32'),
    inputs: tf.tensor2d(inputs, undefined, 'int32'),
    positives: tf.zeros([points], 'int32'),
    mask: tf.ones([points]),
    negatives: null,
    fields: times ? { input_times: tf.tensor2d(times) } : {},
    state: null,
  };
}

test('logits, fullLogits and scoreAll have the right shapes', () => {
  const { model, exp } = setup();
  tf.tidy(() => {
    const batch = batchOf([
      [0, 0, 1, 2, 3],
      [4, 5, 6, 1, 2],
    ]);
    const items = tf.tensor2d(Array.from({ length: 2 * L }, (_, p) => [p % NUM_ITEMS, (p + 3) % NUM_ITEMS]), undefined, 'int32');
    assert.deepEqual(model.logits(batch, items, true).shape, [2 * L, 2]);
    assert.deepEqual(model.fullLogits(batch, false).shape, [2 * L, NUM_ITEMS]);
  });
  const scores = scoreAll(model, Int32Array.from([0, 1, 2]), exp.parts.test.history.lists);
  assert.deepEqual(scores.shape, [3, NUM_ITEMS]);
  assert.ok(Array.from(scores.dataSync()).every(Number.isFinite));
  scores.dispose();
  model.dispose();
});

test('the attention is causal: changing a later input leaves every earlier position unchanged', () => {
  const { model } = setup();
  const [before, after] = tf.tidy(() => [
    model.fullLogits(batchOf([[0, 1, 2, 3, 4]]), false).arraySync(),
    model.fullLogits(batchOf([[0, 1, 2, 6, 4]]), false).arraySync(),
  ]);
  for (let t = 0; t < 3; t++) assertClose(after[t], before[t], `position ${t}`);
  // ...while the changed position and the ones after it do change
  for (const t of [3, 4]) assert.ok(after[t].some((v, i) => Math.abs(v - before[t][i]) > 1e-4), `position ${t} should change`);
  model.dispose();
});

test('padding has no effect: the last position is the same with or without padding prepended', () => {
  const { model } = setup();
  const [padded, bare, otherPadding] = tf.tidy(() => [
    model.fullLogits(batchOf([[0, 0, 3, 1, 2]]), false).arraySync()[L - 1],
    model.fullLogits(batchOf([[3, 1, 2]]), false).arraySync()[2],
    model.fullLogits(batchOf([[0, 3, 1, 2]]), false).arraySync()[3],
  ]);
  assertClose(padded, bare, 'two padding positions vs none');
  assertClose(otherPadding, bare, 'one padding position vs none');
  model.dispose();
});

test('scoreAll gives the logits of the last position of the user\'s latest items, and leaks nothing', () => {
  const { model } = setup();
  const history = userLists([[0, 1, 2, 3, 4, 5, 0], [2], [], [1, 2, 1, 2, 1, 2, 3, 4, 5]]);
  const users = Int32Array.from([0, 1, 2, 3]);
  const count = tf.memory().numTensors;
  const scores = scoreAll(model, users, history);
  const scored = scores.arraySync();
  scores.dispose();
  assert.equal(tf.memory().numTensors, count);
  const expected = tf.tidy(() => {
    const inputs = lastItems(history, users, L);
    const batch = batchOf(Array.from(users, (_, b) => Array.from(inputs.subarray(b * L, (b + 1) * L))));
    const allItems = tf.tile(tf.reshape(tf.range(0, NUM_ITEMS, 1, 'int32'), [1, NUM_ITEMS]), [users.length * L, 1]) as tf.Tensor2D;
    return model.logits(batch, allItems, false).arraySync();
  });
  users.forEach((_, b) => assertClose(scored[b], expected[b * L + L - 1], `user ${b}`));
  model.dispose();
});

test('num_heads must divide dim', () => {
  assert.throws(() => loadConfig(null, [...SETTINGS, 'model.num_heads=3']), /model\.num_heads: 3 heads do not divide model\.dim 8/);
});

test('scoreAll trims padding to the batch: a user scores the same alone as beside a longer history', () => {
  const { model } = setup();
  const history = userLists([[3, 1], [0, 1, 2, 3, 4, 5, 0], [4]]);
  const [alone, together] = tf.tidy(() => [
    scoreAll(model, Int32Array.from([0]), history).arraySync()[0],
    scoreAll(model, Int32Array.from([2, 0, 1]), history).arraySync()[1],
  ]);
  assert.deepEqual(alone, together);
  model.dispose();
});

/** Row-major [n, m] matrix product of plain arrays. */
function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, v, k) => sum + v * b[k][j], 0)));
}

function plainLayerNorm(x: number[][], gamma: number[], beta: number[]): number[][] {
  return x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-8)) * gamma[i] + beta[i]);
  });
}

/**
 * The PyTorch port's forward pass (pmixer/SASRec.pytorch, post-norm, eval mode) for one full-width input,
 * written out position by position over plain arrays: the independent route for the pytorch_port variant.
 */
async function portLogits(model: SasRec, input: number[], dim: number, heads: number, blocks: number): Promise<number[][]> {
  const state = await model.state();
  const v = (name: string) => Array.from(state[name].data);
  const w = (name: string) => {
    const [rows, cols] = state[name].shape;
    return Array.from({ length: rows }, (_, r) => v(name).slice(r * cols, (r + 1) * cols));
  };
  const addBias = (x: number[][], b: number[]) => x.map((row) => row.map((value, i) => value + b[i]));
  const items = w('item_embedding');
  const positions = w('position_embedding');
  let x = input.map((item, t) => (item === 0 ? new Array(dim).fill(0) : items[item].map((e, i) => e * Math.sqrt(dim) + positions[t][i])));
  const headWidth = dim / heads;
  for (let b = 0; b < blocks; b++) {
    const p = `block${b}_attention`;
    const q = addBias(matmul(x, w(`${p}_query`)), v(`${p}_query_bias`));
    const k = addBias(matmul(x, w(`${p}_key`)), v(`${p}_key_bias`));
    const val = addBias(matmul(x, w(`${p}_value`)), v(`${p}_value_bias`));
    const merged = x.map((_, t) => {
      const out: number[] = [];
      for (let h = 0; h < heads; h++) {
        const cols = Array.from({ length: headWidth }, (_, c) => h * headWidth + c);
        const scores = Array.from({ length: t + 1 }, (_, s) => cols.reduce((sum, c) => sum + q[t][c] * k[s][c], 0) / Math.sqrt(headWidth));
        const top = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - top));
        const total = weights.reduce((a, c) => a + c, 0);
        for (const c of cols) out.push(weights.reduce((sum, wt, s) => sum + (wt / total) * val[s][c], 0));
      }
      return out;
    });
    const attended = addBias(matmul(merged, w(`${p}_output`)), v(`${p}_output_bias`));
    x = plainLayerNorm(x.map((row, t) => row.map((e, i) => e + attended[t][i])), v(`block${b}_attention_norm_gamma`), v(`block${b}_attention_norm_beta`));
    const f = `block${b}_ffn`;
    const hidden = addBias(matmul(x, w(`${f}_inner`)), v(`${f}_inner_bias`)).map((row) => row.map((e) => Math.max(0, e)));
    const ffn = addBias(matmul(hidden, w(`${f}_outer`)), v(`${f}_outer_bias`));
    x = plainLayerNorm(x.map((row, t) => row.map((e, i) => e + ffn[t][i])), v(`block${b}_ffn_norm_gamma`), v(`block${b}_ffn_norm_beta`));
  }
  const features = plainLayerNorm(x, v('final_norm_gamma'), v('final_norm_beta'));
  return matmul(features, items.slice(1)[0].map((_, c) => items.slice(1).map((row) => row[c])));
}

test('pytorch_port: the forward pass is the port\'s post-norm blocks with an output projection and no padding mask', async () => {
  const { model } = setup(['model.implementation=pytorch_port']);
  const input = [0, 0, 3, 1, 2];
  const ours = tf.tidy(() => model.fullLogits(batchOf([input]), false).arraySync());
  const theirs = await portLogits(model, input, 8, 2, 2);
  // the padded positions too: the port lets them carry values through the blocks
  for (let t = 0; t < L; t++) assertClose(ours[t], theirs[t], `position ${t}`);
  model.dispose();
});

test('pytorch_port: padding changes the scores, so scoreAll always feeds max_length positions', () => {
  const { model } = setup(['model.implementation=pytorch_port']);
  const [padded, bare] = tf.tidy(() => [
    model.fullLogits(batchOf([[0, 0, 3, 1, 2]]), false).arraySync()[L - 1],
    model.fullLogits(batchOf([[3, 1, 2]]), false).arraySync()[2],
  ]);
  assert.ok(padded.some((value, i) => Math.abs(value - bare[i]) > 1e-3), 'padding should matter in the port');
  // items 2, 0, 1 are inputs 3, 1, 2 (0 is padding)
  const history = userLists([[2, 0, 1], [0, 1, 2, 3, 4, 5, 0]]);
  const alone = tf.tidy(() => scoreAll(model, Int32Array.from([0]), history).arraySync()[0]);
  assertClose(alone, padded, 'a short history alone is scored at full width');
  model.dispose();
});

const TIME_AWARE = ['model.attention=time_aware', 'model.time_unit=seconds'];

test('time_aware: the gate\'s weights come after the others, which start as with dot; dot has none and ignores times', async () => {
  const dot = setup().model;
  const timed = setup(TIME_AWARE).model;
  const [plain, gated] = [await dot.state(), await timed.state()];
  const gateNames = Object.keys(gated).filter((name) => name.includes('time_gate'));
  assert.deepEqual(gateNames.sort(), ['bdelta', 'bg', 'btau', 'wdelta', 'wgdelta', 'wgtau', 'wtau'].flatMap((n) => [`block0_time_gate_${n}`, `block1_time_gate_${n}`]).sort());
  assert.deepEqual(gated.block0_time_gate_wdelta.shape, [L, L]);
  assert.deepEqual(Object.keys(plain).sort(), Object.keys(gated).filter((name) => !gateNames.includes(name)).sort());
  for (const name of Object.keys(plain)) assert.deepEqual(gated[name], plain[name], name);
  const [a, b] = tf.tidy(() => [
    dot.fullLogits(batchOf([[0, 1, 2, 3, 4]], [[0, -1, -2, -3, 0]]), false).arraySync(),
    dot.fullLogits(batchOf([[0, 1, 2, 3, 4]], [[0, -500, -90, -3, 0]]), false).arraySync(),
  ]);
  assert.deepEqual(a, b);
  dot.dispose();
  timed.dispose();
});

test('time_aware: times matter, causally: a gap changes the positions from its later end on, never earlier ones', () => {
  const { model } = setup(TIME_AWARE);
  const inputs = [[0, 1, 2, 3, 4]];
  const [before, after] = tf.tidy(() => [
    model.fullLogits(batchOf(inputs, [[0, -40, -30, -30, 0]]), false).arraySync(),
    model.fullLogits(batchOf(inputs, [[0, -400, -30, -30, 0]]), false).arraySync(),
  ]);
  // position 1's time moved: position 0 is padding and position 1 attends to itself alone, so both stay;
  // positions 2.. see another gap to position 1
  for (const t of [0, 1]) assertClose(after[t], before[t], `position ${t}`);
  // the untrained gate is near 1/2 everywhere, so the changes are small (3e-5 to 2e-4 here), yet far above rounding
  for (const t of [2, 3, 4]) assert.ok(after[t].some((v, i) => Math.abs(v - before[t][i]) > 1e-6), `position ${t} should change`);
  const moved = tf.tidy(() => model.fullLogits(batchOf([[0, 1, 2, 6, 4]], [[0, -40, -30, -30, 0]]), false).arraySync());
  for (let t = 0; t < 3; t++) assertClose(moved[t], before[t], `position ${t} after a later item changed`);
  model.dispose();
});

test('time_aware: padding has no effect, times included', () => {
  const { model } = setup(TIME_AWARE);
  const [padded, bare] = tf.tidy(() => [
    model.fullLogits(batchOf([[0, 0, 3, 1, 2]], [[0, 0, -25, -25, 0]]), false).arraySync()[L - 1],
    model.fullLogits(batchOf([[3, 1, 2]], [[-25, -25, 0]]), false).arraySync()[2],
  ]);
  assertClose(padded, bare, 'two padding positions vs none');
  model.dispose();
});

test('time_aware: scoreAll is the last position of the history\'s window with its times relative to the last item, at any batch width', () => {
  const { model } = setup(TIME_AWARE);
  const lists = userLists([[0, 1, 2, 3, 4, 5, 0], [2, 4], [1, 2, 1, 2, 1, 2, 3, 4, 5]]);
  const timestamps = Float64Array.from([5, 9, 9, 30, 31, 200, 260, 1000, 1003, 0, 2, 4, 40, 41, 41, 42, 90, 95]);
  const users = Int32Array.from([0, 1, 2]);
  const scored = tf.tidy(() => scoreAll(model, users, { lists, timestamps }).arraySync());
  // by hand: user 0's last 5 items 2 3 4 5 0 at 9 30 31 200 260; user 1's 2 4 at 1000 1003; user 2's 1 2 3 4 5 at 41 41 42 90 95
  const inputs = [[3, 4, 5, 6, 1], [0, 0, 0, 3, 5], [2, 3, 4, 5, 6]];
  const times = [[9 - 260, 30 - 260, 31 - 260, 200 - 260, 0], [0, 0, 0, -3, 0], [41 - 95, 41 - 95, 42 - 95, 90 - 95, 0]];
  const expected = tf.tidy(() => model.fullLogits(batchOf(inputs, times), false).arraySync());
  users.forEach((_, b) => assertClose(scored[b], expected[b * L + L - 1], `user ${b}`));
  const alone = tf.tidy(() => scoreAll(model, Int32Array.from([1]), { lists, timestamps }).arraySync()[0]);
  assertClose(alone, scored[1], 'user 1 alone, at width 2');
  model.dispose();
});
