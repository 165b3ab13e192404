import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/load';
import { schemaProvider } from '../../src/config/schema';
import { stream } from '../../src/random/streams';
import { prepareExperiment } from '../../src/run/experiment';
import { BatchBuilder } from '../../src/train/batch-builders';
import { NegativeSampler } from '../../src/train/negatives';
import type { BatchKind } from '../../src/train/batch';
import { tinyData } from '../helpers/tiny-data';

// Leave-one-out keeps the last two items of each user out of training:
//   user 0: 0 1 2 3 4 5 -> train 0 1 2 3;  user 1: 6 7 8 9 -> train 6 7;  user 2: 5 9 -> train 5
const DATA = tinyData([[0, 1, 2, 3, 4, 5], [6, 7, 8, 9], [5, 9]], 10);
const TRAIN = prepareExperiment(DATA, resolveConfig(schemaProvider, null), 0).train;

function builder(kind: BatchKind, length: number, negatives = 0, excludeSeen = true): BatchBuilder {
  const sampler = new NegativeSampler(TRAIN.sequences, TRAIN.numItems, 'uniform', excludeSeen, stream(1, 'sampling'));
  return new BatchBuilder(TRAIN, kind, length, negatives, sampler);
}

test('pairs: one example per training interaction', () => {
  const b = builder('pairs', 0);
  assert.deepEqual(Array.from(b.examples), [0, 1, 2, 3, 4, 5, 6]);
  const batch = b.build(Int32Array.from([6, 0]));
  assert.deepEqual(Array.from(batch.users), [2, 0]);
  assert.deepEqual(Array.from(batch.positives), [5, 0]);
  assert.equal(batch.inputs.length, 0);
});

test('transitions and windows: the items before each interaction, shifted by one and left-padded', () => {
  const transitions = builder('transitions', 1);
  // positions with an earlier item: user 0's 1 2 3 (positions 1..3) and user 1's 7 (position 5)
  assert.deepEqual(Array.from(transitions.examples), [1, 2, 3, 5]);
  const t = transitions.build(Int32Array.from([3, 5]));
  assert.deepEqual(Array.from(t.inputs), [2 + 1, 6 + 1]);
  assert.deepEqual(Array.from(t.positives), [3, 7]);
  const w = builder('windows', 3).build(Int32Array.from([3, 1, 5]));
  assert.deepEqual(Array.from(w.inputs), [1, 2, 3, 0, 0, 1, 0, 0, 7]);
  assert.deepEqual(Array.from(w.positives), [3, 1, 7]);
  assert.deepEqual(Array.from(w.mask), [1, 1, 1]);
});

test('sequences: inputs are all but the last item, targets all but the first, with a mask', () => {
  const b = builder('sequences', 3);
  assert.deepEqual(Array.from(b.examples), [0, 1], 'user 2 has a single training item');
  const batch = b.build(Int32Array.from([0, 1]));
  // user 0 train 0 1 2 3: inputs (0 1 2) -> shifted 1 2 3, targets 1 2 3
  // user 1 train 6 7: inputs (6) -> 0 0 7, targets 7 with two padded points
  assert.deepEqual(Array.from(batch.inputs), [1, 2, 3, 0, 0, 7]);
  assert.deepEqual(Array.from(batch.positives), [1, 2, 3, 0, 0, 7]);
  assert.deepEqual(Array.from(batch.mask), [1, 1, 1, 0, 0, 1]);
});

test("negatives never come from the user's training items when excluded, and do otherwise", () => {
  const withExclusion = builder('pairs', 0, 4).build(Int32Array.from([0, 1, 2, 3]));
  for (const item of withExclusion.negatives) assert.ok(![0, 1, 2, 3].includes(item), `negative ${item} is user 0's`);
  const order = builder('pairs', 0).epochOrder(stream(1, 'shuffle'));
  assert.deepEqual(Array.from(order).sort(), [0, 1, 2, 3, 4, 5, 6]);
  const free = builder('pairs', 0, 50, false).build(Int32Array.from([0]));
  assert.ok(free.negatives.some((item) => item <= 3), 'without exclusion a training item turns up in 50 draws');
});
