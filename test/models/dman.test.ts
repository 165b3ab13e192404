import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DATA_SOURCES } from '../../src/data/sources';
import type { Dman } from '../../src/models/memory/dman/dman';
import type { StepOutput } from '../../src/models/model';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { createOptimizer } from '../../src/train/optimizers';
import { TRAIN_KEYS } from '../../src/train/schema';
import { toTensors, TrainingSession } from '../../src/train/trainer';
import { ConfigError } from '../../src/util/errors';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { carriedLastLogits, trainingInputs } from '../helpers/streaming';
import { scoreAll, tinyConfig } from '../helpers/tiny-models';

/**
 * DMAN's training and scoring as the paper has them (src/models/memory/dman/dman.ts): the alternating updates
 * (the L_ae step moves the routing weights and nothing else, the likelihood step everything else), users
 * shorter than a window, and the bad settings that must stop a run with the key named.
 */
before(useCpu);

const reporter = new Reporter(true);

async function setup(sets: string[] = []) {
  const config = tinyConfig('dman', ['train.lr=0.01', ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as Dman;
  model.init(exp.train);
  return { config, exp, model };
}

function snapshot(model: Dman): Map<tf.Variable, Float32Array> {
  return new Map(model.variables().map((v) => [v, Float32Array.from(v.dataSync() as Float32Array)]));
}

function changed(model: Dman, before: Map<tf.Variable, Float32Array>): Set<tf.Variable> {
  return new Set(model.variables().filter((v) => (v.dataSync() as Float32Array).some((x, k) => x !== (before.get(v) as Float32Array)[k])));
}

const lossOf = (out: StepOutput) => (out instanceof tf.Tensor ? out : out.loss);

test('alternating updates: the L_ae step changes only the routing weights, though L_ae depends on the attention; the likelihood step never touches them', async () => {
  const { config, exp, model } = await setup(['model.num_blocks=2']);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
  const plan = session.source.epoch(stream(1, 'shuffle'), 8);
  const [likelihood, reconstruction] = model.trainSteps();
  assert.deepEqual(model.trainSteps().map((s) => s.name), ['likelihood', 'reconstruction']);
  const routing = new Set(model.routingVariables());
  assert.equal(routing.size, 2, 'one routing matrix per layer');

  // the second batch continues the first one's lanes: they have a previous window, so L_ae is not vacuous
  const first = toTensors(plan.build(0), null);
  const carried = tf.tidy(() => {
    const out = reconstruction.loss(first, true) as { state: Record<string, tf.Tensor> };
    return out.state;
  });
  const batch = toTensors(plan.build(1), carried);
  const attention = model.variables().filter((v) => v.name.includes('recurrent'));
  const grads = tf.variableGrads(() => lossOf(reconstruction.loss(batch, true)), attention);
  assert.ok(Object.values(grads.grads).some((g) => tf.max(tf.abs(g)).dataSync()[0] > 0), 'L_ae has a gradient on the attention weights');
  tf.dispose([grads.value, ...Object.values(grads.grads)]);

  for (const [step, expected] of [
    [reconstruction, (v: tf.Variable) => routing.has(v)],
    [likelihood, (v: tf.Variable) => !routing.has(v)],
  ] as const) {
    const before = snapshot(model);
    const optimizer = createOptimizer('adam', 0.01);
    optimizer.minimize(() => lossOf(step.loss(batch, true)), false, step.variables());
    const moved = changed(model, before);
    for (const v of model.variables()) {
      if (expected(v)) assert.ok(moved.has(v) || v.name.startsWith('memory_init') || v.name.startsWith('position'), `${step.name} step: ${v.name} should move`);
      else assert.ok(!moved.has(v), `${step.name} step moved ${v.name}`);
    }
    assert.ok(moved.size > 0);
    optimizer.dispose();
  }
  tf.dispose([...Object.values(carried)]);
  session.dispose();
  model.dispose();
});

test('the variants: XL has no memory weights, FIFO no routing weights and one step; NRAN has the same weights as DMAN', async () => {
  const names = async (sets: string[]) => {
    const { model } = await setup(sets);
    const out = { weights: Object.keys(await model.state()).sort(), steps: model.trainSteps().length };
    model.dispose();
    return out;
  };
  const full = await names([]);
  const xl = await names(['model.memory=none']);
  const fifo = await names(['model.memory=fifo']);
  const nran = await names(['model.attention=vanilla']);
  assert.equal(full.steps, 2);
  assert.equal(xl.steps, 1);
  assert.equal(fifo.steps, 1);
  assert.deepEqual(nran, full);
  assert.ok(!xl.weights.some((w) => /long|gate|memory|routing/.test(w)), xl.weights.join(' '));
  assert.deepEqual(fifo.weights, full.weights.filter((w) => !w.includes('routing')));
});

test('a user shorter than one window is one left-padded window: trained on and scored, never dropped', async () => {
  // windows of 8 over users of 3..12 items: the short users have a single, padded window
  const { config, exp, model } = await setup(['model.window=8', 'data.synthetic.min_length=3']);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
  const lengths = Array.from({ length: exp.train.numUsers }, (_, u) => exp.train.sequences.offsets[u + 1] - exp.train.sequences.offsets[u]);
  const short = lengths.findIndex((n) => n >= 2 && n <= 8);
  assert.ok(short >= 0, 'the data has a user shorter than a window');
  const plan = session.source.epoch(stream(1, 'shuffle'), 64);
  const seen = new Set<number>();
  for (let k = 0; k < plan.batches; k++) plan.build(k).users.forEach((u) => seen.add(u));
  assert.ok(seen.has(short), 'the short user is streamed');
  const scores = scoreAll(model, Int32Array.from([short]), exp.parts.test.history);
  assert.ok(Array.from(scores.dataSync()).every(Number.isFinite));
  scores.dispose();
  session.dispose();
  model.dispose();
});

test('bad settings: T = 0 and m = 0 name their key; a window longer than every user is a config error (exit 2) naming model.window', async () => {
  assert.throws(() => loadConfig(null, ['model.name=dman', 'model.window=0']), /model\.window/);
  assert.throws(() => loadConfig(null, ['model.name=dman', 'model.slots=0']), /model\.slots/);
  const config = tinyConfig('dman', ['model.window=13']);
  const data = await DATA_SOURCES.synthetic.load(config, reporter);
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config);
  assert.throws(
    () => model.init(exp.train),
    (err: Error) => err instanceof ConfigError && err.exitCode === 2 && /model\.window: 13 is longer than every user's training sequence/.test(err.message) && !err.message.includes('\n'),
  );
});

test('scoring streams a history exactly as training carries the state: the same logits at the last position', async () => {
  for (const sets of [[], ['model.memory=fifo'], ['model.attention=vanilla']]) {
    const { config, exp, model } = await setup(['model.window=3', 'model.num_blocks=2', ...sets]);
    const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
    const steps = model.trainSteps();
    const candidates = tf.tensor2d(Int32Array.from({ length: 7 }, (_, k) => k * 5), [1, 7], 'int32');
    // the state carried by the last training step's output; the inputs of training stream to the same windows
    const lastLogits = carriedLastLogits(model, session, steps[steps.length - 1], candidates);
    const users = Int32Array.from(lastLogits.keys());
    const history = trainingInputs(exp.train);
    const scored = tf.tidy(() => model.score({ users, history, targetTimes: null, candidates: tf.tile(candidates, [users.length, 1]) as tf.Tensor2D, states: null }).arraySync());
    users.forEach((u, b) => assertClose(scored[b], lastLogits.get(u) as Float32Array, `${sets.join(' ') || 'dman'}: user ${u}`));
    candidates.dispose();
    session.dispose();
    model.dispose();
  }
});

test('what reaches the last window: routing memory carries the first window to the fourth; FIFO (m = T) and XL forget it', async () => {
  // one user, 12 items = windows of 3: [0-2] [3-5] [6-8] [9-11]; the last window reads the previous one (6-8)
  // directly, and the memory holds windows up to 3-5 (FIFO with m = T: exactly 3-5; routing: 0-2 abstracted too)
  const items = Int32Array.from([4, 9, 1, 7, 3, 8, 2, 6, 5, 11, 13, 12]);
  const changedFirst = Int32Array.from(items);
  changedFirst[0] = 20;
  const changedSecond = Int32Array.from(items);
  changedSecond[4] = 20;
  const scoresFor = (model: Dman, sequence: Int32Array) => {
    const history = { lists: { offsets: Int32Array.from([0, sequence.length]), items: sequence }, timestamps: new Float64Array(sequence.length) };
    return tf.tidy(() => model.score({ users: Int32Array.from([0]), history, targetTimes: null, candidates: null, states: null }).dataSync());
  };
  const differs = (a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array) => a.some((x, k) => Math.abs(x - b[k]) > 1e-6);
  for (const [sets, first, second] of [
    [['model.memory=routing'], true, true],
    [['model.memory=fifo'], false, true],
    [['model.memory=none'], false, false],
  ] as const) {
    const { model } = await setup(['model.window=3', 'model.slots=3', ...sets]);
    const base = scoresFor(model, items);
    assert.equal(differs(base, scoresFor(model, changedFirst)), first, `${sets[0]}: the first window reaches the scores`);
    assert.equal(differs(base, scoresFor(model, changedSecond)), second, `${sets[0]}: the second window reaches the scores`);
    model.dispose();
  }
});
