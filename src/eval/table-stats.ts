/**
 * Statistics for a table of models evaluated on the same users: each model's mean with a 95% bootstrap
 * confidence interval, paired comparisons (t-test and Wilcoxon signed-rank, significance.ts) of every model
 * against the table's reference models and against the best, with a bootstrap interval of each difference,
 * and Holm–Bonferroni adjusted p-values over every comparison the table makes.
 *
 * Choices, and why:
 * - A row may hold several runs (seeds) of the same users: its mean and interval are over each user's value
 *   averaged over all its runs, and a comparison of two rows averages each over the seeds both ran, so that a
 *   row with fewer seeds limits its own comparisons only.
 * - Percentile bootstrap over users (the unit the tests pair), with the same resampled users for every model
 *   and metric of a group, so that an interval of a difference is the interval of the paired difference.
 *   Percentiles are interpolated linearly between order statistics (numpy's default, Hyndman–Fan type 7).
 * - Holm's step-down adjustment (Holm 1979), one family per test kind: every t-test p of the table is adjusted
 *   with every other t-test p, the Wilcoxon p-values likewise. A comparison made twice (a reference that is
 *   also the best) counts once.
 * - "Not significantly different from the best" is decided by the paired t-test's adjusted p (the table prints
 *   means, and the t-test is the test of the mean difference); the Wilcoxon p is printed beside it.
 */
import type { Rng } from '../random/streams';
import { pairedTests } from './significance';

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Holm–Bonferroni adjusted p-values, in the order given: min(1, max over k' <= k of (m - k') p_(k')). */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  for (const [i, p] of pValues.entries()) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-value ${i} is ${p}, not in [0, 1]`);
  }
  const order = pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach((index, k) => {
    runningMax = Math.max(runningMax, (m - k) * pValues[index]);
    adjusted[index] = Math.min(1, runningMax);
  });
  return adjusted;
}

/** The q-quantile of ascending `sorted`, interpolated linearly between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}

/** The central `level` interval of the values in `samples` (sorted in place). */
export function percentileInterval(samples: Float64Array, level: number): Interval {
  samples.sort();
  const tail = (1 - level) / 2;
  return { low: quantileSorted(samples, tail), high: quantileSorted(samples, 1 - tail) };
}

/**
 * Bootstrap means of several vectors over the same resampled positions: resample b draws n positions
 * uniformly with replacement (rng.int(n), n draws in order), and row b of the result is every vector's mean
 * over them. Returns one Float64Array(resamples) per vector.
 */
export function bootstrapMeans(vectors: readonly Float64Array[], resamples: number, rng: Rng): Float64Array[] {
  const n = vectors[0]?.length ?? 0;
  if (n === 0) throw new Error('bootstrapMeans: no values to resample');
  for (const v of vectors) if (v.length !== n) throw new Error(`bootstrapMeans: vectors of ${v.length} and ${n} values`);
  // how many times each position is drawn: the means are then one weighted sum per vector
  const counts = new Uint32Array(n);
  const means = vectors.map(() => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[rng.int(n)]++;
    for (let v = 0; v < vectors.length; v++) {
      const values = vectors[v];
      let sum = 0;
      for (let i = 0; i < n; i++) sum += counts[i] * values[i];
      means[v][b] = sum / n;
    }
  }
  return means;
}

/** One run's per-user values of one metric, aligned with every other run of its group. */
export interface StatsRun {
  readonly seed: number;
  readonly values: Float64Array;
}

/** One model's runs of one metric (seeds in ascending order). */
export interface StatsRow {
  readonly label: string;
  readonly runs: readonly StatsRun[];
}

/** Rows evaluated on the same users (one dataset column), each metric with its rows. */
export interface StatsGroup {
  readonly key: string;
  readonly metrics: readonly { readonly metric: string; readonly rows: readonly StatsRow[] }[];
}

export interface Comparison {
  readonly label: string;
  readonly against: string;
  /** the seeds both rows ran: each user's value of either row is averaged over them */
  readonly seeds: readonly number[];
  /** mean(label - against) over users */
  readonly difference: number;
  readonly ci: Interval;
  readonly t: number;
  readonly tP: number;
  readonly tHolm: number;
  readonly wilcoxonP: number;
  readonly wilcoxonHolm: number;
}

export interface MetricStats {
  readonly metric: string;
  readonly rows: readonly { readonly label: string; readonly mean: number; readonly ci: Interval }[];
  /** the row with the highest mean (the first of equals), or null without rows */
  readonly best: string | null;
  /** rows other than the best whose t-test against it has a Holm-adjusted p >= alpha */
  readonly notDifferentFromBest: readonly string[];
  /** every row against each reference present, then against the best where no reference covered the pair */
  readonly comparisons: readonly Comparison[];
}

export interface GroupStats {
  readonly key: string;
  readonly users: number;
  readonly metrics: readonly MetricStats[];
}

export interface TableStatsOptions {
  /** the rows every other row is tested against (the paper's proposed models), in order */
  readonly references: readonly string[];
  readonly resamples: number;
  /** the bootstrap's stream for a group (one stream per group, so adding a group moves no other) */
  readonly rng: (groupKey: string) => Rng;
  readonly level?: number;
  readonly alpha?: number;
}

export interface TableStats {
  readonly groups: readonly GroupStats[];
  /** the size of each Holm family: the distinct comparisons of the whole table */
  readonly comparisons: number;
  readonly level: number;
  readonly alpha: number;
  readonly resamples: number;
}

type Unadjusted = Omit<Comparison, 'tHolm' | 'wilcoxonHolm'>;

