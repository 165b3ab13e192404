import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedConfig } from '../../src/config/resolved';
import { DATA_SOURCES } from '../../src/data/sources';
import { createModel } from '../../src/models/registry';
import type { NeuralModel } from '../../src/models/neural-model';
import { prepareExperiment } from '../../src/run/experiment';
import { Reporter } from '../../src/util/reporter';
import type { RunError } from '../../src/util/errors';
import { useCpu } from '../helpers/backend';
import { tinyConfig, fitModel } from '../helpers/tiny-models';
import { TrainingSession, trainModel, type TrainingCheckpoint } from '../../src/train/trainer';
import { TRAIN_KEYS } from '../../src/train/schema';

before(useCpu);

async function trained(config: ResolvedConfig, validate: ((m: unknown) => Promise<number>) | null = null) {
  const reporter = new Reporter(true);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as NeuralModel;
  await fitModel(model, exp.train, config, { reporter, validate });
  return { model, exp, reporter };
}

test('early stopping keeps the best validated epoch and stops after `patience` validations without gain', async () => {
  const values = [0.1, 0.3, 0.2, 0.25, 0.9];
  const states: unknown[] = [];
  let calls = 0;
  let model: NeuralModel | null = null;
  const validate = async () => {
    states.push(await (model as NeuralModel).state());
    return values[calls++];
  };
  const config = tinyConfig('bpr', ['train.epochs=5', 'train.patience=2']);
  const reporter = new Reporter(true);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  model = createModel(config) as NeuralModel;
  await fitModel(model, exp.train, config, { reporter, validate });
  assert.equal(calls, 4, 'epochs 3 and 4 bring no gain over epoch 2: stop after epoch 4');
  assert.deepEqual(await model.state(), states[1], 'the weights of epoch 2 are restored');
  model.dispose();
});

test('train.adam_beta1 and train.adam_beta2 reach the Adam optimizer', async () => {
  const config = tinyConfig('bpr', ['train.optimizer=adam', 'train.adam_beta1=0.8', 'train.adam_beta2=0.98']);
  const data = await DATA_SOURCES.synthetic.load(config, new Reporter(true));
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as NeuralModel;
  model.init(exp.train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, config.int('seed'));
  const settings = session.optimizers[0].getConfig();
  assert.equal(settings.beta1, 0.8);
  assert.equal(settings.beta2, 0.98);
  session.dispose();
  model.dispose();
});

test('a non-finite loss stops training with the epoch, the batch and the keys to look at', async () => {
  const config = tinyConfig('bpr', ['train.optimizer=sgd', 'train.lr=1e30', 'model.init_std=1e10', 'train.epochs=3', 'train.eval_every=0']);
  await assert.rejects(trained(config), (err: Error) => {
    assert.match(err.message, /^error: epoch 1, batch \d+: the loss is (NaN|Infinity); training stopped \(lower train\.lr, or check the model's init keys\)$/);
    assert.equal((err as RunError).exitCode, 1);
    return true;
  });
});

/** bpr trained under `sets`, with every epoch's checkpoint, optionally resumed from one. */
async function checkpointed(sets: string[], resumeFrom: TrainingCheckpoint | null = null) {
  const config = tinyConfig('bpr', ['train.eval_every=0', ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, new Reporter(true));
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as NeuralModel;
  model.init(exp.train);
  const checkpoints: TrainingCheckpoint[] = [];
  await trainModel(model, {
    train: exp.train,
    settings: config.params('train', TRAIN_KEYS),
    seed: config.int('seed'),
    reporter: new Reporter(true),
    label: 'bpr',
    source: config.source,
    validate: null,
    onEpoch: (checkpoint) => checkpoints.push(checkpoint),
    resumeFrom,
  });
  const weights = await model.state();
  model.dispose();
  return { checkpoints, weights, interactions: exp.train.sequences.items.length };
}

test('train.lr_decay_steps decays the learning rate every N steps, the count going on across epochs', async () => {
  const { checkpoints, interactions } = await checkpointed(['train.epochs=3', 'train.lr=0.01', 'train.lr_decay=0.5', 'train.lr_decay_steps=4']);
  // pairs batches: one example per training interaction, 32 a batch
  const perEpoch = Math.ceil(interactions / 32);
  assert.ok(perEpoch % 4 !== 0, 'the epochs end between two decays, so a count restarted per epoch would differ');
  for (const [k, checkpoint] of checkpoints.entries()) {
    const steps = perEpoch * (k + 1);
    assert.equal(checkpoint.steps, steps);
    let rate = 0.01;
    for (let s = 4; s <= steps; s += 4) rate /= 2;
    assert.equal(checkpoint.learningRate, rate, `epoch ${k + 1}: 0.01 · 0.5^⌊${steps}/4⌋`);
  }
});

test('train.lr_decay_steps 0 keeps the per-epoch decay; resuming keeps a per-step schedule exact', async () => {
  const perEpoch = await checkpointed(['train.epochs=2', 'train.lr=0.01', 'train.lr_decay=0.5']);
  assert.deepEqual(perEpoch.checkpoints.map((c) => c.learningRate), [0.005, 0.0025]);
  const sets = ['train.epochs=3', 'train.lr=0.01', 'train.lr_decay=0.5', 'train.lr_decay_steps=4'];
  const whole = await checkpointed(sets);
  const resumed = await checkpointed(sets, whole.checkpoints[0]);
  assert.equal(resumed.checkpoints[1].steps, whole.checkpoints[2].steps);
  assert.equal(resumed.checkpoints[1].learningRate, whole.checkpoints[2].learningRate);
  assert.deepEqual(resumed.weights, whole.weights, 'the resumed run ends with the uninterrupted run\'s weights');
});
