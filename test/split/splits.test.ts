import { loadConfig } from '../../src/schema/config-flags';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Interactions, UserLists } from '../../src/data/interactions';
import { stream } from '../../src/random/streams';
import { prepareExperiment, type Experiment } from '../../src/run/experiment';
import { leaveOneOut, ratioChrono, ratioCounts, ratioRandom, SPLIT_METHODS } from '../../src/split/methods';
import { partItems, partPositions, splitCounts, type Split, type SplitPart } from '../../src/split/split';
import { listOf, plainLists, tinyData } from '../helpers/tiny-data';

const PARTS: readonly SplitPart[] = ['train', 'valid', 'test'];

/** Each part's items per user, as plain arrays. */
function itemsByPart(data: Interactions, split: Split): Record<SplitPart, number[][]> {
  const [train, valid, test] = PARTS.map((part) => plainLists(partItems(data, split, [part]).lists));
  return { train, valid, test };
}

/** Each part's interaction positions per user, as plain arrays. */
function positionsByPart(data: Interactions, split: Split): Record<SplitPart, number[][]> {
  const [train, valid, test] = PARTS.map((part) => plainLists(partPositions(data, split, [part])));
  return { train, valid, test };
}

/** positions start .. end-1 */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

/** The items at the given interaction positions. */
function itemsAt(data: Interactions, positions: readonly number[]): number[] {
  return positions.map((p) => data.items[p]);
}

test('ratioCounts: floor shares, at least one train and one test item from 2 interactions on', () => {
  const cases: [number, number, number, { train: number; valid: number }][] = [
    [0, 0.7, 0.2, { train: 0, valid: 0 }], // no interactions
    [1, 0.7, 0.2, { train: 1, valid: 0 }], // 1 interaction: training only
    [2, 0.7, 0.2, { train: 1, valid: 0 }], // floor(1.4) = 1 train; valid capped at 2-1-1 = 0; test 1
    [2, 0.9, 0, { train: 1, valid: 0 }], // floor(1.8) = 1; test 1
    [3, 0.1, 0, { train: 1, valid: 0 }], // floor(0.3) = 0 raised to 1; test 2
    [5, 0.99, 0, { train: 4, valid: 0 }], // floor(4.95) = 4 = 5-1; test 1
    [4, 0.5, 0.5, { train: 2, valid: 1 }], // floor(2) = 2; floor(2) = 2 capped at 4-1-2 = 1; test 1
    [10, 0.7, 0, { train: 7, valid: 0 }], // RUM's 70/30: 7 train, 3 test
    [11, 0.7, 0, { train: 7, valid: 0 }], // floor(7.7) = 7; 4 test
    [10, 0.6, 0.2, { train: 6, valid: 2 }], // 6 / 2 / 2
  ];
  for (const [length, trainRatio, validRatio, expected] of cases) {
    assert.deepEqual(ratioCounts(length, trainRatio, validRatio), expected, `length ${length}, ${trainRatio}/${validRatio}`);
  }
});

test('ratioCounts: shares that floating point puts just below a whole number are not floored away', () => {
  // 90 * 0.7 = 62.99999999999999 in floating point; the share is 63 (test 27).
  assert.deepEqual(ratioCounts(90, 0.7, 0), { train: 63, valid: 0 });
  // 100 * 0.57 = 56.99999999999999 and 100 * 0.29 = 28.999999999999996; the shares are 57 and 29 (test 14).
  assert.deepEqual(ratioCounts(100, 0.57, 0.29), { train: 57, valid: 29 });
});

test('leave_one_out: last item test, second-last valid; 2 items: train 1 + test 1; 1 item: train only', () => {
  // positions: user 0 at 0..3, user 1 at 4..5, user 2 at 6, user 3 has none
  const data = tinyData([[10, 11, 12, 13], [14, 15], [16], []], 17);
  const split = leaveOneOut(data);
  assert.equal(split.method, 'leave_one_out');
  assert.equal(split.order, null);
  assert.deepEqual(Array.from(split.trainEnd), [2, 5, 7, 7]);
  assert.deepEqual(Array.from(split.validEnd), [3, 5, 7, 7]);
  assert.deepEqual(itemsByPart(data, split), {
    train: [[10, 11], [14], [16], []],
    valid: [[12], [], [], []],
    test: [[13], [15], [], []],
  });
  assert.deepEqual(positionsByPart(data, split), {
    train: [[0, 1], [4], [6], []],
    valid: [[2], [], [], []],
    test: [[3], [5], [], []],
  });
  assert.deepEqual(splitCounts(data, split), { train: 4, valid: 1, test: 2 });
});

