import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { stream, type Rng } from '../../src/random/streams';
import { bootstrapMeans, holmAdjust, percentileInterval, quantileSorted, tableStatistics } from '../../src/eval/table-stats';
import { pairedTests } from '../../src/eval/significance';

const close = (actual: number, expected: number, tolerance: number, label: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: expected ${expected}, got ${actual}`);

test('Holm: by hand, with ties and the cap at 1', () => {
  // sorted 0.005, 0.01, 0.03, 0.04, 0.04, 0.2 times 6, 5, 4, 3, 2, 1: 0.03, 0.05, 0.12, 0.12, 0.08 -> 0.12 (running max), 0.2
  assert.deepEqual(holmAdjust([0.01, 0.04, 0.03, 0.005, 0.2, 0.04]).map((p) => Number(p.toFixed(12))), [0.05, 0.12, 0.12, 0.03, 0.2, 0.12]);
  // 0.01 x 3 = 0.03, 0.3 x 2 = 0.6, 0.6 x 1 = 0.6
  assert.deepEqual(holmAdjust([0.3, 0.6, 0.01]).map((p) => Number(p.toFixed(12))), [0.6, 0.6, 0.03]);
  assert.deepEqual(holmAdjust([0.5, 0.6]), [1, 1]);
  assert.deepEqual(holmAdjust([0.2]), [0.2]);
  assert.deepEqual(holmAdjust([]), []);
  assert.throws(() => holmAdjust([0.1, Number.NaN]), /p-value 1 is NaN/);
});

test("Holm matches statsmodels' multipletests(method='holm') (scripts/reference/table_stats.py)", () => {
  const p = [0.01563, 0.0322, 0.024068, 0.002029, 0.003604, 0.030524, 1e-6, 0.026977, 0.025413, 0.008759, 0.003673, 0.003101];
  const statsmodels = [0.09378, 0.12034, 0.12034, 0.022319, 0.032436, 0.12034, 1.2e-5, 0.12034, 0.12034, 0.06131299999999999, 0.032436, 0.03101];
  holmAdjust(p).forEach((adjusted, i) => close(adjusted, statsmodels[i], 1e-15, `p ${i}`));
});

test("percentiles interpolate linearly between order statistics, as numpy's percentile does", () => {
  const sorted = Float64Array.from([0.3, 0.1, 0.7, 0.2, 0.9, 0.5, 0.4]).sort();
  close(quantileSorted(sorted, 0.025), 0.115, 1e-15, '2.5%');
  close(quantileSorted(sorted, 0.975), 0.8699999999999999, 1e-15, '97.5%');
  close(quantileSorted(sorted, 0.5), 0.4, 1e-15, 'median');
  assert.equal(quantileSorted(Float64Array.of(3), 0.025), 3);
});

/** An Rng whose int() returns the scripted positions in order. */
const scripted = (positions: number[]): Rng => {
  let k = 0;
  return { int: () => positions[k++] } as unknown as Rng;
};

test('bootstrap by hand: scripted resamples give the means and the percentile interval worked out on paper', () => {
  // resamples of [1, 2, 3, 4]: positions 0 0 1 3 -> (1+1+2+4)/4 = 2; 2 2 2 2 -> 3; 3 1 0 0 -> (4+2+1+1)/4 = 2
  const values = Float64Array.from([1, 2, 3, 4]);
  const other = Float64Array.from([4, 0, 0, 0]);
  const [means, otherMeans] = bootstrapMeans([values, other], 3, scripted([0, 0, 1, 3, 2, 2, 2, 2, 3, 1, 0, 0]));
  assert.deepEqual([...means], [2, 3, 2]);
  // the same positions for every vector: 4+4+0+0, 0, 0+0+4+4 over 4
  assert.deepEqual([...otherMeans], [2, 0, 2]);
  // sorted 2, 2, 3: 2.5% at h = 2 x 0.025 = 0.05 -> 2; 97.5% at h = 1.95 -> 2 + 0.95 x (3 - 2) = 2.95
  const ci = percentileInterval(means, 0.95);
  assert.equal(ci.low, 2);
  close(ci.high, 2.95, 1e-12, 'high');
});

test('bootstrap: resample b draws n positions from the stream in order (checked with plain arrays and seedrandom itself)', () => {
  const values = Float64Array.from([0.5, 0.1, 0.9, 0.3, 0, 1, 0.7]);
  const [means] = bootstrapMeans([values], 50, stream(3, 'bootstrap', 'x'));
  const alea = seedrandom.alea('memrec/3/bootstrap/x');
  const expected: number[] = [];
  for (let b = 0; b < 50; b++) {
    let sum = 0;
    for (let k = 0; k < values.length; k++) sum += values[Math.floor(alea() * values.length)];
    expected.push(sum / values.length);
  }
  means.forEach((mean, b) => close(mean, expected[b], 1e-15, `resample ${b}`));
});

test('bootstrap: a two-user sample has the resample means 0, 1/2, 1 with chances 1/4, 1/2, 1/4, so its 95% interval is [0, 1]', () => {
  const [means] = bootstrapMeans([Float64Array.from([0, 1])], 4000, stream(1, 'bootstrap'));
  const counts = [0, 0.5, 1].map((v) => means.filter((m) => m === v).length / 4000);
  counts.forEach((share, k) => close(share, [0.25, 0.5, 0.25][k], 0.03, `share of ${k / 2}`));
  assert.deepEqual(percentileInterval(means, 0.95), { low: 0, high: 1 });
});

test('bootstrap: the 95% interval of a mean over 400 users is about mean ± 1.96 sd / sqrt(n)', () => {
  const rng = stream(9, 'bootstrap', 'data');
  const values = Float64Array.from({ length: 400 }, () => rng.uniform());
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  const half = (1.96 * sd) / Math.sqrt(values.length);
  const ci = percentileInterval(bootstrapMeans([values], 2000, stream(9, 'bootstrap'))[0], 0.95);
  close(ci.low, mean - half, 0.1 * half, 'low');
  close(ci.high, mean + half, 0.1 * half, 'high');
});

// scripts/reference/table_stats.py: three models on 60 users, two metrics; A is the reference, C the best on both
const DATA = {
  m1A: [0.83, 0.47, 0.89, 0.11, 0.2, 0.88, 0.81, 0.43, 0.82, 0.32, 0.02, 0.97, 0.36, 0.66, 0.87, 0.87, 0.79, 0.02, 0.53, 1.0, 0.8, 0.95, 0.44, 0.39, 0.39, 0.51, 0.27, 0.01, 0.48, 0.79, 0.85, 0.17, 0.83, 0.15, 0.73, 0.04, 0.16, 0.3, 0.0, 0.84, 0.15, 0.79, 0.2, 0.23, 0.38, 0.79, 0.07, 0.87, 0.45, 1.0, 0.58, 0.76, 0.03, 0.8, 0.78, 0.67, 0.09, 0.24, 0.04, 0.0],
  m1B: [0.91, 0.27, 0.79, 0.05, 0.14, 0.62, 0.62, 0.12, 0.51, 0.04, 0.27, 0.65, 0.13, 0.96, 0.54, 0.76, 0.52, 0.33, 0.31, 0.64, 0.34, 0.73, 0.28, 0.38, 0.69, 0.51, 0.24, 0.36, 0.47, 0.94, 0.98, 0.05, 0.83, 0.0, 0.36, 0.42, 0.28, 0.59, 0.36, 0.76, 0.29, 0.55, 0.0, 0.36, 0.44, 0.65, 0.23, 0.64, 0.18, 0.88, 0.34, 0.67, 0.38, 0.8, 0.74, 0.42, 0.28, 0.05, 0.0, 0.0],
  m1C: [1.0, 0.34, 0.66, 0.44, 0.5, 0.85, 0.63, 0.25, 1.0, 0.19, 0.0, 1.0, 0.14, 1.0, 0.55, 0.73, 0.55, 0.11, 0.44, 1.0, 0.38, 0.72, 0.64, 0.68, 0.8, 0.55, 0.5, 0.08, 0.31, 1.0, 1.0, 0.13, 0.92, 0.33, 0.51, 0.63, 0.0, 0.51, 0.0, 1.0, 0.38, 0.67, 0.05, 0.53, 0.26, 0.73, 0.28, 0.83, 0.25, 0.96, 0.84, 0.56, 0.0, 1.0, 0.85, 0.55, 0.04, 0.24, 0.0, 0.3],
  m2A: [0.07, 0.75, 1.0, 0.09, 0.81, 0.86, 0.65, 0.36, 0.0, 1.0, 0.33, 1.0, 0.72, 1.0, 0.19, 1.0, 0.68, 0.84, 0.7, 0.86, 1.0, 0.17, 0.68, 0.59, 0.44, 0.33, 1.0, 0.33, 0.04, 0.49, 0.52, 0.48, 0.73, 0.31, 0.24, 0.24, 1.0, 0.0, 0.85, 0.39, 0.75, 0.39, 0.53, 0.05, 0.0, 0.57, 0.72, 1.0, 1.0, 0.39, 0.66, 0.48, 0.65, 0.64, 0.79, 0.55, 0.31, 0.49, 0.62, 0.43],
  m2B: [0.1, 0.56, 0.78, 0.02, 0.69, 0.75, 0.75, 0.5, 0.0, 0.9, 0.44, 0.94, 0.74, 0.68, 0.14, 0.91, 0.5, 0.52, 0.39, 0.42, 0.72, 0.13, 0.66, 0.89, 0.43, 0.0, 0.82, 0.61, 0.11, 0.39, 0.59, 0.21, 0.84, 0.0, 0.18, 0.02, 0.89, 0.07, 0.81, 0.04, 0.41, 0.81, 0.44, 0.13, 0.17, 0.92, 0.99, 0.91, 0.88, 0.25, 0.75, 0.83, 0.52, 0.69, 0.79, 0.49, 0.31, 0.44, 0.46, 0.27],
  m2C: [0.0, 0.42, 0.99, 0.26, 0.8, 0.67, 0.77, 0.37, 0.31, 0.89, 0.45, 0.85, 0.86, 0.96, 0.37, 0.8, 0.57, 0.68, 0.31, 0.77, 0.93, 0.08, 0.75, 1.0, 0.79, 0.07, 1.0, 0.53, 0.21, 0.86, 0.74, 0.59, 0.86, 0.0, 0.31, 0.0, 0.94, 0.0, 0.73, 0.55, 0.28, 0.5, 0.61, 0.3, 0.0, 0.89, 1.0, 0.92, 0.83, 0.55, 0.62, 0.82, 0.53, 0.52, 0.93, 0.83, 0.2, 0.6, 0.39, 0.73],
};

// SciPy's ttest_rel and wilcoxon, statsmodels' Holm over the six comparisons, in tableStatistics' order
const SCIPY = [
  { metric: 'm1', label: 'B', against: 'A', difference: -0.05366666666666667, t: -1.9145867438829594, tP: 0.06039808840149765, wilcoxonP: 0.07271096843805766 },
  { metric: 'm1', label: 'C', against: 'A', difference: 0.025333333333333336, t: 0.9547220782640532, tP: 0.34361371916944405, wilcoxonP: 0.365028379633218 },
  { metric: 'm1', label: 'B', against: 'C', difference: -0.079, t: -3.0740578887359105, tP: 0.003195728640595604, wilcoxonP: 0.0020186543472673945 },
  { metric: 'm2', label: 'B', against: 'A', difference: -0.05266666666666667, t: -2.158265690789802, tP: 0.034987665651712636, wilcoxonP: 0.020327468526842547 },
  { metric: 'm2', label: 'C', against: 'A', difference: 0.022166666666666664, t: 0.8483596773055517, tP: 0.3996665109000995, wilcoxonP: 0.33427587141441595 },
  { metric: 'm2', label: 'B', against: 'C', difference: -0.07483333333333332, t: -3.2209051130219626, tP: 0.0020804655808931995, wilcoxonP: 0.007116515155162996 },
];
const T_HOLM = [0.18119426520449294, 0.6872274383388881, 0.01597864320297802, 0.13995066260685055, 0.6872274383388881, 0.012482793485359196];
const WILCOXON_HOLM = [0.21813290531417298, 0.6685517428288319, 0.012111926083604367, 0.08130987410737019, 0.6685517428288319, 0.03558257577581498];

const group = (key: string) => ({
  key,
  metrics: (['m1', 'm2'] as const).map((metric) => ({
    metric,
    rows: (['A', 'B', 'C'] as const).map((label) => ({ label, runs: [{ seed: 1, values: Float64Array.from(DATA[`${metric}${label}`]) }] })),
  })),
});

test('tableStatistics: the comparisons against the reference and the best, their p-values and Holm as SciPy and statsmodels give them', () => {
  const stats = tableStatistics([group('data')], { references: ['A'], resamples: 500, rng: () => stream(1, 'bootstrap') });
  assert.equal(stats.comparisons, 6);
  const comparisons = stats.groups[0].metrics.flatMap((m) => m.comparisons.map((c) => ({ metric: m.metric, ...c })));
  assert.deepEqual(comparisons.map((c) => `${c.metric} ${c.label}-${c.against}`), SCIPY.map((c) => `${c.metric} ${c.label}-${c.against}`));
  comparisons.forEach((c, k) => {
    const expected = SCIPY[k];
    close(c.difference, expected.difference, 1e-12, `${k} difference`);
    close(c.t, expected.t, 1e-10, `${k} t`);
    close(c.tP, expected.tP, 1e-10 * expected.tP, `${k} t p`);
    close(c.wilcoxonP, expected.wilcoxonP, 1e-10 * expected.wilcoxonP, `${k} Wilcoxon p`);
    close(c.tHolm, T_HOLM[k], 1e-10 * T_HOLM[k], `${k} t Holm`);
    close(c.wilcoxonHolm, WILCOXON_HOLM[k], 1e-10 * WILCOXON_HOLM[k], `${k} Wilcoxon Holm`);
    // the difference's interval holds its mean and lies within the bootstrap's reach
    assert.ok(c.ci.low < c.difference && c.difference < c.ci.high, `${k} interval`);
  });
  for (const m of stats.groups[0].metrics) {
    assert.equal(m.best, 'C');
    // A against C: Holm 0.687 (not different); B against C: 0.016 and 0.012 (different)
    assert.deepEqual(m.notDifferentFromBest, ['A']);
    const means = Object.fromEntries(m.rows.map((r) => [r.label, r.mean]));
    const plain = (label: 'A' | 'B' | 'C') => DATA[`${m.metric as 'm1' | 'm2'}${label}`].reduce((a, v) => a + v, 0) / 60;
    for (const label of ['A', 'B', 'C'] as const) close(means[label], plain(label), 1e-12, `${m.metric} ${label} mean`);
  }
});

test("tableStatistics: a group's means and differences share its resampled users, so the interval of a difference is the paired one", () => {
  const stats = tableStatistics([group('data')], { references: ['A'], resamples: 300, rng: () => stream(4, 'bootstrap', 'data') });
  // the same resamples, by hand: every vector's means over one stream's positions, in the metrics' and rows' order
  const vectors = ['m1A', 'm1B', 'm1C', 'm2A', 'm2B', 'm2C'].map((k) => Float64Array.from(DATA[k as keyof typeof DATA]));
  const boot = bootstrapMeans(vectors, 300, stream(4, 'bootstrap', 'data'));
  const m1 = stats.groups[0].metrics[0];
  assert.deepEqual(m1.rows[1].ci, percentileInterval(boot[1].slice(), 0.95));
  const bMinusA = boot[1].map((mean, b) => mean - boot[0][b]);
  assert.deepEqual(m1.comparisons[0].ci, percentileInterval(bMinusA, 0.95));
  // paired: much narrower than the interval of a difference of independent means would be
  const width = (ci: { low: number; high: number }) => ci.high - ci.low;
  assert.ok(width(m1.comparisons[0].ci) < 0.6 * (width(m1.rows[0].ci) + width(m1.rows[1].ci)));
});

test('tableStatistics: without references every row is tested against the best only; Holm spans every group', () => {
  const stats = tableStatistics([group('one'), group('two')], { references: [], resamples: 100, rng: (key) => stream(1, 'bootstrap', key) });
  // per group and metric: A and B against the best C
  assert.equal(stats.comparisons, 8);
  const first = stats.groups[0].metrics[0].comparisons;
  assert.deepEqual(first.map((c) => `${c.label}-${c.against}`), ['A-C', 'B-C']);
  // the same p-values in both groups, each adjusted within the family of 8: B-C is the smallest pair (m2: 0.00208, m1: 0.00320)
  close(stats.groups[1].metrics[1].comparisons[1].tHolm, 8 * 0.0020804655808931995, 1e-12, 'smallest of 8');
  // a reference row that is not in a group adds nothing
  assert.equal(tableStatistics([group('one')], { references: ['Z'], resamples: 10, rng: () => stream(1, 'bootstrap') }).comparisons, 4);
});

test('tableStatistics: rows with different seeds; a row averages its own, a comparison the seeds both rows ran', () => {
  // A and B ran seeds 1-3, C seed 1 only. Each row's seeds average to the SciPy data; seed 1 of every row is
  // shifted by the same d, so a comparison over seed 1 alone (C-A, B-C) gives SciPy's figures too, and one
  // that mixed C's seed 1 with A's three seeds would be off by mean(d) = 0.07.
  const d = DATA.m1A.map((_, i) => 0.05 + 0.01 * (i % 5));
  const runs = (values: number[], seeds: number[]) =>
    seeds.map((seed) => ({ seed, values: Float64Array.from(values, (v, i) => v + [d[i], -d[i], 0][seed - 1]) }));
  const rows = [
    { label: 'A', runs: runs(DATA.m1A, [1, 2, 3]) },
    { label: 'B', runs: runs(DATA.m1B, [1, 2, 3]) },
    { label: 'C', runs: runs(DATA.m1C, [1]) },
  ];
  const stats = tableStatistics([{ key: 'data', metrics: [{ metric: 'm1', rows }] }], { references: ['A'], resamples: 200, rng: () => stream(2, 'bootstrap') });
  const m = stats.groups[0].metrics[0];
  const plainMean = (values: ArrayLike<number>) => Array.from(values).reduce((a, v) => a + v, 0) / values.length;
  close(m.rows[0].mean, plainMean(DATA.m1A), 1e-12, 'A: mean over its three seeds');
  close(m.rows[2].mean, plainMean(DATA.m1C) + plainMean(d), 1e-12, 'C: its one seed');
  assert.equal(m.best, 'C');
  assert.deepEqual(m.comparisons.map((c) => `${c.label}-${c.against} ${c.seeds.join(',')}`), ['B-A 1,2,3', 'C-A 1', 'B-C 1']);
  const scipy = [SCIPY[0], SCIPY[1], SCIPY[2]];
  // the same vectors by hand (each user's values summed in seed order, then divided), for the rank test: the
  // shifts move some ties by rounding, so its p is checked on these rather than on SciPy's exact data
  const averaged = (row: (typeof rows)[number], seeds: number[]) =>
    Float64Array.from(row.runs[0].values, (_, i) => row.runs.filter((r) => seeds.includes(r.seed)).reduce((a, r) => a + r.values[i], 0) / seeds.length);
  const pairs = [[averaged(rows[1], [1, 2, 3]), averaged(rows[0], [1, 2, 3])], [averaged(rows[2], [1]), averaged(rows[0], [1])], [averaged(rows[1], [1]), averaged(rows[2], [1])]];
  m.comparisons.forEach((c, k) => {
    close(c.difference, scipy[k].difference, 1e-12, `${k} difference`);
    close(c.tP, scipy[k].tP, 1e-9 * scipy[k].tP, `${k} t p`);
    assert.equal(c.wilcoxonP, pairedTests(pairs[k][0], pairs[k][1]).wilcoxon.pValue, `${k} Wilcoxon p`);
  });
  holmAdjust(scipy.map((c) => c.tP)).forEach((p, k) => close(m.comparisons[k].tHolm, p, 1e-9 * p, `${k} t Holm over 3`));
  // C-A's interval: the bootstrap of C's and A's seed-1 values over the group's resampled users
  const [a1, c1] = bootstrapMeans([rows[0].runs[0].values, rows[2].runs[0].values], 200, stream(2, 'bootstrap'));
  assert.deepEqual(m.comparisons[1].ci, percentileInterval(c1.map((mean, b) => mean - a1[b]), 0.95));
  // A's own interval is unchanged by the extra vectors the comparisons resample
  const [aAll] = bootstrapMeans([Float64Array.from(DATA.m1A, (v, i) => (v + d[i] + v - d[i] + v) / 3)], 200, stream(2, 'bootstrap'));
  const ci = percentileInterval(aAll, 0.95);
  close(m.rows[0].ci.low, ci.low, 1e-12, 'A low');
  close(m.rows[0].ci.high, ci.high, 1e-12, 'A high');
});

test('tableStatistics: two rows compared must share a seed', () => {
  const one = (seed: number) => [{ seed, values: Float64Array.from(DATA.m1A) }];
  const group = { key: 'data', metrics: [{ metric: 'm1', rows: [{ label: 'A', runs: one(1) }, { label: 'B', runs: one(2) }] }] };
  assert.throws(() => tableStatistics([group], { references: ['A'], resamples: 10, rng: () => stream(1, 'bootstrap') }), /A and B share no seed|B and A share no seed/);
});
