import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { Interactions } from '../../src/data/interactions';
import { DATA_SOURCES } from '../../src/data/sources';
import { isTrainable, type Model } from '../../src/models/model';
import { createModel, MODELS } from '../../src/models/registry';
import { prepareExperiment, type Experiment } from '../../src/run/experiment';
import { stream } from '../../src/random/streams';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { fitModel, scoreAll, scoreCandidates, tinyConfig } from '../helpers/tiny-models';

/**
 * The contract every registered model keeps, run over the registry: a new model gets all of these by being
 * registered. Per-model test files keep only what is particular to a model (its equations, its paper's
 * choices). Tiny synthetic data (40 users, 50 items) and small sizes keep each case well under a second.
 */

before(useCpu);

const reporter = new Reporter(true);

/**
 * Every registered model with its default keys, and the variants whose switches change the network (a
 * variant's label is the model's name and its settings).
 */
const VARIANTS: readonly { label: string; name: string; sets: string[] }[] = [
  ...Object.keys(MODELS).map((name) => ({ label: name, name, sets: [] })),
  { label: 'sasrec (attention time_aware)', name: 'sasrec', sets: ['model.attention=time_aware'] },
  { label: 'gru4rec (category concat)', name: 'gru4rec', sets: ['model.category=concat'] },
  { label: 'mtam (unit tseqrec)', name: 'mtam', sets: ['model.unit=tseqrec'] },
  { label: 'narm (attention dot)', name: 'narm', sets: ['model.attention=dot'] },
  { label: 'narm+ (attention time_aware)', name: 'narm', sets: ['model.attention=time_aware'] },
  { label: 'narm++ (attention time_aware, unit tgru)', name: 'narm', sets: ['model.attention=time_aware', 'model.unit=tgru'] },
  { label: 'dman (memory fifo: DMAN-FIFO)', name: 'dman', sets: ['model.memory=fifo'] },
  { label: 'dman (memory none: DMAN-XL)', name: 'dman', sets: ['model.memory=none'] },
  { label: 'dman (attention vanilla: DMAN-NRAN)', name: 'dman', sets: ['model.attention=vanilla'] },
  { label: 'ncf (pretrain_epochs 1)', name: 'ncf', sets: ['model.pretrain_epochs=1'] },
  { label: 'deepfm (item_id false)', name: 'deepfm', sets: ['model.item_id=false'] },
  { label: 'wide_deep (item_id false, hashed crosses)', name: 'wide_deep', sets: ['model.item_id=false', 'model.wide_buckets=97'] },
  { label: 'rum_item (memory_embedding separate)', name: 'rum_item', sets: ['model.memory_embedding=separate'] },
  { label: 'mars (variant no_text)', name: 'mars', sets: ['model.variant=no_text'] },
  { label: 'mars (variant embed)', name: 'mars', sets: ['model.variant=embed'] },
  { label: 'mars (variant no_attention, memory 3, own word tables)', name: 'mars', sets: ['model.variant=no_attention', 'model.memory=3', 'model.shared_words=false'] },
];

