import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DATA_SOURCES } from '../../src/data/sources';
import { evaluate } from '../../src/eval/evaluate';
import { metricGrid } from '../../src/eval/metrics';
import { createModel, registerModel } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { stream } from '../../src/random/streams';
import { TRAIN_KEYS } from '../../src/train/schema';
import { TrainingSession } from '../../src/train/trainer';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { StreamMemo, streamMemoEntry } from '../helpers/stream-memo-model';
import { fitModel } from '../helpers/tiny-models';

/**
 * A model with per-user state carried across windows takes one file (test/helpers/stream-memo-model.ts) and
 * one registry line (below): it trains through user_stream batches in two alternating steps, and evaluates
 * with its state built once per user.
 */
registerModel(streamMemoEntry);

before(useCpu);

const SETS = ['model.name=stream_memo', 'data.synthetic.num_users=30', 'data.synthetic.num_items=40', 'data.synthetic.min_length=8', 'data.synthetic.max_length=14', 'train.batch_size=4', 'train.lr=0.05'];

async function setup(sets: string[] = []) {
  const config = loadConfig(null, [...SETS, ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, new Reporter(true));
  return { config, exp: prepareExperiment(data, config, 0) };
}

test('the registered stream model is a config value like any other', () => {
  assert.equal(loadConfig(null, ['model.name=stream_memo', 'model.window=5']).int('model.window'), 5);
  assert.throws(() => loadConfig(null, ['model.name=stream_memo', 'model.max_length=5']), /model\.max_length/);
});

test('training carries each lane\'s memory from one window to the next and starts it afresh at a reset', async () => {
  const { config, exp } = await setup();
  const model = createModel(config) as StreamMemo;
  model.init(exp.train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
  const plan = session.source.epoch(stream(1, 'shuffle'), 4);
  const dim = 8;
  for (let index = 0; index < 3; index++) {
    const batch = plan.build(index);
    const before = model.seenStates.length;
    await session.run(batch);
    const seen = model.seenStates[before];
    for (let lane = 0; lane < 4; lane++) {
      const row = Array.from(seen.subarray(lane * dim, (lane + 1) * dim));
      const fresh = (batch.resets as Uint8Array)[lane] === 1;
      assert.equal(row.every((v) => v === 0), fresh, `batch ${index} lane ${lane}: ${fresh ? 'a fresh' : 'a carried'} memory`);
    }
  }
  session.dispose();
  model.dispose();
});

test('both alternating steps move only their own variables, each with its own optimizer', async () => {
  const { config, exp } = await setup();
  const model = createModel(config) as StreamMemo;
  model.init(exp.train);
  const session = new TrainingSession(model, config.params('train', TRAIN_KEYS), exp.train, 1);
  assert.equal(session.optimizers.length, 2);
  const before = await model.state();
  await session.run(session.source.epoch(stream(1, 'shuffle'), 4).build(0));
  const after = await model.state();
  for (const name of ['input_items', 'output_items', 'decay']) {
    assert.notDeepEqual(after[name].data, before[name].data, `${name} moved`);
  }
  session.dispose();
  model.dispose();
});

test('trained through user_stream, the loss falls and the tensor count stays flat', async () => {
  const counts: number[] = [];
  for (const epochs of [1, 3]) {
    const { config, exp } = await setup([`train.epochs=${epochs}`, 'train.eval_every=0']);
    const model = createModel(config);
    const lines: string[] = [];
    const reporter = new Reporter(true);
    reporter.info = (line: string) => void lines.push(line);
    await fitModel(model, exp.train, config, { reporter });
    counts.push(tf.memory().numTensors);
    if (epochs === 3) {
      const losses = lines.filter((l) => /^epoch \d\/3: loss/.test(l)).map((l) => Number(/loss ([\d.]+)/.exec(l)?.[1]));
      assert.equal(losses.length, 3);
      assert.ok(losses[2] < losses[0], `losses ${losses.join(', ')}`);
    }
    model.dispose();
  }
  assert.equal(counts[1], counts[0]);
});

test('evaluation builds each user\'s state once, whatever the batch size, and scores as a full replay does', async () => {
  const { config, exp } = await setup(['train.epochs=1', 'train.eval_every=0']);
  const model = createModel(config) as StreamMemo;
  await fitModel(model, exp.train, config);
  const { history, targets, targetTimes } = exp.parts.test;
  const windows = Math.ceil(Math.max(...Array.from({ length: 30 }, (_, u) => history.lists.offsets[u + 1] - history.lists.offsets[u])) / 3);
  const run = async (batchSize: number) => {
    model.streamSteps = 0;
    const result = await evaluate({
      model, numItems: 40, history, targets, targetTimes, ties: 'index', candidates: null, excludeHistory: true,
      metrics: metricGrid(['ndcg'], [10]), batchSize, keepRankings: false,
    });
    return { steps: model.streamSteps, means: result.means };
  };
  const small = await run(4);
  const large = await run(30);
  assert.equal(small.steps, windows, 'one streamed pass over the longest history, not one per batch of 4');
  assert.equal(large.steps, windows);
  assert.deepEqual(small.means, large.means);
  // the prepared states score as the replay without states does
  const users = Int32Array.from([0, 5, 9]);
  const states = model.userStates(history, users);
  const withStates = tf.tidy(() => model.score({ users, history, targetTimes: null, candidates: null, states }).dataSync());
  const replayed = tf.tidy(() => model.score({ users, history, targetTimes: null, candidates: null, states: null }).dataSync());
  assert.deepEqual(withStates, replayed);
  states.dispose();
  model.dispose();
});
