/**
 * Paired significance tests for comparing two models on the same users (or folds): the paired t-test and the
 * Wilcoxon signed-rank test, with the special functions they need. Results match scipy.stats.ttest_rel and
 * scipy.stats.wilcoxon (zero_method='wilcox', correction=False, two-sided) to about 1e-12, except where the
 * choice between the exact and the normal Wilcoxon p-value differs (see EXACT_WILCOXON_MAX_N).
 */

export interface PairedTestResult {
  /** Number of pairs. */
  n: number;
  meanA: number;
  meanB: number;
  /** mean(a - b). */
  meanDifference: number;
  /** Two-sided paired t-test; cohensDz = mean(d) / sd(d), sample sd (n - 1). */
  tTest: { statistic: number; df: number; pValue: number; cohensDz: number };
  /**
   * Two-sided Wilcoxon signed-rank test on the non-zero differences; statistic = min(W+, W-).
   * rankBiserial = (W+ - W-) / (W+ + W-), positive when a tends to exceed b.
   */
  wilcoxon: { statistic: number; pValue: number; method: 'exact' | 'normal'; nonZero: number; rankBiserial: number };
}

type TTestResult = PairedTestResult['tTest'];
type WilcoxonResult = PairedTestResult['wilcoxon'];

/**
 * Largest number of non-zero differences for which the exact null distribution of W+ is used (when no |d| tie).
 * scipy's method='auto' differs when there are zero differences: it then uses the normal approximation, or a
 * permutation test for n <= 13, while we drop the zeros and stay exact.
 */
const EXACT_WILCOXON_MAX_N = 50;

/** Paired t-test and Wilcoxon signed-rank test of a against b; a[i] and b[i] belong to the same user. */
export function pairedTests(a: Float64Array | number[], b: Float64Array | number[]): PairedTestResult {
  validatePairs(a, b);
  const differences = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) differences[i] = a[i] - b[i];
  const meanDifference = mean(differences);
  return {
    n: a.length,
    meanA: mean(a),
    meanB: mean(b),
    meanDifference,
    tTest: pairedTTest(differences, meanDifference),
    wilcoxon: wilcoxonSignedRank(differences),
  };
}

function validatePairs(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new Error(`pairedTests: a and b must have the same length, got ${a.length} and ${b.length}`);
  }
  if (a.length < 2) throw new Error(`pairedTests: need at least 2 pairs, got ${a.length}`);
  for (const [name, values] of [['a', a], ['b', b]] as const) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new Error(`pairedTests: ${name}[${i}] is ${values[i]}, not a finite number`);
      }
    }
  }
}

/** Mean with Neumaier-compensated summation, so long metric vectors lose no precision to rounding. */
function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return (sum + compensation) / values.length;
}

function pairedTTest(differences: Float64Array, meanDifference: number): TTestResult {
  const n = differences.length;
  const df = n - 1;
  if (differences.every((d) => d === differences[0])) return constantDifferenceTTest(differences[0], df);
  let sumOfSquares = 0;
  for (const d of differences) sumOfSquares += (d - meanDifference) ** 2;
  const sd = Math.sqrt(sumOfSquares / df);
  const statistic = meanDifference / (sd / Math.sqrt(n));
  return { statistic, df, pValue: studentTTwoSidedP(statistic, df), cohensDz: meanDifference / sd };
}

/** sd(d) = 0: no difference at all is no evidence; a constant non-zero difference is a certain one. */
function constantDifferenceTTest(difference: number, df: number): TTestResult {
  if (difference === 0) return { statistic: 0, df, pValue: 1, cohensDz: 0 };
  const infinity = difference > 0 ? Infinity : -Infinity;
  return { statistic: infinity, df, pValue: 0, cohensDz: infinity };
}

function wilcoxonSignedRank(differences: Float64Array): WilcoxonResult {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, method: 'exact', nonZero: 0, rankBiserial: 0 };

  const { ranks, tieSum } = averageRanks(nonZero.map(Math.abs));
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (nonZero[i] > 0) wPlus += ranks[i];
  // Ranks are multiples of 1/2, so these sums are exact.
  const rankTotal = (n * (n + 1)) / 2;
  const wMinus = rankTotal - wPlus;
  const statistic = Math.min(wPlus, wMinus);
  const exact = n <= EXACT_WILCOXON_MAX_N && tieSum === 0;
  return {
    statistic,
    pValue: exact ? exactSignedRankP(statistic, n) : normalSignedRankP(statistic, n, tieSum),
    method: exact ? 'exact' : 'normal',
    nonZero: n,
    rankBiserial: (wPlus - wMinus) / rankTotal,
  };
}

