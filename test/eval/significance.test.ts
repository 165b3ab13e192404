import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalTwoSidedP,
  pairedTests,
  PairedTestResult,
  regularizedIncompleteBeta,
  studentTTwoSidedP,
} from '../../src/eval/significance';

// Every expected number below was computed with SciPy 1.17 / NumPy (python3) and pasted here, so the test does not need
// python. For each data set: scipy.stats.ttest_rel(a, b) gives the t statistic, df and p-value; np.mean(d) / np.std(d,
// ddof=1) with d = a - b gives cohensDz; scipy.stats.wilcoxon(a, b) (defaults: zero_method='wilcox', correction=False,
// two-sided, method='auto') gives the Wilcoxon statistic and p-value; W+ and W- for rankBiserial are sums of
// scipy.stats.rankdata(abs(d[d != 0])) over the positive and negative differences.

/** |actual - expected| <= max(relTol * |expected|, absTol); equal values (infinities included) always pass. */
function assertClose(actual: number, expected: number, relTol: number, absTol = 0, label = ''): void {
  if (actual === expected) return;
  const tolerance = Math.max(relTol * Math.abs(expected), absTol);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: expected ${expected}, got ${actual} (difference ${Math.abs(actual - expected)}, tolerance ${tolerance})`,
  );
}

const REL_TOL = 1e-10;

function assertMatches(actual: PairedTestResult, expected: PairedTestResult): void {
  assert.equal(actual.n, expected.n);
  assertClose(actual.meanA, expected.meanA, REL_TOL, 0, 'meanA');
  assertClose(actual.meanB, expected.meanB, REL_TOL, 0, 'meanB');
  assertClose(actual.meanDifference, expected.meanDifference, REL_TOL, 0, 'meanDifference');
  assert.equal(actual.tTest.df, expected.tTest.df);
  assertClose(actual.tTest.statistic, expected.tTest.statistic, REL_TOL, 0, 't statistic');
  assertClose(actual.tTest.pValue, expected.tTest.pValue, REL_TOL, 0, 't pValue');
  assertClose(actual.tTest.cohensDz, expected.tTest.cohensDz, REL_TOL, 0, 'cohensDz');
  assert.equal(actual.wilcoxon.method, expected.wilcoxon.method);
  assert.equal(actual.wilcoxon.nonZero, expected.wilcoxon.nonZero);
  assert.equal(actual.wilcoxon.statistic, expected.wilcoxon.statistic);
  assertClose(actual.wilcoxon.pValue, expected.wilcoxon.pValue, REL_TOL, 0, 'wilcoxon pValue');
  assertClose(actual.wilcoxon.rankBiserial, expected.wilcoxon.rankBiserial, REL_TOL, 0, 'rankBiserial');
}

// numpy.random.default_rng(20240611); a = round(uniform(0.2, 0.6, 10), 4); b = round(a - normal(0.03, 0.05, 10), 4).
// No zero and no tied |a - b|: scipy uses the exact null distribution.
const smallA = [0.2759, 0.5999, 0.4347, 0.534, 0.3063, 0.245, 0.5144, 0.408, 0.5745, 0.4578];
const smallB = [0.3435, 0.5778, 0.4413, 0.4835, 0.2542, 0.2614, 0.5311, 0.4515, 0.5839, 0.4118];
const smallExpected: PairedTestResult = {
  n: 10,
  meanA: 0.43505000000000005,
  meanB: 0.43400000000000005,
  meanDifference: 0.0010499999999999897,
  tTest: { statistic: 0.0813331247149662, df: 9, pValue: 0.9369570376780594, cohensDz: 0.02571979233178263 },
  wilcoxon: { statistic: 26, pValue: 0.921875, method: 'exact', nonZero: 10, rankBiserial: 0.05454545454545454 },
};

test('pairedTests matches scipy on a small sample without ties (exact Wilcoxon)', () => {
  assertMatches(pairedTests(smallA, smallB), smallExpected);
});

test('swapping a and b flips the signs and keeps the p-values', () => {
  const forward = pairedTests(smallA, smallB);
  const backward = pairedTests(smallB, smallA);
  assertClose(backward.tTest.statistic, -forward.tTest.statistic, 1e-15);
  assert.equal(backward.tTest.pValue, forward.tTest.pValue);
  assert.equal(backward.wilcoxon.statistic, forward.wilcoxon.statistic);
  assert.equal(backward.wilcoxon.pValue, forward.wilcoxon.pValue);
  assert.equal(backward.wilcoxon.rankBiserial, -forward.wilcoxon.rankBiserial);
});

test('the exact Wilcoxon p-value is capped at 1 when W+ = W-', () => {
  // d = [1, -2, -3, 4]: W+ = W- = 5, 2 P(W <= 5) = 9/8; scipy.stats.wilcoxon gives statistic 5.0, p 1.0.
  const result = pairedTests([1, 0, 0, 4], [0, 2, 3, 0]);
  assert.deepEqual(result.wilcoxon, { statistic: 5, pValue: 1, method: 'exact', nonZero: 4, rankBiserial: 0 });
  assert.deepEqual(result.tTest, { statistic: 0, df: 3, pValue: 1, cohensDz: 0 });
});

// Half-point ratings (exact in binary, so equal |a - b| really tie), n = 60: 16 zero differences and many ties.
// scipy (n > 50, and ties) uses the normal approximation with the tie-corrected variance.
const ratingsA = [
  1, 5, 3.5, 3.5, 2, 1.5, 3, 5, 2, 5, 2, 2.5, 2, 4.5, 3, 2, 4.5, 4, 3, 1, 4.5, 2, 4, 2, 5, 5, 3, 1.5, 2, 1.5, 4.5, 3,
  5, 5, 1.5, 3, 4.5, 1, 2.5, 3, 3.5, 3, 2, 1, 1.5, 2.5, 4, 3, 3, 2.5, 4, 2, 2.5, 4, 2.5, 3.5, 3, 4, 4.5, 4.5,
];
const ratingsB = [
  1, 4.5, 2, 3.5, 2.5, 1.5, 1.5, 5, 2.5, 5, 1.5, 3.5, 3, 4, 2, 1.5, 5, 4, 2.5, 1, 4, 0.5, 4.5, 0.5, 4.5, 5, 2.5, 0.5,
  0.5, 2.5, 4.5, 2, 5, 4.5, 1, 3, 4.5, 0.5, 2, 2.5, 3, 2, 1, 0.5, 2, 2.5, 3.5, 2.5, 1.5, 3, 5, 1.5, 1, 4, 2, 3.5,
  2.5, 3, 5, 4.5,
];

test('pairedTests matches scipy on ratings with zeros and ties (normal approximation)', () => {
  assertMatches(pairedTests(ratingsA, ratingsB), {
    n: 60,
    meanA: 3.066666666666667,
    meanB: 2.75,
    meanDifference: 0.31666666666666665,
    tTest: { statistic: 3.661151142792565, df: 59, pValue: 0.0005381601344440719, cohensDz: 0.4726525801327952 },
    wilcoxon: {
      statistic: 228,
      pValue: 0.0013133293876641666,
      method: 'normal',
      nonZero: 44,
      rankBiserial: 0.5393939393939394,
    },
  });
});

// Leave-one-out NDCG@10 of two models on 200 users: 0 on a miss, round(1 / log2(rank + 1), 4) on a hit. Both models
// miss for 69 users and hit at the same rank for 2; those 71 zero differences are dropped.
const ndcgA = [
  0, 0.301, 0.3155, 0.3562, 0.301, 0, 0, 0.2891, 1, 0.301, 0.3562, 0, 0.5, 0.2891, 0, 0, 0.3562, 0, 0, 0.3155, 0, 0,
  0.6309, 0, 0.6309, 0, 0.3333, 0.3333, 0, 0, 0.5, 0, 0, 0, 0.6309, 0.3562, 1, 0, 0.3333, 0, 0, 0.3333, 0, 0, 0.3333,
  0, 0, 0, 0, 0, 1, 0.3869, 0, 0.3869, 0, 0.2891, 0.6309, 0, 0.2891, 0.301, 0.3562, 0, 0.3562, 0, 0, 0, 0, 0, 0,
  0.3333, 0, 0, 0, 0.3333, 0.301, 1, 0, 0.5, 0, 0.4307, 0.4307, 0, 0, 0, 0, 0, 0.4307, 0.3562, 0.5, 0.3333, 0.3869,
  0.301, 0.6309, 0.4307, 0, 0, 0, 0, 0.6309, 0.2891, 0.5, 1, 0, 0, 0.3155, 1, 0, 0.4307, 0.4307, 0, 0, 0, 0.3333,
  0.3562, 0, 0, 0.2891, 0, 0.2891, 0, 0.3562, 0, 0.3869, 0.2891, 0, 0, 0, 1, 0, 0, 1, 0.3333, 0.6309, 0, 0.301,
  0.3155, 0, 0.3155, 0, 0.2891, 0.6309, 0, 0, 0, 0, 0.3155, 0, 0, 0.4307, 0, 0.3562, 0, 0, 0.3155, 0, 0.4307, 0.301,
  0, 0, 0.3333, 0.301, 0.5, 0, 0, 0.3869, 0, 0, 0.3562, 0.3869, 0, 1, 0.301, 0, 0.3562, 0.4307, 0.3333, 0.2891, 0,
  0.3562, 0, 0.5, 0, 0, 0, 0.3333, 0.5, 0.4307, 0, 0.3869, 0.4307, 0.2891, 0, 0.5, 0, 0.3562, 0, 0, 0.5, 0.2891, 0,
];
const ndcgB = [
  0, 0, 0, 0, 0, 0, 0.3562, 0.3562, 0.3869, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.3333, 0.3562, 0.6309,
  0.5, 0, 0, 0, 1, 0.6309, 0, 0, 0, 0.5, 0.6309, 0.3155, 0, 0, 0, 0, 0, 0.3562, 0, 0.301, 0, 0.301, 0, 0, 0, 0.2891,
  0, 0.3333, 0, 0, 0.3562, 0, 0, 0, 0.3562, 0, 0, 0, 0.3155, 0, 0, 0.3333, 0.5, 0, 0, 0.4307, 0, 0, 0.3869, 0, 0, 0,
  0.2891, 0.3333, 0, 0, 0, 0, 0, 0, 0, 0.4307, 0, 0, 1, 0, 0, 0.3869, 0, 0, 0, 0, 0.2891, 0, 0, 0, 0.6309, 0, 0.2891,
  0.3155, 0.3869, 0, 0, 0.6309, 0, 0, 0, 0.4307, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0.4307, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0.4307, 0, 0, 0.3333, 0, 0, 0, 0, 0, 0, 0, 0.3155, 0, 0, 0.301, 0, 0, 0, 0, 0, 0.4307, 0, 0, 0, 0.301,
  0, 0.2891, 0, 0, 0.2891, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.301, 0.3562, 0, 0, 0.5, 1, 0, 0, 0.3869, 0, 0.2891,
  0, 0, 0, 0, 0.301, 0.3562, 1, 0.6309,
];

test('pairedTests matches scipy on NDCG-like values, many 0 in both (Float64Array input)', () => {
  assertMatches(pairedTests(Float64Array.from(ndcgA), Float64Array.from(ndcgB)), {
    n: 200,
    meanA: 0.222503,
    meanB: 0.1370595,
    meanDifference: 0.08544349999999999,
    tTest: { statistic: 3.456902315180324, df: 199, pValue: 0.0006680382441024691, cohensDz: 0.24443990689634826 },
    wilcoxon: {
      statistic: 2794,
      pValue: 0.0010015871278888525,
      method: 'normal',
      nonZero: 129,
      rankBiserial: 0.33357185450208704,
    },
  });
});

// n = 30 with 5 zero differences and no tied non-zero |d|. We use the exact distribution of the 25 non-zero
// differences; scipy's method='auto' would switch to the normal approximation (p 0.005816358945786271) because zeros
// are present, so the reference here is scipy.stats.wilcoxon(a, b, method='exact').
const zerosA = [
  0.1126, 0.1928, 0.7865, 0.1149, 0.821, 0.8596, 0.9813, 0.3379, 0.2941, 0.1438, 0.3983, 0.0311, 0.8979, 0.3515,
  0.1706, 0.7195, 0.8743, 0.5581, 0.5553, 0.4501, 0.4844, 0.0753, 0.9953, 0.9388, 0.517, 0.344, 0.4711, 0.2011,
  0.9644, 0.2001,
];
const zerosB = [
  0.0005, -0.0583, 0.8083, 0.1149, 0.9795, 0.5726, 0.9179, 0.3379, 0.3534, -0.0171, 0.4966, 0.0311, 0.8776, -0.0549,
  0.2507, 0.5172, 0.9055, 0.4865, 0.5638, 0.4501, 0.1679, -0.0099, 0.8056, 0.7081, 0.42, 0.344, 0.3433, 0.2436,
  0.9224, -0.0632,
];

test('zero differences are dropped before the exact Wilcoxon test', () => {
  assertMatches(pairedTests(zerosA, zerosB), {
    n: 30,
    meanA: 0.4947566666666666,
    meanB: 0.4138533333333333,
    meanDifference: 0.08090333333333334,
    tTest: { statistic: 3.233378836323877, df: 29, pValue: 0.0030467593765726633, cohensDz: 0.5903315085381305 },
    wilcoxon: {
      statistic: 60,
      pValue: 0.004604637622833252,
      method: 'exact',
      nonZero: 25,
      rankBiserial: 0.6307692307692307,
    },
  });
});

test('identical inputs: no evidence of a difference', () => {
  // scipy.stats.wilcoxon gives statistic 0.0, p 1.0; scipy.stats.ttest_rel gives nan, which we report as t = 0, p = 1.
  const result = pairedTests([0.1, 0.5, 0.3], new Float64Array([0.1, 0.5, 0.3]));
  assert.equal(result.meanDifference, 0);
  assert.deepEqual(result.tTest, { statistic: 0, df: 2, pValue: 1, cohensDz: 0 });
  assert.deepEqual(result.wilcoxon, { statistic: 0, pValue: 1, method: 'exact', nonZero: 0, rankBiserial: 0 });
});

test('a constant non-zero difference gives an infinite t statistic', () => {
  // scipy.stats.ttest_rel([1, 2, 3], [0.5, 1.5, 2.5]) gives statistic inf, p 0.0. The three |d| tie, so the Wilcoxon
  // test uses the normal approximation: scipy.stats.wilcoxon(a, b, method='asymptotic') gives p 0.0832645166635504
  // (method='auto' would run a permutation test here, p 0.25).
  const result = pairedTests([1, 2, 3], [0.5, 1.5, 2.5]);
  assert.deepEqual(result.tTest, { statistic: Infinity, df: 2, pValue: 0, cohensDz: Infinity });
  assert.equal(result.wilcoxon.method, 'normal');
  assert.equal(result.wilcoxon.statistic, 0);
  assertClose(result.wilcoxon.pValue, 0.0832645166635504, REL_TOL);
  assert.equal(result.wilcoxon.rankBiserial, 1);
  const reversed = pairedTests([0.5, 1.5, 2.5], [1, 2, 3]).tTest;
  assert.deepEqual(reversed, { statistic: -Infinity, df: 2, pValue: 0, cohensDz: -Infinity });
});

test('pairedTests rejects unusable input with a one-line message', () => {
  assert.throws(() => pairedTests([1, 2, 3], [1, 2]), {
    message: 'pairedTests: a and b must have the same length, got 3 and 2',
  });
  assert.throws(() => pairedTests([1], [2]), /need at least 2 pairs, got 1/);
  assert.throws(() => pairedTests([1, NaN], [2, 3]), /a\[1\] is NaN, not a finite number/);
  assert.throws(() => pairedTests([1, 2], [2, Infinity]), /b\[1\] is Infinity, not a finite number/);
});

test('regularizedIncompleteBeta matches scipy.special.betainc', () => {
  // [x, a, b, scipy.special.betainc(a, b, x)]
  const cases: [number, number, number, number][] = [
    [0.5, 2, 3, 0.6875],
    [0.2, 1, 1, 0.2],
    [0.1, 0.5, 0.5, 0.20483276469913345],
    [0.3, 2.5, 3, 0.2412375539211816],
    [0.9, 7, 9, 0.999997153517547],
    [1e-5, 0.1, 10, 0.41655822619209415],
    [0.95, 50, 0.5, 0.02387270549699076],
    [0.999, 99.5, 0.5, 0.6558532764186372],
    [0.4, 1000, 1500, 0.5010858488742148],
    [0.999, 50000, 3, 2.4473548347665067e-19],
  ];
  for (const [x, a, b, expected] of cases) {
    assertClose(regularizedIncompleteBeta(x, a, b), expected, REL_TOL, 0, `I_${x}(${a}, ${b})`);
  }
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  assert.throws(() => regularizedIncompleteBeta(1.5, 2, 3), RangeError);
  assert.throws(() => regularizedIncompleteBeta(0.5, 0, 3), RangeError);
});

test('studentTTwoSidedP matches scipy.stats.t', () => {
  // [t, df, 2 * scipy.stats.t.sf(abs(t), df)]
  const cases: [number, number, number][] = [
    [0, 5, 1],
    [1, 1, 0.5000000000000001],
    [0.5, 2.5, 0.6576979198697148],
    [2, 10, 0.07338803477074037],
    [-3.5, 29, 0.0015244463146546023],
    [1.96, 199, 0.05139183390416014],
    [10, 199, 2.467187260518278e-19],
    [40, 199, 4.3394585669291187e-97],
    [1e-6, 1000, 0.9999992023148854],
    [2.5, 100000, 0.012420919192559051],
  ];
  for (const [t, df, expected] of cases) {
    assertClose(studentTTwoSidedP(t, df), expected, REL_TOL, 0, `t=${t}, df=${df}`);
  }
  assert.equal(studentTTwoSidedP(Infinity, 10), 0);
  assert.throws(() => studentTTwoSidedP(1, 0), RangeError);
});

test('normalTwoSidedP matches scipy.stats.norm', () => {
  // [z, 2 * scipy.stats.norm.sf(abs(z))]
  const cases: [number, number][] = [
    [0, 1],
    [1.96, 0.04999579029644087],
    [-1.96, 0.04999579029644087],
    [5, 5.733031437583866e-7],
    [10, 1.523970604832094e-23],
  ];
  for (const [z, expected] of cases) assertClose(normalTwoSidedP(z), expected, REL_TOL, 0, `z=${z}`);
});