/** Each user's value averaged over `runs` (aligned vectors). */
function meanOverRuns(runs: readonly StatsRun[]): Float64Array {
  const mean = new Float64Array(runs[0].values.length);
  for (const run of runs) {
    if (run.values.length !== mean.length) throw new Error(`tableStatistics: runs of ${run.values.length} and ${mean.length} users`);
    for (let i = 0; i < mean.length; i++) mean[i] += run.values[i];
  }
  return mean.map((sum) => sum / runs.length);
}

/** The pairs (i, j) to compare: every row against each reference present, then against the best, each pair once. */
function pairsToCompare(rows: readonly StatsRow[], best: string | null, references: readonly string[]): [number, number][] {
  const index = new Map(rows.map((r, i) => [r.label, i]));
  const made = new Set<string>();
  const pairs: [number, number][] = [];
  for (const against of [...references, ...(best === null ? [] : [best])]) {
    const j = index.get(against);
    if (j === undefined) continue;
    for (let i = 0; i < rows.length; i++) {
      const pair = [rows[i].label, rows[j].label].sort().join('\u0000');
      if (i === j || made.has(pair)) continue;
      made.add(pair);
      pairs.push([i, j]);
    }
  }
  return pairs;
}

/**
 * One group's vectors to resample, by index: each row's mean over all its runs, and for a comparison of rows
 * that differ in seeds, both rows' means over the seeds they share.
 */
class GroupVectors {
  readonly vectors: Float64Array[] = [];

  add(vector: Float64Array): number {
    return this.vectors.push(vector) - 1;
  }

  /** The two rows' vectors over their shared seeds, as indices: the rows' own where both ran exactly those. */
  pair(a: StatsRow, aIndex: number, b: StatsRow, bIndex: number): { seeds: number[]; a: number; b: number } {
    const bSeeds = new Set(b.runs.map((r) => r.seed));
    const seeds = a.runs.map((r) => r.seed).filter((seed) => bSeeds.has(seed));
    if (seeds.length === 0) throw new Error(`tableStatistics: ${a.label} and ${b.label} share no seed`);
    const over = (row: StatsRow, own: number) => (row.runs.length === seeds.length ? own : this.add(meanOverRuns(row.runs.filter((r) => seeds.includes(r.seed)))));
    return { seeds, a: over(a, aIndex), b: over(b, bIndex) };
  }
}

/**
 * Means with bootstrap intervals, the comparisons against the references and the best, and Holm's adjustment
 * over all of them. Every run of a group must hold the same users in the same order; every two rows compared
 * must share a seed; a group needs at least two users.
 */
export function tableStatistics(groups: readonly StatsGroup[], options: TableStatsOptions): TableStats {
  const level = options.level ?? 0.95;
  const alpha = options.alpha ?? 0.05;
  const staged = groups.map((group) => {
    const vectors = new GroupVectors();
    const planned = group.metrics.map(({ metric, rows }) => {
      const own = rows.map((r) => vectors.add(meanOverRuns(r.runs)));
      const means = own.map((k) => pairedMean(vectors.vectors[k]));
      const bestIndex = means.reduce((a, mean, i) => (a < 0 || mean > means[a] ? i : a), -1);
      const best = bestIndex < 0 ? null : rows[bestIndex].label;
      const pairs = pairsToCompare(rows, best, options.references).map(([i, j]) => ({ i, j, ...vectors.pair(rows[i], own[i], rows[j], own[j]) }));
      return { metric, rows, own, means, best, pairs };
    });
    const users = vectors.vectors[0]?.length ?? 0;
    if (vectors.vectors.length > 0 && users < 2) throw new Error(`tableStatistics: ${group.key} has ${users} user(s); at least 2 are needed`);
    const boot = vectors.vectors.length > 0 ? bootstrapMeans(vectors.vectors, options.resamples, options.rng(group.key)) : [];
    const metrics = planned.map(({ metric, rows, own, means, best, pairs }) => {
      const summaries = rows.map((r, i) => ({ label: r.label, mean: means[i], ci: percentileInterval(boot[own[i]].slice(), level) }));
      const comparisons = pairs.map(({ i, j, seeds, a, b }): Unadjusted => {
        const tests = pairedTests(vectors.vectors[a], vectors.vectors[b]);
        const differences = boot[a].map((mean, k) => mean - boot[b][k]);
        return {
          label: rows[i].label,
          against: rows[j].label,
          seeds,
          difference: tests.meanDifference,
          ci: percentileInterval(differences, level),
          t: tests.tTest.statistic,
          tP: tests.tTest.pValue,
          wilcoxonP: tests.wilcoxon.pValue,
        };
      });
      return { metric, rows: summaries, best, comparisons };
    });
    return { key: group.key, users, metrics };
  });
  const all = staged.flatMap((g) => g.metrics.flatMap((m) => m.comparisons));
  const tHolm = holmAdjust(all.map((c) => c.tP));
  const wilcoxonHolm = holmAdjust(all.map((c) => c.wilcoxonP));
  let k = 0;
  const adjusted = staged.map((g) => ({
    key: g.key,
    users: g.users,
    metrics: g.metrics.map((m) => {
      const comparisons = m.comparisons.map((c) => ({ ...c, tHolm: tHolm[k], wilcoxonHolm: wilcoxonHolm[k++] }));
      const withBest = (c: Comparison) => (c.against === m.best ? c.label : c.label === m.best ? c.against : null);
      const notDifferentFromBest = comparisons.filter((c) => withBest(c) !== null && c.tHolm >= alpha).map((c) => withBest(c) as string);
      return { ...m, comparisons, notDifferentFromBest };
    }),
  }));
  return { groups: adjusted, comparisons: all.length, level, alpha, resamples: options.resamples };
}

function pairedMean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
