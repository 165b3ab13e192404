import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Rng } from '../../src/random/streams';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import type { BatchSource, TrainBatch } from '../../src/train/batches/batch';
import { BATCH_KINDS } from '../../src/train/batches/registry';
import { NegativeSampler } from '../../src/train/negatives';
import { tinyData } from '../helpers/tiny-data';

// Leave-one-out keeps the last two items of each user out of training (timestamps: position + 1):
//   user 0: 0 1 2 3 4 5 -> train 0 1 2 3 (times 1 2 3 4);  user 1: 6 7 8 9 -> train 6 7 (times 7 8);
//   user 2: 5 9 -> train 5 (time 11). Training positions: user 0 at 0..3, user 1 at 4 5, user 2 at 6.
const DATA = tinyData([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9], [5, 9]], 10);
const TRAIN = prepareExperiment(DATA, loadConfig(null), 0).train;

function source(kind: string, length: number, negatives = 0, excludeSeen = true, fields?: string[]): BatchSource {
  const sampler = new NegativeSampler(TRAIN.sequences, TRAIN.numItems, 'uniform', excludeSeen, stream(1, 'sampling'));
  return BATCH_KINDS[kind].create(TRAIN, { inputLength: length, numNegatives: negatives, sampler, fields });
}

/** An rng whose shuffle yields `order`: the epoch's examples in a chosen order. */
const ordered = (order: number[]) => ({ shuffle: () => Int32Array.from(order) }) as unknown as Rng;

/** The batch of `examples` (in that order) of a shuffled-example kind. */
function batchOf(s: BatchSource, examples: number[]): TrainBatch {
  return s.epoch(ordered(examples), examples.length).build(0);
}

test('pairs: one example per training interaction', () => {
  const s = source('pairs', 0);
  assert.equal(s.examples, 7);
  const batch = batchOf(s, [6, 0]);
  assert.deepEqual(Array.from(batch.users), [2, 0]);
  assert.deepEqual(Array.from(batch.positives), [5, 0]);
  assert.equal(batch.inputs.length, 0);
});

test('transitions and windows: the items before each interaction, shifted by one and left-padded', () => {
  const transitions = source('transitions', 1);
  // positions with an earlier item: user 0's 1 2 3 (positions 1..3) and user 1's 7 (position 5)
  assert.equal(transitions.examples, 4);
  const t = batchOf(transitions, [3, 5]);
  assert.deepEqual(Array.from(t.inputs), [2 + 1, 6 + 1]);
  assert.deepEqual(Array.from(t.positives), [3, 7]);
  const w = batchOf(source('windows', 3), [3, 1, 5]);
  assert.deepEqual(Array.from(w.inputs), [1, 2, 3, 0, 0, 1, 0, 0, 7]);
  assert.deepEqual(Array.from(w.positives), [3, 1, 7]);
  assert.deepEqual(Array.from(w.mask), [1, 1, 1]);
});

test('sequences: inputs are all but the last item, targets all but the first, with a mask', () => {
  const s = source('sequences', 3);
  assert.equal(s.examples, 2, 'user 2 has a single training item');
  const batch = batchOf(s, [0, 1]);
  // user 0 train 0 1 2 3: inputs (0 1 2) -> shifted 1 2 3, targets 1 2 3
  // user 1 train 6 7: inputs (6) -> 0 0 7, targets 7 with two padded points
  assert.deepEqual(Array.from(batch.inputs), [1, 2, 3, 0, 0, 7]);
  assert.deepEqual(Array.from(batch.positives), [1, 2, 3, 0, 0, 7]);
  assert.deepEqual(Array.from(batch.mask), [1, 1, 1, 0, 0, 1]);
  assert.deepEqual(Object.keys(batch.fields), [], 'no field unless asked for');
});

test('sequences with input_times: each input\'s time minus the last input\'s, 0 on padding', () => {
  const batch = batchOf(source('sequences', 3, 0, true, ['input_times']), [0, 1]);
  // user 0's inputs 0 1 2 at times 1 2 3 (last input 3); user 1's input 6 at time 7
  assert.deepEqual(batch.fields.input_times.shape, [2, 3]);
  assert.deepEqual(Array.from(batch.fields.input_times.data), [-2, -1, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.inputs), [1, 2, 3, 0, 0, 7], 'the same inputs as without times');
});

