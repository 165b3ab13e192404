import { loadConfig } from '../../src/schema/config-flags';
import { scoreAll } from '../helpers/tiny-models';
import { createModel } from '../../src/models/registry';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { bprMaxLoss, Gru4Rec } from '../../src/models/baselines/gru4rec';
import type { NeuralModel } from '../../src/models/neural-model';
import { lastWindows as lastItems } from '../../src/data/windows';
import type { TrainData } from '../../src/models/model';
import type { BatchTensors } from '../../src/models/batch';
import { prepareExperiment } from '../../src/run/experiment';
import type { TrainBatch } from '../../src/train/batches/batch';
import { useCpu } from '../helpers/backend';
import { assertClose, initialized, objective, SEQUENCE_DATA, tensorsOf, wholeBatch } from '../helpers/model-fixtures';

before(useCpu);

const DATA = SEQUENCE_DATA;
const NUM_ITEMS = DATA.numItems;
const NEGATIVES = 3;

function setup(extra: string[] = []) {
  const config = loadConfig(null, [
    'model.name=gru4rec',
    'model.dim=8',
    'model.embedding_dim=6',
    'model.max_length=4',
    ...extra,
  ]);
  const exp = prepareExperiment(DATA, config, 0);
  return { config, exp, model: initialized((createModel(config) as Gru4Rec), exp.train) };
}

function sequenceBatch(train: TrainData, length: number): TrainBatch {
  return wholeBatch(train, 'sequences', length, NEGATIVES);
}

const allUsers = () => Int32Array.from({ length: DATA.numUsers }, (_, u) => u);

test('forward shapes of logits, fullLogits and scoreAll', () => {
  const { exp, model } = setup(['model.num_layers=2']);
  const batch = sequenceBatch(exp.train, 4);
  // users 0..3 have at least two training items; user 4 has none
  assert.equal(batch.size, 4);
  tf.tidy(() => {
    const t = tensorsOf(batch);
    const items = tf.concat([tf.expandDims(t.positives, 1), tf.tensor2d(batch.negatives, [16, NEGATIVES], 'int32')], 1) as tf.Tensor2D;
    assert.deepEqual(model.logits(t, items, false).shape, [16, 1 + NEGATIVES]);
    assert.deepEqual(model.fullLogits(t, false).shape, [16, NUM_ITEMS]);
    assert.deepEqual(scoreAll(model, allUsers(), exp.parts.test.history.lists).shape, [DATA.numUsers, NUM_ITEMS]);
  });
  model.dispose();
});

test('scoreAll equals the logits (and full logits) at the last input position', () => {
  const { exp, model } = setup(['model.num_layers=2', 'model.dropout=0.5']);
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
    assertClose(tf.gather(model.logits(batch, every, false), lastRows).dataSync(), scores.dataSync(), 'logits');
    assertClose(tf.gather(model.fullLogits(batch, false), lastRows).dataSync(), scores.dataSync(), 'full logits');
  });
  model.dispose();
});

test('left padding does not change the scores: max_length 4 and 9 agree on short histories', () => {
  const short = setup(['model.num_layers=2']);
  const long = setup(['model.num_layers=2', 'model.max_length=9']);
  // every test history has at most 7 items; the same seed gives the same weights
  const history = short.exp.parts.test.history.lists;
  const users = Int32Array.from([2, 4]);
  tf.tidy(() => {
    assert.ok([2, 4].every((u) => history.offsets[u + 1] - history.offsets[u] <= 4));
    assertClose(scoreAll(long.model, users, history).dataSync(), scoreAll(short.model, users, history).dataSync(), 'scores');
  });
  short.model.dispose();
  long.model.dispose();
});

test('dropout acts only in training', () => {
  const { exp, model } = setup(['model.dropout=0.5']);
  const batch = sequenceBatch(exp.train, 4);
  tf.tidy(() => {
    const t = tensorsOf(batch);
    const a = model.fullLogits(t, false).dataSync();
    assert.deepEqual(model.fullLogits(t, false).dataSync(), a);
    assert.notDeepEqual(model.fullLogits(t, true).dataSync(), a);
  });
  model.dispose();
});