test('ratio_chrono: the first shares train, the next validate, the rest test', () => {
  const data = tinyData([range(20, 30), range(30, 35), [35, 36], [37]], 38);
  const split = ratioChrono(data, 0.6, 0.2);
  assert.equal(split.order, null);
  // 10 items: floor(6) = 6 train, floor(2) = 2 valid, 2 test
  // 5 items: floor(3) = 3 train, floor(1) = 1 valid, 1 test
  // 2 items: floor(1.2) = 1 train, floor(0.4) = 0 valid, 1 test
  // 1 item: training only
  assert.deepEqual(itemsByPart(data, split), {
    train: [[20, 21, 22, 23, 24, 25], [30, 31, 32], [35], [37]],
    valid: [[26, 27], [33], [], []],
    test: [[28, 29], [34], [36], []],
  });
  assert.deepEqual(splitCounts(data, split), { train: 11, valid: 3, test: 4 });
});

/** Six users of 10 items, one of 2 and one of 1; every item unique. */
function randomSplitData(): Interactions {
  const sequences = range(0, 6).map((u) => range(10 * u, 10 * u + 10));
  return tinyData([...sequences, [60, 61], [62]], 63);
}

test('ratio_random: random parts with the ratio counts, each in time order, together all of the user', () => {
  const data = randomSplitData();
  const split = ratioRandom(data, 0.6, 0.2, stream(7, 'split', 'repeat-0'));
  const chrono = ratioChrono(data, 0.6, 0.2);
  assert.deepEqual(split.trainEnd, chrono.trainEnd);
  assert.deepEqual(split.validEnd, chrono.validEnd);
  const positions = positionsByPart(data, split);
  for (let u = 0; u < data.numUsers; u++) {
    const [train, valid, testPart] = [positions.train[u], positions.valid[u], positions.test[u]];
    for (const part of [train, valid, testPart]) {
      assert.deepEqual(part, [...part].sort((a, b) => a - b), `user ${u}: a part out of time order`);
    }
    const all = [...train, ...valid, ...testPart].sort((a, b) => a - b);
    assert.deepEqual(all, range(data.offsets[u], data.offsets[u + 1]), `user ${u}: parts are not a partition`);
  }
  // 10 items: 6 / 2 / 2 as in ratio_chrono; 2 items: 1 / 0 / 1; 1 item: 1 / 0 / 0
  assert.deepEqual(positions.train.map((p) => p.length), [6, 6, 6, 6, 6, 6, 1, 1]);
  assert.deepEqual(positions.valid.map((p) => p.length), [2, 2, 2, 2, 2, 2, 0, 0]);
  assert.deepEqual(positions.test.map((p) => p.length), [2, 2, 2, 2, 2, 2, 1, 0]);
  const items = itemsByPart(data, split);
  for (const part of PARTS) {
    assert.deepEqual(items[part], positions[part].map((p) => itemsAt(data, p)));
  }
  // Each 10-item user has 10! / (6! 2! 2!) = 1260 equally likely splits; the chronological one for all six would
  // be a 1260^-6 coincidence.
  const chronoTrain = positionsByPart(data, chrono).train;
  assert.ok(positions.train.some((p, u) => p.join() !== chronoTrain[u].join()), 'every user split chronologically');
});

test('ratio_random: the same seed and repeat give the same split; another repeat or seed another split', () => {
  const data = randomSplitData();
  const splitOf = (seed: number, repeat: number) => ratioRandom(data, 0.6, 0.2, stream(seed, 'split', `repeat-${repeat}`));
  assert.deepEqual(splitOf(7, 0), splitOf(7, 0));
  assert.notDeepEqual(splitOf(7, 0).order, splitOf(7, 1).order);
  assert.notDeepEqual(splitOf(7, 0).order, splitOf(8, 0).order);
});

