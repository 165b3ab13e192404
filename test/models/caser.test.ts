import { loadConfig } from '../../src/schema/config-flags';
import { scoreAll } from '../helpers/tiny-models';
import { createModel } from '../../src/models/registry';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Caser } from '../../src/models/baselines/caser';
import { horizontalConvolutions, verticalConvolution } from '../../src/models/layers/convolution';
import { lastWindows as lastItems } from '../../src/data/windows';
import type { TrainData } from '../../src/models/model';
import type { BatchTensors } from '../../src/models/batch';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import type { TrainBatch } from '../../src/train/batches/batch';
import { ConfigError } from '../../src/util/errors';
import { useCpu } from '../helpers/backend';
import { assertClose, initialized, SEQUENCE_DATA, tensorsOf, wholeBatch } from '../helpers/model-fixtures';

before(useCpu);

const DATA = SEQUENCE_DATA;
const NUM_ITEMS = DATA.numItems;
const LENGTH = 3;
const NEGATIVES = 3;

function setup(extra: string[] = []) {
  const config = loadConfig(null, [
    'model.name=caser',
    'model.dim=4',
    `model.max_length=${LENGTH}`,
    'model.num_h_filters=2',
    'model.num_v_filters=2',
    ...extra,
  ]);
  const exp = prepareExperiment(DATA, config, 0);
  return { config, exp, model: initialized((createModel(config) as Caser), exp.train) };
}

function windowBatch(train: TrainData): TrainBatch {
  return wholeBatch(train, 'windows', LENGTH, NEGATIVES);
}

/** The trainer's BCE objective on one batch. */

const allUsers = () => Int32Array.from({ length: DATA.numUsers }, (_, u) => u);

/** Plain-JS horizontal convolutions: E[l][j], kernels[h-1][r·d + j][f], relu, max over positions. */
function referenceHorizontal(E: number[][], kernels: number[][][], biases: number[][]): number[] {
  const L = E.length;
  const d = E[0].length;
  const out: number[] = [];
  kernels.forEach((kernel, index) => {
    const h = index + 1;
    for (let f = 0; f < biases[index].length; f++) {
      let best = -Infinity;
      for (let s = 0; s + h <= L; s++) {
        let sum = biases[index][f];
        for (let r = 0; r < h; r++) for (let j = 0; j < d; j++) sum += E[s + r][j] * kernel[r * d + j][f];
        best = Math.max(best, Math.max(0, sum));
      }
      out.push(best);
    }
  });
  return out;
}

/** Plain-JS vertical convolution: out[f·d + j] = sum_l kernel[l][f] E[l][j] + bias[f]. */
function referenceVertical(E: number[][], kernel: number[][], bias: number[]): number[] {
  return bias.flatMap((b, f) => E[0].map((_, j) => E.reduce((sum, row, l) => sum + kernel[l][f] * row[j], b)));
}

/** Deterministic values in [-1, 1) for test inputs. */
function values(count: number, seed: number): number[] {
  const rng = stream(seed, 'init');
  return Array.from({ length: count }, () => 2 * rng.uniform() - 1);
}

function checkConvolutions(L: number, d: number, nh: number, nv: number): void {
  const batch = [0, 1].map((b) => Array.from({ length: L }, (_, l) => values(d, 10 * b + l)));
  const kernels = Array.from({ length: L }, (_, k) => Array.from({ length: (k + 1) * d }, (_, row) => values(nh, 100 + 10 * k + row)));
  const biases = Array.from({ length: L }, (_, k) => values(nh, 200 + k));
  const vKernel = Array.from({ length: L }, (_, l) => values(nv, 300 + l));
  const vBias = values(nv, 400);
  tf.tidy(() => {
    const embeddings = tf.tensor3d(batch);
    const horizontal = horizontalConvolutions(embeddings, kernels.map((k) => tf.tensor2d(k)), biases.map((b) => tf.tensor1d(b)), (x) => tf.relu(x));
    const vertical = verticalConvolution(embeddings, tf.tensor2d(vKernel), tf.tensor1d(vBias));
    assert.deepEqual(horizontal.shape, [2, L * nh]);
    assert.deepEqual(vertical.shape, [2, nv * d]);
    const h = horizontal.arraySync();
    const v = vertical.arraySync();
    batch.forEach((E, b) => {
      assertClose(h[b], referenceHorizontal(E, kernels, biases), `horizontal, example ${b}`);
      assertClose(v[b], referenceVertical(E, vKernel, vBias), `vertical, example ${b}`);
    });
  });
}