for (const loss of ['sampled_softmax', 'bpr', 'full_softmax'] as const) {
  test(`a few Adam steps lower the ${loss} loss on a fixed batch`, () => {
    const { exp, model } = setup();
    const batch = sequenceBatch(exp.train, 4);
    const optimizer = tf.train.adam(0.01);
    const lossValue = () => tf.tidy(() => objective(model, batch, loss).dataSync()[0]);
    const start = lossValue();
    for (let k = 0; k < 10; k++) optimizer.minimize(() => objective(model, batch, loss), false, model.variables());
    const end = lossValue();
    assert.ok(end < start - 0.05, `${loss}: ${start} -> ${end}`);
    optimizer.dispose();
    model.dispose();
  });
}

test('BPR-max: −log Σ s_j σ(r_i − r_j) + bpreg Σ s_j r_j², s = softmax over the negatives, as printed', () => {
  const rows = [
    [2, 1, 3, 0],
    [0.5, 0.5, -1, 2],
    [9, 9, 9, 9],
  ];
  const mask = [1, 1, 0];
  const bpreg = 0.5;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const perRow = rows.map(([pos, ...neg]) => {
    const e = neg.map((r) => Math.exp(r - Math.max(...neg)));
    const s = e.map((v) => v / e.reduce((a, b) => a + b, 0));
    const ranking = -Math.log(s.reduce((sum, sj, j) => sum + sj * sigmoid(pos - neg[j]), 0) + 1e-24);
    return ranking + bpreg * s.reduce((sum, sj, j) => sum + sj * neg[j] ** 2, 0);
  });
  const expected = (perRow[0] + perRow[1]) / 2;
  const got = tf.tidy(() => bprMaxLoss(tf.tensor2d(rows), tf.tensor1d(mask), bpreg).dataSync()[0]);
  assert.ok(Math.abs(got - expected) < 1e-5, `${got} != ${expected}`);
});

test('train.loss=bpr_max is GRU4Rec\'s own: other models refuse it by name', () => {
  const gru = createModel(loadConfig(null, ['model.name=gru4rec', 'train.loss=bpr_max'])) as Gru4Rec;
  assert.doesNotThrow(() => gru.checkTraining());
  assert.equal(gru.lossName, 'bpr_max');
  const sasrec = createModel(loadConfig(null, ['model.name=sasrec', 'train.loss=bpr_max'])) as NeuralModel;
  assert.throws(() => sasrec.checkTraining(), /train\.loss: bpr_max is not available for this model/);
});

test('model.category: none is GRU4Rec\'s network; concat and sum add the category weights last and read the categories', async () => {
  const none = setup();
  const withCategory = setup(['model.category=concat']);
  const plain = await none.model.state();
  const joined = await withCategory.model.state();
  assert.deepEqual(Object.keys(joined).filter((name) => !(name in plain)).sort(), ['behaviour_projection', 'category_embedding']);
  for (const name of Object.keys(plain)) assert.deepEqual(joined[name], plain[name], `${name} drawn as without categories`);
  const users = allUsers();
  const history = none.exp.parts.test.history.lists;
  // the same weights (restored) read under other categories
  const scores = async (model: Gru4Rec, train: TrainData) => {
    model.restore(await model.state(), train);
    return tf.tidy(() => scoreAll(model, users, history).arraySync());
  };
  // two categories (the fixture has none), then every item moved to the other one
  const categorised = (shift: number): TrainData => ({ ...none.exp.train, numCategories: 2, itemCategory: Int32Array.from({ length: NUM_ITEMS }, (_, i) => (i + shift) % 2) });
  const [train, moved] = [categorised(0), categorised(1)];
  assert.deepEqual(await scores(none.model, train), await scores(none.model, moved), 'none ignores categories');
  for (const [label, model] of [['concat', withCategory.model], ['sum', setup(['model.category=sum']).model]] as const) {
    model.init(train);
    const a = await scores(model, train);
    const b = await scores(model, moved);
    assert.ok(a.some((row, u) => row.some((v, i) => Math.abs(v - b[u][i]) > 1e-6)), `${label} reads the categories`);
    model.dispose();
  }
  none.model.dispose();
});
