import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestOfEach } from '../../src/data/user-lists';
import { stream } from '../../src/random/streams';
import { drawCandidates, prepareExperiment } from '../../src/run/experiment';
import { loadConfig } from '../../src/schema/config-flags';
import { BATCH_KINDS } from '../../src/train/batches/registry';
import { NegativeSampler } from '../../src/train/negatives';
import { isOneLineError, memrecInProcess } from '../helpers/cli';
import { plainLists, tinyData, userLists } from '../helpers/tiny-data';

// Timestamps are position + 1. Leave-one-out keeps each user's last two items out of training:
//   user 0: 0 1 2 3 4 5 6 7 (positions 0..7)  -> train 0 1 2 3 4 5 (times 1..6)
//   user 1: 8 9 10 11       (positions 8..11) -> train 8 9 (times 9 10)
//   user 2: 5 9             (positions 12 13) -> train 5 (time 13), test 9 (two items: no validation)
const DATA = tinyData([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11], [5, 9]], 12);
const experiment = (sets: string[] = []) => prepareExperiment(DATA, loadConfig(null, sets), 0);

test('latestOfEach: the last width items of each list with their timestamps, shorter lists whole', () => {
  const lists = userLists([[4, 5, 6, 7], [1], [], [2, 3]]);
  const cut = latestOfEach(lists, Float64Array.from([10, 11, 12, 13, 20, 30, 31]), 2);
  assert.deepEqual(plainLists(cut.lists), [[6, 7], [1], [], [2, 3]]);
  assert.deepEqual(Array.from(cut.timestamps), [12, 13, 20, 30, 31]);
});

test("train.latest_window T: the model learns from each user's last T training items; the histories it is judged on stay whole", () => {
  const exp = experiment(['train.latest_window=3']);
  assert.deepEqual(plainLists(exp.train.sequences), [[3, 4, 5], [8, 9], [5]]);
  assert.deepEqual(Array.from(exp.train.timestamps), [4, 5, 6, 9, 10, 13]);
  assert.deepEqual(plainLists(exp.parts.valid.history.lists), [[0, 1, 2, 3, 4, 5], [8, 9], [5]]);
  assert.deepEqual(plainLists(exp.parts.test.history.lists), [[0, 1, 2, 3, 4, 5, 6], [8, 9, 10], [5]]);
  assert.deepEqual(plainLists(exp.parts.test.targets), [[7], [11], [9]]);
  // 0 (the default) is the whole training part
  assert.deepEqual(plainLists(experiment().train.sequences), [[0, 1, 2, 3, 4, 5], [8, 9], [5]]);
  // a window longer than every training part changes nothing
  assert.deepEqual(plainLists(experiment(['train.latest_window=50']).train.sequences), [[0, 1, 2, 3, 4, 5], [8, 9], [5]]);
});

test("train.latest_window: the batch kinds build their examples from the window alone (sequences, windows)", () => {
  const train = experiment(['train.latest_window=3']).train;
  const sampler = new NegativeSampler(train.sequences, train.numItems, 'uniform', true, stream(1, 'sampling'));
  const create = (kind: string, inputLength: number) => BATCH_KINDS[kind].create(train, { inputLength, numNegatives: 0, sampler });
  // an rng whose shuffle keeps the examples in their order
  const inOrder = { shuffle: (examples: Int32Array) => examples } as never;
  // sequences (SASRec, GRU4Rec), width 3: user 0's inputs 3 4 (shifted: 4 5) predicting 4 5; user 1's 8 -> 9
  const sequences = create('sequences', 3);
  assert.equal(sequences.examples, 2);
  const batch = sequences.epoch(inOrder, 2).build(0);
  assert.deepEqual(Array.from(batch.inputs), [0, 4, 5, 0, 0, 9]);
  assert.deepEqual(Array.from(batch.positives), [0, 4, 5, 0, 0, 9]);
  assert.deepEqual(Array.from(batch.mask), [0, 1, 1, 0, 0, 1]);
  // windows (Caser), L 2: every window item after the user's first: 4 (after 3), 5 (after 3 4), 9 (after 8)
  const windows = create('windows', 2);
  assert.equal(windows.examples, 3);
  const points = windows.epoch(inOrder, 3).build(0);
  assert.deepEqual(Array.from(points.positives), [4, 5, 9]);
  assert.deepEqual(Array.from(points.inputs), [0, 4, 4, 5, 0, 9]);
  // the whole training part has 5 + 1 such interactions
  assert.equal(BATCH_KINDS.windows.create(experiment().train, { inputLength: 2, numNegatives: 0, sampler }).examples, 6);
});

test('train.latest_window leaves sampled evaluation candidates as they are (drawn from the whole training part)', () => {
  const sets = ['eval.candidates=sampled', 'eval.num_negatives=2', 'eval.negative_sampler=popularity', 'eval.cutoffs=[1]'];
  const whole = experiment(sets);
  const cut = experiment([...sets, 'train.latest_window=2']);
  for (const part of ['valid', 'test'] as const) {
    assert.deepEqual(plainLists(drawCandidates(cut, loadConfig(null, [...sets, 'train.latest_window=2']), part)), plainLists(drawCandidates(whole, loadConfig(null, sets), part)));
  }
});

test('train.latest_window: a negative, fractional or 1-item window is a one-line config error naming the key, exit 2', async () => {
  const cases: [string, RegExp][] = [
    ['-1', /^config error: --set train\.latest_window=-1: train\.latest_window: -1 is out of range; expected an integer >= 0$/],
    ['2.5', /^config error: --set train\.latest_window=2\.5: train\.latest_window: 2\.5 is not an integer; expected an integer >= 0$/],
    ['1', /^config error: --set train\.latest_window=1: train\.latest_window: 1 leaves no next-item step in a window; expected 0 \(the whole training part\) or a window of 2 or more$/],
  ];
  for (const [value, message] of cases) {
    const result = await memrecInProcess(['config', '--set', `train.latest_window=${value}`]);
    assert.ok(isOneLineError(result, 2), result.stderr);
    assert.match(result.stderr.trim(), message);
  }
});