/** Thirteen users of 0..12 items; user u's k-th item is (5u + k) mod 20, so no user has an item twice. */
function leakCheckData(): Interactions {
  return tinyData(range(0, 13).map((u) => range(0, u).map((k) => (5 * u + k) % 20)), 20);
}

function configFor(method: string) {
  return loadConfig(null, [`split.method=${method}`, 'split.train_ratio=0.6', 'split.valid_ratio=0.2']);
}

function disjoint(a: readonly number[], b: readonly number[]): boolean {
  const inA = new Set(a);
  return b.every((x) => !inA.has(x));
}

/** Checks every user of an experiment: training inputs hold exactly the train part, and no held-out interaction. */
function assertNoLeak(data: Interactions, exp: Experiment): void {
  const positions = positionsByPart(data, exp.split);
  for (let u = 0; u < data.numUsers; u++) {
    const [train, valid, testPart] = [positions.train[u], positions.valid[u], positions.test[u]];
    const where = `${exp.split.method} repeat ${exp.repeat} user ${u}`;
    assert.ok(disjoint(train, testPart) && disjoint(train, valid) && disjoint(valid, testPart), `${where}: parts overlap`);
    const userList = (lists: UserLists) => Array.from(listOf(lists, u));
    const trainItems = itemsAt(data, train);
    assert.deepEqual(userList(exp.train.sequences), trainItems, `${where}: training sequence`);
    const start = exp.train.sequences.offsets[u];
    const trainTimes = Array.from(exp.train.timestamps.subarray(start, start + train.length));
    assert.deepEqual(trainTimes, train.map((p) => data.timestamps[p]), `${where}: training timestamps`);
    assert.deepEqual(userList(exp.parts.valid.history.lists), trainItems, `${where}: validation history`);
    assert.deepEqual(userList(exp.parts.valid.targets), itemsAt(data, valid), `${where}: validation targets`);
    const testHistory = itemsAt(data, [...train, ...valid].sort((a, b) => a - b));
    assert.deepEqual(userList(exp.parts.test.history.lists), testHistory, `${where}: test history`);
    assert.deepEqual(userList(exp.parts.test.targets), itemsAt(data, testPart), `${where}: test targets`);
    // With unique items per user, a held-out item showing up among the training items would be a leak.
    assert.ok(disjoint(trainItems, itemsAt(data, testPart)), `${where}: a test item among the training items`);
    assert.ok(disjoint(trainItems, itemsAt(data, valid)), `${where}: a validation item among the training items`);
    assert.ok(disjoint(testHistory, itemsAt(data, testPart)), `${where}: a test item in the test history`);
  }
}

test('every split method: no test or validation interaction reaches the training inputs', () => {
  const data = leakCheckData();
  for (const method of Object.keys(SPLIT_METHODS)) {
    for (const repeat of [0, 1]) {
      const exp = prepareExperiment(data, configFor(method), repeat);
      assert.equal(exp.split.method, method);
      assertNoLeak(data, exp);
      const counts = splitCounts(data, exp.split);
      assert.ok(counts.valid > 0 && counts.test > 0, `${method}: nothing held out, so the check proves nothing`);
      assert.equal(counts.train + counts.valid + counts.test, data.items.length);
    }
  }
});

test('prepareExperiment: ratio_random repeats use split streams repeat-0, repeat-1, ..., which differ', () => {
  const data = leakCheckData();
  const config = configFor('ratio_random');
  const seed = config.int('seed');
  const [first, second] = [0, 1].map((repeat) => prepareExperiment(data, config, repeat).split);
  assert.deepEqual(first, ratioRandom(data, 0.6, 0.2, stream(seed, 'split', 'repeat-0')));
  assert.deepEqual(second, ratioRandom(data, 0.6, 0.2, stream(seed, 'split', 'repeat-1')));
  assert.notDeepEqual(first.order, second.order);
});
