import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DATA_SOURCES } from '../../src/data/sources';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import { stream } from '../../src/random/streams';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession, toTensors } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { scoreAll, tinyConfig } from '../helpers/tiny-models';

before(useCpu);

async function tiny(name: string, sets: string[] = []) {
  const config = tinyConfig(name, ['train.epochs=1', 'train.eval_every=0', ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, new Reporter(true));
  const exp = prepareExperiment(data, config, 0);
  return { config, exp, model: createModel(config) as NeuralModel };
}

type M = number[][];
const matrix = (state: Awaited<ReturnType<NeuralModel['state']>>, name: string): M => {
  const { data, shape } = state[name];
  return Array.from({ length: shape[0] }, (_, r) => Array.from(data.subarray(r * shape[1], (r + 1) * shape[1])));
};

test('mtam: model.category concat is relu([E_item, C_category] W_b) + P_position, "no category" items on row 0', async () => {
  const { exp, model } = await tiny('mtam');
  const itemCategory = Int32Array.from(exp.train.itemCategory);
  itemCategory[4] = -1;
  const train: TrainData = { ...exp.train, itemCategory };
  model.init(train);
  const state = await model.state();
  const [E, C, W, P] = ['item_embedding', 'category_embedding', 'behaviour_projection', 'position_embedding'].map((n) => matrix(state, n));
  assert.equal(C.length, train.numCategories + 1);
  const inputs = [[0, 5, 2, 9, 1], [3, 3, 50, 17, 8]]; // shifted: item + 1; input 5 is item 4, which has no category
  const got = tf.tidy(() => (model as unknown as { behaviourEmbedding(x: tf.Tensor2D): tf.Tensor3D }).behaviourEmbedding(tf.tensor2d(inputs, [2, 5], 'int32')).arraySync());
  const d = E[0].length;
  for (const [b, row] of inputs.entries()) {
    for (const [s, shifted] of row.entries()) {
      if (shifted === 0) continue;
      const item = shifted - 1;
      const joined = [...E[item], ...C[itemCategory[item] + 1]];
      const expected = Array.from({ length: d }, (_, j) => Math.max(0, joined.reduce((sum, x, k) => sum + x * W[k][j], 0)) + P[s][j]);
      assertClose(got[b][s], expected, `row ${b} step ${s}`);
    }
  }
  model.dispose();
});

test('mtam: the category changes the scores; sources without categories get the one "no category" row', async () => {
  const { exp, model } = await tiny('mtam');
  const history = exp.parts.test.history;
  const users = Int32Array.from([0, 1, 2, 3]);
  const scores = (train: TrainData) => {
    model.init(train);
    const out = scoreAll(model, users, history);
    const values = out.arraySync();
    out.dispose();
    return values;
  };
  const base = scores(exp.train);
  // every item of user 0's history moves to another category: same weights (same seed and shapes), other scores
  const moved = Int32Array.from(exp.train.itemCategory, (c) => (c + 1) % exp.train.numCategories);
  const other = scores({ ...exp.train, itemCategory: moved });
  assert.ok(base[0].some((x, i) => Math.abs(x - other[0][i]) > 1e-6), 'the category enters the behaviour embedding');
  const none = scores({ ...exp.train, itemCategory: new Int32Array(exp.train.numItems).fill(-1), numCategories: 0 });
  assert.equal((await model.state()).category_embedding.shape[0], 1);
  assert.ok(none.flat().every(Number.isFinite));
  model.dispose();
});

test('mtam: tie_output scores with the item embeddings; false adds a separate output matrix', async () => {
  const tied = await tiny('mtam');
  tied.model.init(tied.exp.train);
  assert.ok(!('output_items' in (await tied.model.state())));
  tied.model.dispose();
  const untied = await tiny('mtam', ['model.tie_output=false', 'model.category=none']);
  untied.model.init(untied.exp.train);
  assert.deepEqual((await untied.model.state()).output_items.shape, [untied.exp.train.numItems, 8]);
  untied.model.dispose();
});

for (const name of ['mtam', 'tgru']) {
  test(`${name}: a sampled_softmax step's loss is logsumexp(positive, negatives) − positive of the full scores, averaged`, async () => {
    const { config, exp, model } = await tiny(name, ['train.loss=sampled_softmax', 'train.num_negatives=3', 'model.dropout=0']);
    model.init(exp.train);
    model.checkTraining();
    assert.equal(model.negativesPerPoint, 3);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, config.int('seed'));
    const batch = session.source.epoch(stream(1, 'shuffle'), 16).build(0);
    const tensors = toTensors(batch);
    const loss = tf.tidy(() => model.loss(tensors, false).dataSync()[0]);
    const full = tf.tidy(() => (model.fullLogits as NonNullable<NeuralModel['fullLogits']>)(tensors, false).arraySync());
    const [positives, mask, negatives] = [tensors.positives.arraySync(), tensors.mask.arraySync(), (tensors.negatives as tf.Tensor2D).arraySync()];
    let sum = 0;
    let count = 0;
    for (const [p, row] of full.entries()) {
      if (mask[p] === 0) continue;
      const logits = [row[positives[p]], ...negatives[p].map((i) => row[i])];
      const top = Math.max(...logits);
      sum += top + Math.log(logits.reduce((s, x) => s + Math.exp(x - top), 0)) - logits[0];
      count++;
    }
    assert.ok(count > 0 && negatives[0].length === 3);
    assert.ok(Math.abs(loss - sum / count) < 1e-5, `${loss} != ${sum / count}`);
    tf.dispose([tensors.users, tensors.inputs as tf.Tensor, tensors.positives, tensors.mask, tensors.negatives as tf.Tensor, ...Object.values(tensors.fields)]);
    session.dispose();
    model.dispose();
  });
}
