import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stream } from '../../src/random/streams';
import { choicesOf, indexOf, randomPoints, spaceSize, TPE_STARTUP, tpePoints, tpePropose } from '../../src/sweep/search';

test("points are numbered in the grid's order (the first key slowest), and choicesOf and indexOf invert each other", () => {
  const sizes = [2, 3];
  const all = Array.from({ length: spaceSize(sizes) }, (_, n) => choicesOf(sizes, n));
  assert.deepEqual(all, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  all.forEach((choices, n) => assert.equal(indexOf(sizes, choices), n));
  assert.equal(spaceSize([]), 1);
  assert.deepEqual(choicesOf([], 0), []);
});

test('random points are distinct, as many as asked (all of a small space), and a larger budget only adds points after them', () => {
  const five = randomPoints(100, 5, stream(1, 'search'));
  const twenty = randomPoints(100, 20, stream(1, 'search'));
  assert.equal(new Set(twenty).size, 20);
  assert.deepEqual(twenty.slice(0, 5), five);
  assert.ok(twenty.every((n) => Number.isInteger(n) && n >= 0 && n < 100));
  assert.deepEqual([...randomPoints(6, 10, stream(2, 'search'))].sort(), [0, 1, 2, 3, 4, 5]);
});

test('tpe proposes from the values of the best points: an untried point with the good value of the key that matters', () => {
  // 3 × 4 points; the value depends on the first key only (its value 2 is best); points with key 0 = 2 tried: one
  const sizes = [3, 4];
  const observed = [indexOf(sizes, [0, 0]), indexOf(sizes, [1, 1]), indexOf(sizes, [2, 2]), indexOf(sizes, [0, 3]), indexOf(sizes, [1, 2])];
  const observations = observed.map((point) => ({ point, value: choicesOf(sizes, point)[0] }));
  for (let seed = 1; seed <= 10; seed++) {
    const next = tpePropose(sizes, observations, new Set(observed), stream(seed, 'search'));
    assert.ok(!observed.includes(next));
    assert.equal(choicesOf(sizes, next)[0], 2, `seed ${seed}: proposed ${choicesOf(sizes, next)}`);
  }
  assert.equal(tpePropose([2], [], new Set([0, 1]), stream(1, 'search')), -1);
});

test('tpe: the startup points need no results; each later point waits for every earlier result; no point twice', () => {
  const sizes = [4, 5];
  const rngFor = (k: number) => stream(3, 'search', 'tpe', k);
  const value = (n: number) => -((choicesOf(sizes, n)[0] - 3) ** 2) - (choicesOf(sizes, n)[1] - 1) ** 2;
  const none = tpePoints(sizes, 12, () => null, rngFor);
  assert.equal(none.complete, false);
  assert.deepEqual(none.points, randomPoints(20, TPE_STARTUP, rngFor(0)));
  const all = tpePoints(sizes, 12, value, rngFor);
  assert.equal(all.complete, true);
  assert.equal(all.points.length, 12);
  assert.equal(new Set(all.points).size, 12);
  // the same results give the same proposals (what a resumed run relies on); a failed point is left out, not waited for
  assert.deepEqual(tpePoints(sizes, 12, value, rngFor).points, all.points);
  const failing = tpePoints(sizes, 12, (n) => (n === all.points[0] ? 'failed' : value(n)), rngFor);
  assert.equal(failing.complete, true);
  assert.equal(tpePoints(sizes, 40, value, rngFor).points.length, 20);
});

test('tpe finds better points than random search with the same budget (mean best over 30 seeds on a 10 × 10 bowl)', () => {
  const sizes = [10, 10];
  const value = (n: number) => {
    const [a, b] = choicesOf(sizes, n);
    return -((a - 7) ** 2) - (b - 2) ** 2;
  };
  let tpe = 0;
  let random = 0;
  for (let seed = 1; seed <= 30; seed++) {
    tpe += Math.max(...tpePoints(sizes, 15, value, (k) => stream(seed, 'search', 'tpe', k)).points.map(value)) / 30;
    random += Math.max(...randomPoints(100, 15, stream(seed, 'search', 'random')).map(value)) / 30;
  }
  assert.ok(tpe > random, `tpe ${tpe} against random ${random}`);
});
