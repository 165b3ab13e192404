import { loadConfig } from '../../src/schema/config-flags';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Dream, DREAM_ITEM_INIT_RANGE } from '../../src/models/baselines/dream';
import { lastWindows as lastItems } from '../../src/data/windows';
import type { TrainData } from '../../src/models/model';
import type { BatchTensors } from '../../src/models/batch';
import { createModel, MODELS } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import type { TrainBatch } from '../../src/train/batches/batch';
import { useCpu } from '../helpers/backend';
import { assertClose, initialized, SEQUENCE_DATA, tensorsOf, wholeBatch } from '../helpers/model-fixtures';
import { tinyData, userLists } from '../helpers/tiny-data';
import { scoreAll } from '../helpers/tiny-models';

before(useCpu);

const DATA = SEQUENCE_DATA;
const NUM_ITEMS = DATA.numItems;
const NEGATIVES = 3;
const CELLS = ['rnn', 'rnn_tanh', 'gru'] as const;

function setup(extra: string[] = []) {
  const config = loadConfig(null, ['model.name=dream', 'model.dim=6', 'model.max_length=4', ...extra]);
  const exp = prepareExperiment(DATA, config, 0);
  return { config, exp, model: initialized((createModel(config) as Dream), exp.train) };
}

function sequenceBatch(train: TrainData, length: number): TrainBatch {
  return wholeBatch(train, 'sequences', length, NEGATIVES);
}

const allUsers = () => Int32Array.from({ length: DATA.numUsers }, (_, u) => u);

test('registered as dream with the paper\'s defaults: d = 50, the sigmoid RNN cell, BPR', () => {
  assert.equal(MODELS.dream.name, 'dream');
  const config = loadConfig(null, ['model.name=dream']);
  assert.equal(config.int('model.dim'), 50);
  assert.equal(config.int('model.max_length'), 50);
  assert.equal(config.str('model.cell'), 'rnn');
  const model = createModel(config) as Dream;
  assert.equal(model.batchKind, 'sequences');
  assert.equal(model.lossName, 'bpr');
});

test('one item matrix N serves input and output: the rnn cell has exactly N, X and R (no biases)', async () => {
  const { model } = setup();
  const state = await model.state();
  assert.deepEqual(Object.keys(state), ['item_embedding', 'rnn_input', 'rnn_recurrent']);
  assert.deepEqual(state.item_embedding.shape, [NUM_ITEMS, 6]);
  assert.deepEqual(state.rnn_input.shape, [6, 6]);
  assert.deepEqual(state.rnn_recurrent.shape, [6, 6]);
  assert.ok(Math.max(...Array.from(state.item_embedding.data, Math.abs)) <= DREAM_ITEM_INIT_RANGE);
  model.dispose();
  const tanh = setup(['model.cell=rnn_tanh']).model;
  assert.deepEqual(Object.keys(await tanh.state()), ['item_embedding', 'rnn_input', 'rnn_recurrent']);
  tanh.dispose();
  const gru = setup(['model.cell=gru']).model;
  assert.deepEqual(Object.keys(await gru.state()), ['item_embedding', 'gru_input', 'gru_recurrent', 'gru_bias']);
  gru.dispose();
});

/**
 * The d = 2 example: items n_0 = (0.5, −0.2), n_1 = (0.1, 0.3), n_2 = (−0.4, 0.6); X and R act on row vectors
 * (x X + h R: the paper's X b + R h with X, R transposed); the history is item 0, then item 2; h_0 = 0.
 *   step 1: n_0 X = (0.5·0.2 − 0.2·0.4, −0.5·0.1 − 0.2·0.3) = (0.02, −0.11)
 *   step 2: n_2 X = (−0.08 + 0.24, 0.04 + 0.18) = (0.16, 0.22), plus h_1 R = (0.5 h_1[0] − 0.3 h_1[1], 0.1 h_1[0] + 0.2 h_1[1])
 * rnn (sigmoid):
 *   h_1 = (σ(0.02), σ(−0.11)) = (0.5049998, 0.4725277);  h_1 R = (0.1107416, 0.1445055)
 *   h_2 = (σ(0.2707416), σ(0.3645055)) = (0.5672750, 0.5902516)
 * rnn_tanh:
 *   h_1 = (tanh 0.02, tanh −0.11) = (0.0199973, −0.1095585);  h_1 R = (0.0428662, −0.0199120)
 *   h_2 = (tanh 0.2028662, tanh 0.2000880) = (0.2001283, 0.1974599)
 * and o_i = h · n_i.
 */
const HAND = {
  rnn: { h1: [0.5049998, 0.4725277], h2: [0.567275, 0.5902516], o2: [0.1655872, 0.233803, 0.127241] },
  rnn_tanh: { h1: [0.0199973, -0.1095585], h2: [0.2001283, 0.1974599], o2: [0.0605722, 0.0792508, 0.0384246] },
};