/** 1-based average ranks of `values`, and the tie term sum(t^3 - t) over groups of t equal values. */
function averageRanks(values: Float64Array): { ranks: Float64Array; tieSum: number } {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => values[i] - values[j]);

  const ranks = new Float64Array(n);
  let tieSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = averageRank;
    const t = end - start;
    tieSum += t * t * t - t;
    start = end;
  }
  return { ranks, tieSum };
}

/** Two-sided exact p-value 2 P(W+ <= statistic) for n untied non-zero differences. */
function exactSignedRankP(statistic: number, n: number): number {
  const counts = signedRankNullCounts(n);
  let atOrBelow = 0;
  for (let w = 0; w <= statistic; w++) atOrBelow += counts[w];
  return Math.min(1, (2 * atOrBelow) / 2 ** n);
}

/**
 * counts[w] = number of the 2^n sign assignments whose positive ranks sum to w.
 * Every count is below 2^n <= 2^50, so float64 holds them, and sums of them, exactly.
 */
function signedRankNullCounts(n: number): Float64Array {
  const counts = new Float64Array((n * (n + 1)) / 2 + 1);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank++) {
    const maxSum = (rank * (rank + 1)) / 2;
    for (let w = maxSum; w >= rank; w--) counts[w] += counts[w - rank];
  }
  return counts;
}

/** Normal approximation with the tie-corrected variance and no continuity correction (scipy's default). */
function normalSignedRankP(statistic: number, n: number, tieSum: number): number {
  const mu = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSum / 48;
  return normalTwoSidedP((statistic - mu) / Math.sqrt(variance));
}

/**
 * Two-sided p-value of Student's t with df degrees of freedom: P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2).
 * Relative error below 1e-13 up to df = 1000, then growing about as df * 5e-17 (4e-12 at df = 1e5), because the
 * continued fraction for x close to 1 loses the digits of 1 - x.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (!(df > 0 && Number.isFinite(df))) {
    throw new RangeError(`studentTTwoSidedP: df must be positive and finite, got ${df}`);
  }
  // x = df/(df+t^2) and 1-x = t^2/(df+t^2), each formed without cancellation or overflow in t^2.
  const absT = Math.abs(t);
  if (absT < Math.sqrt(df)) {
    const s = (absT / df) * absT;
    return incompleteBeta(1 / (1 + s), s / (1 + s), df / 2, 0.5);
  }
  const r = df / absT / absT;
  return incompleteBeta(r / (1 + r), 1 / (1 + r), df / 2, 0.5);
}

/** Two-sided p-value of a standard normal z: P(|Z| >= |z|) = erfc(|z| / sqrt(2)). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return erfcNonNegative(Math.abs(z) / Math.SQRT2);
}

/** Regularized incomplete beta function I_x(a, b), by its continued fraction. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: x must be in [0, 1], got ${x}`);
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(`regularizedIncompleteBeta: a and b must be positive and finite, got a=${a}, b=${b}`);
  }
  return incompleteBeta(x, 1 - x, a, b);
}

/** I_x(a, b) given x and y = 1 - x, so that a caller who knows y more precisely than 1 - x rounds can pass it. */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x === 0) return 0;
  if (y === 0) return 1;
  // The continued fraction converges fast only below the mean of Beta(a, b); above it use I_x(a,b) = 1 - I_y(b,a).
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBetaContinuedFraction(y, x, b, a);
  return incompleteBetaContinuedFraction(x, y, a, b);
}

const CONTINUED_FRACTION_EPSILON = 1e-15;
const CONTINUED_FRACTION_MAX_ITERATIONS = 100_000;
const TINY = 1e-300;

