import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Interactions, UserLists } from '../../src/data/interactions';
import { sampleCandidates, type NegativeSampler } from '../../src/eval/candidates';
import { stream } from '../../src/random/streams';
import { leaveOneOut } from '../../src/split/methods';
import { partItems } from '../../src/split/split';
import { ConfigError } from '../../src/util/errors';
import { listOf, plainLists, tinyData, userLists } from '../helpers/tiny-data';

function rngFor(name: string) {
  return stream(1, 'sampling', 'candidates-test', name);
}

/** Every item weighs 1: popularity sampling that behaves like uniform sampling over all items. */
function unitWeights(numItems: number): Float32Array {
  return new Float32Array(numItems).fill(1);
}

/** Item weights from [count, weight] runs: weightRuns([3, 10], [2, 0]) is 10, 10, 10, 0, 0. */
function weightRuns(...runs: [number, number][]): Float32Array {
  return Float32Array.from(runs.flatMap(([count, weight]) => new Array<number>(count).fill(weight)));
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

/** Each user's sampled negatives: the candidates that are not targets. */
function negativesOf(candidates: UserLists, targets: UserLists): number[][] {
  return plainLists(candidates).map((list, u) => {
    const userTargets = new Set(listOf(targets, u));
    return list.filter((item) => !userTargets.has(item));
  });
}

/**
 * The contract, user by user: no targets, no candidates; otherwise the distinct targets plus n distinct
 * negatives in item order, none of them an item the user touched in any part.
 */
function assertCandidates(data: Interactions, targets: UserLists, candidates: UserLists, n: number): void {
  const negatives = negativesOf(candidates, targets);
  plainLists(candidates).forEach((list, u) => {
    const distinctTargets = new Set(listOf(targets, u));
    if (distinctTargets.size === 0) {
      assert.deepEqual(list, [], `user ${u}: candidates without targets`);
      return;
    }
    assert.ok(list.every((item, k) => k === 0 || list[k - 1] < item), `user ${u}: not sorted and distinct`);
    assert.ok([...distinctTargets].every((item) => list.includes(item)), `user ${u}: a target is missing`);
    assert.equal(negatives[u].length, n, `user ${u}: number of negatives`);
    const touched = new Set(listOf(data, u));
    assert.ok(negatives[u].every((item) => item >= 0 && item < data.numItems && !touched.has(item)), `user ${u}: bad negative`);
  });
}

/** How often each item was drawn as a negative over all users. */
function negativeCounts(candidates: UserLists, targets: UserLists, numItems: number): number[] {
  const counts = new Array<number>(numItems).fill(0);
  for (const list of negativesOf(candidates, targets)) for (const item of list) counts[item]++;
  return counts;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

test('candidates: targets plus n untouched negatives in item order; users without targets get none', () => {
  const data = tinyData([[0, 1, 2], [3, 4], [5, 6, 7], [8, 2, 2]], 10);
  const targets = userLists([[2], [], [6, 7], [2, 2]]);
  for (const sampler of ['uniform', 'popularity'] as const) {
    const candidates = sampleCandidates(data, targets, 3, sampler, unitWeights(10), rngFor(sampler));
    assertCandidates(data, targets, candidates, 3);
    // user 0: 1 target + 3; user 1: none; user 2: 2 targets + 3; user 3: target 2 twice counts once, + 3
    assert.deepEqual(Array.from(candidates.offsets), [0, 4, 4, 9, 13]);
  }
});

test('candidates: validation items are never negatives either', () => {
  // leave_one_out on items 0..3: train 0, 1; valid 2; test 3. Of 6 items only 4 and 5 are untouched, so 2
  // negatives must be exactly those: candidates 3, 4, 5.
  const data = tinyData([[0, 1, 2, 3]], 6);
  const targets = partItems(data, leaveOneOut(data), ['test']).lists;
  for (const sampler of ['uniform', 'popularity'] as const) {
    const candidates = sampleCandidates(data, targets, 2, sampler, unitWeights(6), rngFor(sampler));
    assert.deepEqual(plainLists(candidates), [[3, 4, 5]], sampler);
  }
});

test('candidates: the same rng seed gives the same candidates, another stream others', () => {
  const sequences = range(0, 30).map((u) => range(u, u + 5));
  const data = tinyData(sequences, 60);
  const targets = userLists(sequences.map((items) => items.slice(-1)));
  const weights = Float32Array.from(range(0, 60), (i) => 1 + (i % 7));
  for (const sampler of ['uniform', 'popularity'] as const) {
    const draw = (name: string) => sampleCandidates(data, targets, 10, sampler, weights, rngFor(name));
    assert.deepEqual(draw('a'), draw('a'), sampler);
    assert.notDeepEqual(draw('a').items, draw('b').items, sampler);
  }
});

function assertTooFewItems(sampler: NegativeSampler, weights: Float32Array, available: number): void {
  const data = tinyData([[0, 1, 2]], weights.length);
  assert.throws(
    () => sampleCandidates(data, userLists([[2]]), available + 1, sampler, weights, rngFor('error')),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.includes('eval.num_negatives') &&
      err.message.includes(`user u0 has only ${available} items`),
  );
}

test('candidates: more negatives than untouched items is a ConfigError naming eval.num_negatives', () => {
  // 5 items, user touched 0, 1, 2: 2 left
  assertTooFewItems('uniform', unitWeights(5), 2);
  // 6 items, user touched 0, 1, 2; of 3, 4, 5 only 3 has weight: 1 left
  assertTooFewItems('popularity', Float32Array.from([1, 1, 1, 1, 0, 0]), 1);
});

test('candidates: a user without targets never runs out of items', () => {
  const data = tinyData([range(0, 5), [0]], 5);
  const targets = userLists([[], [0]]);
  const candidates = sampleCandidates(data, targets, 4, 'uniform', unitWeights(5), rngFor('no-targets'));
  // user 0 touched all 5 items but needs none; user 1: target 0 + the 4 other items
  assert.deepEqual(plainLists(candidates), [[], [0, 1, 2, 3, 4]]);
});

test('candidates (uniform): a user who touched all but a few items still gets n distinct untouched ones', () => {
  // 2000 items, a few free: rejection finds a free item with probability 5/2000 a try, so within its budget of
  // 20n + 100 = 160 tries it rarely finds all 3 and the explicit free-list draw takes over.
  const freeOf = (free: number[]) => range(0, 2000).filter((item) => !free.includes(item));
  const exactlyN = tinyData(new Array(10).fill(freeOf([17, 900, 1999])), 2000);
  const targets = userLists(new Array(10).fill([0]));
  const exact = sampleCandidates(exactlyN, targets, 3, 'uniform', unitWeights(2000), rngFor('exact'));
  // all but 3 touched, 3 asked: those 3 exactly, after target 0
  assert.deepEqual(plainLists(exact), new Array(10).fill([0, 17, 900, 1999]));

  const free = [3, 500, 1000, 1500, 1998];
  const threeOfFive = tinyData(new Array(20).fill(freeOf(free)), 2000);
  const targets20 = userLists(new Array(20).fill([0]));
  const some = sampleCandidates(threeOfFive, targets20, 3, 'uniform', unitWeights(2000), rngFor('some'));
  assertCandidates(threeOfFive, targets20, some, 3);
  // every free item shows up somewhere: one is missing from a user's 3 of 5 with probability 2/5, from all 20
  // users with probability 0.4^20 (about 1e-8)
  const counts = negativeCounts(some, targets20, 2000);
  assert.ok(free.every((item) => counts[item] > 0));
});

test('candidates (popularity): a user whose untouched items carry little weight still gets n valid negatives', () => {
  // items 0..99 weigh 1000 and are touched; 100..104 weigh 1; 105..109 weigh 0. Rejection hits a free item with
  // probability 5 / 100005 a try, so the successive draws over free items do the work.
  const weights = weightRuns([100, 1000], [5, 1], [5, 0]);
  const data = tinyData(new Array(20).fill(range(0, 100)), 110);
  const targets = userLists(new Array(20).fill([0]));
  const three = sampleCandidates(data, targets, 3, 'popularity', weights, rngFor('light'));
  assertCandidates(data, targets, three, 3);
  assert.ok(negativesOf(three, targets).every((list) => list.every((item) => item >= 100 && item <= 104)));
  // 5 asked, 5 free items with weight: all of them, never a zero-weight item
  const five = sampleCandidates(data, targets, 5, 'popularity', weights, rngFor('light'));
  assert.deepEqual(plainLists(five), new Array(20).fill([0, 100, 101, 102, 103, 104]));
  assert.throws(() => sampleCandidates(data, targets, 6, 'popularity', weights, rngFor('light')), ConfigError);
});

test('candidates (popularity): a free weight far below the total is still drawn', () => {
  // cumulative sums 1e30, 1e30 + 1e-30 = 1e30 (in float64), 1e30: item 1's weight is lost in the sums, but it is
  // the one free item with weight, so it must be the negative.
  const data = tinyData([[0]], 3);
  const candidates = sampleCandidates(data, userLists([[0]]), 1, 'popularity', Float32Array.from([1e30, 1e-30, 0]), rngFor('tiny'));
  assert.deepEqual(plainLists(candidates), [[0, 1]]);
});

test('candidates (popularity): ten times the weight is drawn far more often; zero weight never', () => {
  // item 0 (every user's target) weighs 10, items 1..10 weigh 10, 11..20 weigh 1, 21..29 weigh 0; 5 negatives
  // for each of 3000 users. A first draw is popular with probability 100/110; drawing without replacement uses
  // popular items up, so over 5 draws about 4.45 popular and 0.55 rare: 0.445 versus 0.055 per item and user,
  // a ratio near 8 (7.9 to 8.5 over five seeds). The rare side totals about 1650 draws (sd about 2.5%), so the
  // ratio is some 12 sd above the bound of 5.
  const weights = weightRuns([11, 10], [10, 1], [9, 0]);
  const data = tinyData(new Array(3000).fill([0]), 30);
  const targets = userLists(new Array(3000).fill([0]));
  const candidates = sampleCandidates(data, targets, 5, 'popularity', weights, rngFor('popular'));
  assertCandidates(data, targets, candidates, 5);
  const counts = negativeCounts(candidates, targets, 30);
  const popular = mean(counts.slice(1, 11));
  const rare = mean(counts.slice(11, 21));
  assert.ok(rare > 0 && popular > 5 * rare, `popular ${popular} vs rare ${rare}`);
  assert.deepEqual(counts.slice(21), new Array(9).fill(0));
});

test('candidates (uniform): every untouched item is drawn about equally often', () => {
  // 50 free items, 10 negatives for each of 2000 users: each item is drawn by a user with probability 10/50, so
  // about 400 times with variance 2000 * 0.2 * 0.8 = 320. The chi-square statistic over 50 items then averages
  // about 49 * 320/400 = 39 with a spread near 8; the bound of 150 is far out of reach of chance.
  const data = tinyData(new Array(2000).fill([0]), 51);
  const targets = userLists(new Array(2000).fill([0]));
  const candidates = sampleCandidates(data, targets, 10, 'uniform', unitWeights(51), rngFor('uniform'));
  assertCandidates(data, targets, candidates, 10);
  const counts = negativeCounts(candidates, targets, 51).slice(1);
  const chiSquare = counts.reduce((sum, c) => sum + (c - 400) ** 2 / 400, 0);
  assert.ok(chiSquare < 150, `chi-square ${chiSquare.toFixed(1)} over ${counts.join(' ')}`);
});
