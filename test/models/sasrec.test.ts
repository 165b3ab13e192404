import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/config/schema';
import type { BatchTensors } from '../../src/models/neural-model';
import { SasRec } from '../../src/models/baselines/sasrec';
import { lastItems } from '../../src/models/layers/inputs';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import { BatchBuilder } from '../../src/train/batch-builders';
import { lossOf } from '../../src/train/losses';
import { NegativeSampler } from '../../src/train/negatives';
import { ConfigError } from '../../src/util/errors';
import { useCpu } from '../helpers/backend';
import { tinyData, userLists } from '../helpers/tiny-data';
import { assertClose, initialized, tensorsOf } from '../helpers/model-fixtures';

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
  const config = resolveConfig(schemaProvider, null, [...SETTINGS, ...extra]);
  const exp = prepareExperiment(DATA, config, 0);
  return { config, exp, model: initialized(new SasRec(config), exp.train) };
}

/** A sequence batch of the given [B, W] inputs (positives and mask are unused by the forward pass). */
function batchOf(inputs: number[][]): BatchTensors {
  const points = inputs.length * inputs[0].length;
  return {
    size: inputs.length,
    users: tf.zeros([inputs.length], 'int32'),
    inputs: tf.tensor2d(inputs, undefined, 'int32'),
    positives: tf.zeros([points], 'int32'),
    mask: tf.ones([points]),
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
  const scores = model.scoreAll(Int32Array.from([0, 1, 2]), exp.parts.test.history);
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

test('a few Adam steps lower the BCE loss on a tiny fixed batch', () => {
  const { exp, model } = setup();
  const sampler = new NegativeSampler(exp.train.sequences, NUM_ITEMS, 'uniform', true, stream(1, 'sampling', 'test'));
  const builder = new BatchBuilder(exp.train, 'sequences', L, 1, sampler);
  const batch = builder.build(builder.examples);
  const optimizer = tf.train.adam(0.01);
  const lossNow = (training: boolean) =>
    tf.tidy(() => {
      const t = tensorsOf(batch);
      const negatives = tf.tensor2d(batch.negatives, [batch.positives.length, 1], 'int32');
      const items = tf.concat([tf.expandDims(t.positives, 1), negatives], 1) as tf.Tensor2D;
      return lossOf('bce', model.logits(t, items, training), t.mask);
    });
  const initial = tf.tidy(() => lossNow(false).dataSync()[0]);
  for (let step = 0; step < 20; step++) tf.tidy(() => void optimizer.minimize(() => lossNow(true), false, model.variables()));
  const final = tf.tidy(() => lossNow(false).dataSync()[0]);
  assert.ok(final < initial * 0.8, `loss ${initial} -> ${final}`);
  // no tensor is left behind by a training step (the optimizer's slots exist after the first)
  const count = tf.memory().numTensors;
  tf.tidy(() => void optimizer.minimize(() => lossNow(true), false, model.variables()));
  assert.equal(tf.memory().numTensors, count);
  optimizer.dispose();
  model.dispose();
});

test('scoreAll gives the logits of the last position of the user\'s latest items, and leaks nothing', () => {
  const { model } = setup();
  const history = userLists([[0, 1, 2, 3, 4, 5, 0], [2], [], [1, 2, 1, 2, 1, 2, 3, 4, 5]]);
  const users = Int32Array.from([0, 1, 2, 3]);
  const count = tf.memory().numTensors;
  const scores = model.scoreAll(users, history);
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
  const config = resolveConfig(schemaProvider, null, [...SETTINGS, 'model.num_heads=3']);
  const exp = prepareExperiment(DATA, config, 0);
  assert.throws(() => initialized(new SasRec(config), exp.train), ConfigError);
});

test('scoreAll trims padding to the batch: a user scores the same alone as beside a longer history', () => {
  const { model } = setup();
  const history = userLists([[3, 1], [0, 1, 2, 3, 4, 5, 0], [4]]);
  const [alone, together] = tf.tidy(() => [
    model.scoreAll(Int32Array.from([0]), history).arraySync()[0],
    model.scoreAll(Int32Array.from([2, 0, 1]), history).arraySync()[1],
  ]);
  assert.deepEqual(alone, together);
  model.dispose();
});