/** I_x(a, b) = x^a y^b / (a B(a, b)) * CF, y = 1 - x, with CF evaluated by the modified Lentz method. */
function incompleteBetaContinuedFraction(x: number, y: number, a: number, b: number): number {
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const logPrefactor = a * logX + b * logY - logBeta(a, b);
  const awayFromZero = (value: number): number => (Math.abs(value) < TINY ? TINY : value);

  let c = 1;
  let d = 1 / awayFromZero(1 - ((a + b) * x) / (a + 1));
  let fraction = d;
  for (let m = 1; m <= CONTINUED_FRACTION_MAX_ITERATIONS; m++) {
    const evenTerm = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / awayFromZero(1 + evenTerm * d);
    c = awayFromZero(1 + evenTerm / c);
    fraction *= d * c;

    const oddTerm = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / awayFromZero(1 + oddTerm * d);
    c = awayFromZero(1 + oddTerm / c);
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < CONTINUED_FRACTION_EPSILON) return (Math.exp(logPrefactor) * fraction) / a;
  }
  throw new Error(`regularizedIncompleteBeta: continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

/** Arguments at or above this use the Stirling series directly. */
const STIRLING_MIN = 10;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** B_2k / (2k (2k - 1)), k = 1..8: with z >= 10 the truncation error is below 1e-17. */
const STIRLING_COEFFICIENTS = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400,
];

/** ln B(a, b); with a large argument the Stirling terms are combined by hand, so large ln Γ values cancel exactly. */
function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  const total = a + b;
  if (large < STIRLING_MIN) return logGamma(a) + logGamma(b) - logGamma(total);
  const corrections = stirlingCorrection(large) - stirlingCorrection(total);
  if (small < STIRLING_MIN) {
    const logGammaRatio = -(large - 0.5) * Math.log1p(small / large) - small * Math.log(total) + small;
    return logGamma(small) + logGammaRatio + corrections; // ln Γ(small) + ln [Γ(large) / Γ(total)]
  }
  return (
    HALF_LOG_TWO_PI -
    0.5 * Math.log(total) +
    (small - 0.5) * Math.log(small / total) +
    (large - 0.5) * Math.log1p(-small / total) +
    stirlingCorrection(small) +
    corrections
  );
}

/** ln Γ(z) for z > 0: Stirling's series at z + k >= 10, shifted back by Γ(z) = Γ(z + k) / (z (z+1) ... (z+k-1)). */
function logGamma(z: number): number {
  let shifted = z;
  let product = 1;
  while (shifted < STIRLING_MIN) {
    product *= shifted;
    shifted += 1;
  }
  const stirling = HALF_LOG_TWO_PI + (shifted - 0.5) * Math.log(shifted) - shifted + stirlingCorrection(shifted);
  return stirling - Math.log(product);
}

/** ln Γ(z) - [(z - 1/2) ln z - z + ln(2π)/2] for z >= 10. */
function stirlingCorrection(z: number): number {
  const inverseSquare = 1 / (z * z);
  let series = 0;
  for (let k = STIRLING_COEFFICIENTS.length - 1; k >= 0; k--) {
    series = series * inverseSquare + STIRLING_COEFFICIENTS[k];
  }
  return series / z;
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969), as in
// Netlib SPECFUN CALERF: erf on [0, 0.46875], erfc on (0.46875, 4] and on (4, 26.543).
const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const ERFC_Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185,
];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
/** erfc underflows to 0 beyond this. */
const ERFC_X_BIG = 26.543;

/** erfc(y) for y >= 0. */
function erfcNonNegative(y: number): number {
  if (y <= 0.46875) {
    const ysq = y * y;
    let numerator = ERF_A[4] * ysq;
    let denominator = ysq;
    for (let i = 0; i < 3; i++) {
      numerator = (numerator + ERF_A[i]) * ysq;
      denominator = (denominator + ERF_B[i]) * ysq;
    }
    return 1 - (y * (numerator + ERF_A[3])) / (denominator + ERF_B[3]);
  }
  if (y >= ERFC_X_BIG) return 0;
  let ratio: number;
  if (y <= 4) {
    let numerator = ERFC_C[8] * y;
    let denominator = y;
    for (let i = 0; i < 7; i++) {
      numerator = (numerator + ERFC_C[i]) * y;
      denominator = (denominator + ERFC_D[i]) * y;
    }
    ratio = (numerator + ERFC_C[7]) / (denominator + ERFC_D[7]);
  } else {
    const inverseSquare = 1 / (y * y);
    let numerator = ERFC_P[5] * inverseSquare;
    let denominator = inverseSquare;
    for (let i = 0; i < 4; i++) {
      numerator = (numerator + ERFC_P[i]) * inverseSquare;
      denominator = (denominator + ERFC_Q[i]) * inverseSquare;
    }
    ratio = (ONE_OVER_SQRT_PI - (inverseSquare * (numerator + ERFC_P[4])) / (denominator + ERFC_Q[4])) / y;
  }
  // exp(-y^2) split as exp(-r^2) exp(-(y-r)(y+r)), r = y rounded down to 1/16, to keep y^2's rounding error out.
  const rounded = Math.trunc(16 * y) / 16;
  return Math.exp(-rounded * rounded) * Math.exp(-(y - rounded) * (y + rounded)) * ratio;
}