test('prefixes: every prefix with its next item, and the inputs\' ages at the target\'s time', () => {
  const s = source('prefixes', 3);
  assert.equal(s.examples, 4, 'one prefix per training item after a user\'s first');
  const batch = batchOf(s, [3, 5, 1]);
  // position 3: user 0's prefix 0 1 2 (times 1 2 3) before item 3 (time 4): ages 3 2 1
  // position 5: user 1's prefix 6 (time 7) before item 7 (time 8): ages 0 0 1 (padding 0)
  // position 1: user 0's prefix 0 (time 1) before item 1 (time 2): ages 0 0 1
  assert.deepEqual(Array.from(batch.inputs), [1, 2, 3, 0, 0, 7, 0, 0, 1]);
  assert.deepEqual(Array.from(batch.positives), [3, 7, 1]);
  assert.deepEqual(Array.from(batch.fields.input_ages.data), [3, 2, 1, 0, 0, 1, 0, 0, 1]);
  assert.deepEqual(batch.fields.input_ages.shape, [3, 3]);
});

test('user_stream: windows of each user in time order, lanes in lockstep, resets where a stream starts', () => {
  const s = source('user_stream', 2);
  // user 0: 3 predictions -> windows (targets 1 2) and (3); user 1: 1 prediction -> (7); user 2: none
  assert.equal(s.examples, 3);
  const plan = s.epoch(ordered([0, 1]), 2);
  assert.equal(plan.batches, 2, 'user 0 takes lane 0 for two windows, user 1 lane 1 for one');
  const first = plan.build(0);
  assert.deepEqual(Array.from(first.users), [0, 1]);
  assert.deepEqual(Array.from(first.inputs), [1, 2, 0, 7]);
  assert.deepEqual(Array.from(first.positives), [1, 2, 0, 7]);
  assert.deepEqual(Array.from(first.mask), [1, 1, 0, 1]);
  assert.deepEqual(Array.from(first.resets as Uint8Array), [1, 1]);
  const second = plan.build(1);
  // lane 0 continues user 0 (item 2 before target 3); lane 1 is idle
  assert.deepEqual(Array.from(second.inputs), [0, 3, 0, 0]);
  assert.deepEqual(Array.from(second.positives), [0, 3, 0, 0]);
  assert.deepEqual(Array.from(second.mask), [0, 1, 0, 0]);
  assert.deepEqual(Array.from(second.resets as Uint8Array), [0, 1]);
});

test('user_stream: a lane freed by a short user takes the next user of the order', () => {
  const s = source('user_stream', 2);
  const plan = s.epoch(ordered([1, 0]), 1);
  // one lane: user 1's single window, then user 0's two
  assert.equal(plan.batches, 3);
  const users = [0, 1, 2].map((k) => plan.build(k));
  assert.deepEqual(users.map((b) => b.users[0]), [1, 0, 0]);
  assert.deepEqual(users.map((b) => (b.resets as Uint8Array)[0]), [1, 1, 0]);
});

test('user_stream, longest first: the lanes end together where the shuffled order leaves one running alone', () => {
  // T = 1, so a user's windows are its training predictions: users 0..3 have 4, 1, 1 and 2
  const data = tinyData([[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10], [11, 12, 13, 14], [15, 16, 17, 18, 19]], 20);
  const train = prepareExperiment(data, loadConfig(null), 0).train;
  const sampler = new NegativeSampler(train.sequences, train.numItems, 'uniform', true, stream(1, 'sampling'));
  const lanesOf = (order: 'shuffled' | 'longest_first') => {
    const plan = BATCH_KINDS.user_stream.create(train, { inputLength: 1, numNegatives: 0, sampler, streamOrder: order }).epoch(ordered([1, 2, 3, 0]), 2);
    return Array.from({ length: plan.batches }, (_, k) => {
      const batch = plan.build(k);
      return [0, 1].map((lane) => (batch.mask[lane] > 0 ? batch.users[lane] : -1));
    });
  };
  // shuffled: users 1 and 2 take the lanes, 3 follows 1 on lane 0, 0 follows 2 on lane 1 and runs alone at the end
  assert.deepEqual(lanesOf('shuffled'), [[1, 2], [3, 0], [3, 0], [-1, 0], [-1, 0]]);
  // longest first (0, 3, then 1 and 2 in the shuffled order): 8 windows in 4 batches, both lanes busy throughout
  assert.deepEqual(lanesOf('longest_first'), [[0, 3], [0, 3], [0, 1], [0, 2]]);
});

test("negatives never come from the user's training items when excluded, and do otherwise", () => {
  const withExclusion = batchOf(source('pairs', 0, 4), [0, 1, 2, 3]);
  for (const item of withExclusion.negatives) assert.ok(![0, 1, 2, 3].includes(item), `negative ${item} is user 0's`);
  const plan = source('pairs', 0).epoch(stream(1, 'shuffle'), 7);
  assert.deepEqual(Array.from(plan.build(0).positives).sort(), [0, 1, 2, 3, 5, 6, 7]);
  const free = batchOf(source('pairs', 0, 50, false), [0]);
  assert.ok(free.negatives.some((item) => item <= 3), 'without exclusion a training item turns up in 50 draws');
});