test('horizontal and vertical convolutions match a plain-JS reference (L=3, d=2, n_h=1, n_v=1)', () => {
  checkConvolutions(3, 2, 1, 1);
});

test('horizontal and vertical convolutions match a plain-JS reference (L=4, d=3, n_h=2, n_v=3)', () => {
  checkConvolutions(4, 3, 2, 3);
});

test('forward shapes of logits, fullLogits and scoreAll', () => {
  const { exp, model } = setup();
  const batch = windowBatch(exp.train);
  // one window per training interaction after a user's first: 4 + 3 + 1 + 5 + 0
  assert.equal(batch.size, 13);
  tf.tidy(() => {
    const t = tensorsOf(batch);
    const items = tf.concat([tf.expandDims(t.positives, 1), tf.tensor2d(batch.negatives, [13, NEGATIVES], 'int32')], 1) as tf.Tensor2D;
    assert.deepEqual(model.logits(t, items, true).shape, [13, 1 + NEGATIVES]);
    assert.deepEqual(model.fullLogits(t, false).shape, [13, NUM_ITEMS]);
    assert.deepEqual(scoreAll(model, allUsers(), exp.parts.test.history.lists).shape, [DATA.numUsers, NUM_ITEMS]);
  });
  model.dispose();
});

test('either convolution can be switched off, not both', () => {
  for (const off of ['model.num_h_filters=0', 'model.num_v_filters=0']) {
    const { exp, model } = setup([off]);
    tf.tidy(() => assert.deepEqual(scoreAll(model, allUsers(), exp.parts.test.history.lists).shape, [DATA.numUsers, NUM_ITEMS]));
    model.dispose();
  }
  assert.throws(() => setup(['model.num_h_filters=0', 'model.num_v_filters=0']), ConfigError);
});

test('scoreAll equals the logits and the full logits of the same window', () => {
  const { exp, model } = setup();
  const users = allUsers();
  const history = exp.parts.test.history.lists;
  tf.tidy(() => {
    const scores = scoreAll(model, users, history);
    const batch: BatchTensors = {
      size: users.length,
      users: tf.tensor1d(users, 'int32'),
      inputs: tf.tensor2d(lastItems(history, users, LENGTH), [users.length, LENGTH], 'int32'),
      positives: tf.zeros([users.length], 'int32'),
      mask: tf.ones([users.length]),
      negatives: null,
      fields: {},
      state: null,
    };
    const every = tf.tile(tf.expandDims(tf.range(0, NUM_ITEMS, 1, 'int32'), 0), [users.length, 1]) as tf.Tensor2D;
    assertClose(model.logits(batch, every, false).dataSync(), scores.dataSync(), 'logits');
    assertClose(model.fullLogits(batch, false).dataSync(), scores.dataSync(), 'full logits');
  });
  model.dispose();
});

test('padding rows are zeros, not item 0', async () => {
  const { exp, model } = setup();
  // user 4's test history is the single item 5: its window is [pad, pad, 5], and item 0 is not in it
  const users = Int32Array.from([4]);
  const history = exp.parts.test.history.lists;
  const before = tf.tidy(() => scoreAll(model, users, history).dataSync());
  const state = await model.state();
  state.item_embedding.data.fill(3, 0, 4);
  model.restore(state);
  const after = tf.tidy(() => scoreAll(model, users, history).dataSync());
  assertClose(after, before, 'scores');
  model.dispose();
});

test('dropout acts only in training', () => {
  const { exp, model } = setup(['model.dropout=0.5']);
  const batch = windowBatch(exp.train);
  tf.tidy(() => {
    const t = tensorsOf(batch);
    const a = model.fullLogits(t, false).dataSync();
    assert.deepEqual(model.fullLogits(t, false).dataSync(), a);
    assert.notDeepEqual(model.fullLogits(t, true).dataSync(), a);
  });
  model.dispose();
});