async function setup(name: string, sets: string[] = []): Promise<{ model: Model; exp: Experiment; data: Interactions }> {
  const config = tinyConfig(name, ['train.epochs=1', 'train.eval_every=0', ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config);
  await fitModel(model, exp.train, config, { reporter });
  return { model, exp, data };
}

const USERS = Int32Array.from([0, 3, 7, 11, 39]);

for (const { label, name, sets: variant } of VARIANTS) {
  test(`${label}: full scores are [users, items] and finite; candidate scores equal the same columns`, async () => {
    const { model, exp, data } = await setup(name, variant);
    const history = exp.parts.test.history;
    const full = scoreAll(model, USERS, history);
    assert.deepEqual(full.shape, [USERS.length, data.numItems]);
    const fullValues = full.arraySync();
    full.dispose();
    assert.ok(fullValues.flat().every(Number.isFinite));
    const width = 7;
    const rng = stream(5, 'sampling', 'contract');
    const candidates = Int32Array.from({ length: USERS.length * width }, () => rng.int(data.numItems));
    const picked = scoreCandidates(model, USERS, history, candidates, width);
    assert.deepEqual(picked.shape, [USERS.length, width]);
    const pickedValues = picked.arraySync();
    picked.dispose();
    for (let b = 0; b < USERS.length; b++) {
      for (let j = 0; j < width; j++) {
        const expected = fullValues[b][candidates[b * width + j]];
        const got = pickedValues[b][j];
        assert.ok(Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `user ${USERS[b]} candidate ${j}: ${got} != ${expected}`);
      }
    }
    model.dispose();
  });

  test(`${label}: a checkpoint restores the same scores into a fresh model`, async () => {
    const config = tinyConfig(name, variant);
    const { model, exp } = await setup(name, variant);
    const restored = createModel(config);
    restored.restore(await model.state(), exp.train);
    const a = scoreAll(model, USERS, exp.parts.test.history);
    const b = scoreAll(restored, USERS, exp.parts.test.history);
    assert.deepEqual(a.dataSync(), b.dataSync());
    tf.dispose([a, b]);
    model.dispose();
    restored.dispose();
  });

  test(`${label}: nothing of the validation and test items reaches the model`, async () => {
    // the same data with every held-out item replaced: a model that saw them would train or score differently
    const config = tinyConfig(name, ['train.epochs=1', 'train.eval_every=0', ...variant]);
    const data = await DATA_SOURCES.synthetic.load(config, reporter);
    const exp = prepareExperiment(data, config, 0);
    const items = Int32Array.from(data.items);
    for (const part of [exp.parts.valid, exp.parts.test]) {
      for (let u = 0; u < data.numUsers; u++) {
        const last = data.offsets[u + 1] - (part === exp.parts.test ? 1 : 2);
        if (part.targets.offsets[u + 1] > part.targets.offsets[u]) items[last] = (items[last] + 17) % data.numItems;
      }
    }
    const changed = prepareExperiment({ ...data, items }, config, 0);
    const models = [createModel(config), createModel(config)];
    await fitModel(models[0], exp.train, config, { reporter });
    await fitModel(models[1], changed.train, config, { reporter });
    assert.deepEqual(await models[0].state(), await models[1].state(), 'the learned state');
    const a = scoreAll(models[0], USERS, exp.parts.valid.history);
    const b = scoreAll(models[1], USERS, changed.parts.valid.history);
    assert.deepEqual(a.dataSync(), b.dataSync(), 'validation scores');
    tf.dispose([a, b]);
    models.forEach((m) => m.dispose());
  });
}

for (const { label, name, sets: variant } of VARIANTS) {
  const probe = createModel(tinyConfig(name, variant));
  if (!isTrainable(probe)) continue;
  test(`${label}: the tensor count after 3 epochs equals the count after 1`, async () => {
    const counts: number[] = [];
    for (const epochs of [1, 3]) {
      const { model } = await setup(name, [...variant, `train.epochs=${epochs}`]);
      counts.push(tf.memory().numTensors);
      model.dispose();
    }
    assert.equal(counts[1], counts[0]);
  });

  test(`${label}: same config and seed on cpu give identical weights and scores (native: compute/native-training)`, async () => {
    const a = await setup(name, [...variant, 'train.epochs=2']);
    const b = await setup(name, [...variant, 'train.epochs=2']);
    assert.deepEqual(await a.model.state(), await b.model.state());
    const sa = scoreAll(a.model, USERS, a.exp.parts.test.history);
    const sb = scoreAll(b.model, USERS, b.exp.parts.test.history);
    assert.deepEqual(sa.dataSync(), sb.dataSync());
    tf.dispose([sa, sb]);
    a.model.dispose();
    b.model.dispose();
  });

  test(`${label}: Adam steps on one fixed batch lower its loss, and a step leaves no tensor behind`, async () => {
    const config = tinyConfig(name, [...variant, 'train.lr=0.01']);
    const data = await DATA_SOURCES.synthetic.load(config, reporter);
    const exp = prepareExperiment(data, config, 0);
    const model = createModel(config);
    if (!isTrainable(model)) throw new Error('not trainable');
    model.init(exp.train);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
    const batch = session.source.epoch(stream(1, 'shuffle'), 32).build(0);
    const first = await session.run(batch);
    const counted = tf.memory().numTensors;
    let last = first;
    for (let step = 0; step < 30; step++) last = await session.run(batch);
    assert.equal(tf.memory().numTensors, counted, 'tensors after 30 more steps');
    assert.ok(last < first, `loss ${first} -> ${last}`);
    session.dispose();
    model.dispose();
  });
}