for (const cell of ['rnn', 'rnn_tanh'] as const) {
  test(`${cell}: hand-computed recurrence and scores (d = 2, two steps, given weights)`, () => {
    const config = loadConfig(null, ['model.name=dream', 'model.dim=2', 'model.max_length=3', `model.cell=${cell}`]);
    const train = prepareExperiment(tinyData([[0, 2, 1, 1]], 3), config, 0).train;
    const model = (createModel(config) as Dream);
    const N = [0.5, -0.2, 0.1, 0.3, -0.4, 0.6];
    model.restore(
      {
        item_embedding: { data: Float32Array.from(N), shape: [3, 2] },
        rnn_input: { data: Float32Array.from([0.2, -0.1, 0.4, 0.3]), shape: [2, 2] },
        rnn_recurrent: { data: Float32Array.from([0.5, 0.1, -0.3, 0.2]), shape: [2, 2] },
      },
      train,
    );
    const { h1, h2, o2 } = HAND[cell];
    const scores = (h: number[]) => [0, 1, 2].map((i) => h[0] * N[2 * i] + h[1] * N[2 * i + 1]);
    assertClose(scores(h2), o2, 'hand scores');
    tf.tidy(() => {
      // scoreAll reads the last max_length = 3 history items, left-padded: [pad, 0, 2]
      assertClose(scoreAll(model, Int32Array.from([0]), userLists([[0, 2]])).dataSync(), o2, 'scoreAll');
      const batch: BatchTensors = {
        size: 1,
        users: tf.tensor1d([0], 'int32'),
        inputs: tf.tensor2d([[0, 1, 3]], [1, 3], 'int32'),
        positives: tf.zeros([3], 'int32'),
        mask: tf.ones([3]),
        negatives: null,
        fields: {},
        state: null,
      };
      // the padding step leaves h_0 = 0, so its scores are 0
      assertClose(model.fullLogits(batch).dataSync(), [0, 0, 0, ...scores(h1), ...o2], 'scores at every step');
      const items = tf.tensor2d([[2, 0], [1, 2], [0, 1]], [3, 2], 'int32');
      assertClose(model.logits(batch, items).dataSync(), [0, 0, scores(h1)[1], scores(h1)[2], o2[0], o2[1]], 'logits');
    });
    model.dispose();
  });
}

for (const cell of CELLS) {
  test(`${cell}: forward shapes of logits, fullLogits and scoreAll`, () => {
    const { exp, model } = setup([`model.cell=${cell}`]);
    const batch = sequenceBatch(exp.train, 4);
    // users 0..3 have at least two training items; user 4 has none
    assert.equal(batch.size, 4);
    tf.tidy(() => {
      const t = tensorsOf(batch);
      const items = tf.concat([tf.expandDims(t.positives, 1), tf.tensor2d(batch.negatives, [16, NEGATIVES], 'int32')], 1) as tf.Tensor2D;
      assert.deepEqual(model.logits(t, items).shape, [16, 1 + NEGATIVES]);
      assert.deepEqual(model.fullLogits(t).shape, [16, NUM_ITEMS]);
      assert.deepEqual(scoreAll(model, allUsers(), exp.parts.test.history.lists).shape, [DATA.numUsers, NUM_ITEMS]);
    });
    model.dispose();
  });

  test(`${cell}: scoreAll equals the logits (and full logits) at the last input position`, () => {
    const { exp, model } = setup([`model.cell=${cell}`]);
    const users = allUsers();
    const history = exp.parts.test.history.lists;
    tf.tidy(() => {
      const scores = scoreAll(model, users, history);
      const batch: BatchTensors = {
        size: users.length,
        users: tf.tensor1d(users, 'int32'),
        inputs: tf.tensor2d(lastItems(history, users, 4), [users.length, 4], 'int32'),
        positives: tf.zeros([users.length * 4], 'int32'),
        mask: tf.ones([users.length * 4]),
        negatives: null,
        fields: {},
        state: null,
      };
      const every = tf.tile(tf.expandDims(tf.range(0, NUM_ITEMS, 1, 'int32'), 0), [users.length * 4, 1]) as tf.Tensor2D;
      const lastRows = tf.range(3, users.length * 4, 4, 'int32');
      assertClose(tf.gather(model.logits(batch, every), lastRows).dataSync(), scores.dataSync(), 'logits');
      assertClose(tf.gather(model.fullLogits(batch), lastRows).dataSync(), scores.dataSync(), 'full logits');
    });
    model.dispose();
  });

  test(`${cell}: left padding does not change the scores (max_length 4 and 9 agree on short histories)`, () => {
    const short = setup([`model.cell=${cell}`]);
    const long = setup([`model.cell=${cell}`, 'model.max_length=9']);
    const history = short.exp.parts.test.history.lists;
    const users = Int32Array.from([2, 4]);
    tf.tidy(() => {
      assert.ok([2, 4].every((u) => history.offsets[u + 1] - history.offsets[u] <= 4));
      assertClose(scoreAll(long.model, users, history).dataSync(), scoreAll(short.model, users, history).dataSync(), 'scores');
    });
    short.model.dispose();
    long.model.dispose();
  });
}

