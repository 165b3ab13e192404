import type { Rng } from '../random/streams';

/**
 * How a sweep picks its grid points (`search:` in the sweep file):
 * - grid: every point of the grid's cartesian product;
 * - random: `budget` distinct points drawn uniformly from the product;
 * - tpe: a Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011) over the grid's values: the first
 *   `startup` points are the random search's, then each next point maximises l(x)/g(x), where l and g are
 *   per-key categorical densities of the values among the best γ share of the finished points and among the
 *   rest. Every point is proposed at most once, so a budget never exceeds the product's size.
 *
 * Points are numbered by their place in the product (the first key varying slowest, as `grid` runs them), so
 * a point has the same number, label and trial id whichever search chose it. Draws come from the sweep's
 * `search` stream: with the same records the same points come out again, which is what lets a killed tuning
 * run resume (the proposals are recomputed from the index, never stored).
 */
export const SEARCH_METHODS = ['grid', 'random', 'tpe'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** TPE's share of the finished points that make up the "good" density l (hyperopt's γ). */
export const TPE_GAMMA = 0.25;
/** Points drawn from l per proposal; the one with the highest l/g is proposed (hyperopt draws 24). */
export const TPE_CANDIDATES = 24;
/** Random points before TPE proposes from the densities, unless the budget is smaller. */
export const TPE_STARTUP = 5;

/** Points in the product of axes of these sizes. */
export const spaceSize = (sizes: readonly number[]): number => sizes.reduce((a, b) => a * b, 1);

/** The value index per axis of point `n` (mixed radix, the first axis slowest). */
export function choicesOf(sizes: readonly number[], n: number): number[] {
  const choices = new Array<number>(sizes.length);
  for (let a = sizes.length - 1; a >= 0; a--) {
    choices[a] = n % sizes[a];
    n = Math.floor(n / sizes[a]);
  }
  return choices;
}

/** The point number of value indices per axis (the inverse of choicesOf). */
export function indexOf(sizes: readonly number[], choices: readonly number[]): number {
  return choices.reduce((n, c, a) => n * sizes[a] + c, 0);
}

/** A point not in `tried`, uniformly: by rejection while most are untried, else from the list of untried ones. */
function untried(size: number, tried: ReadonlySet<number>, rng: Rng): number {
  if (tried.size >= size) return -1;
  if (tried.size <= size / 2) {
    for (;;) {
      const n = rng.int(size);
      if (!tried.has(n)) return n;
    }
  }
  const left: number[] = [];
  for (let n = 0; n < size; n++) if (!tried.has(n)) left.push(n);
  return left[rng.int(left.length)];
}

/**
 * `count` distinct points drawn uniformly one after another (fewer when the product is smaller). A larger
 * count only adds points after these: the first k draws never depend on the count.
 */
export function randomPoints(size: number, count: number, rng: Rng): number[] {
  const tried = new Set<number>();
  const points: number[] = [];
  while (points.length < Math.min(count, size)) {
    const n = untried(size, tried, rng);
    tried.add(n);
    points.push(n);
  }
  return points;
}

/** A finished point: its number and its mean validation metric (higher is better). */
export interface Observation {
  readonly point: number;
  readonly value: number;
}

/**
 * Per axis, the Laplace-smoothed share of each value among the observations' points: (count + 1) / (n + size),
 * so a value never seen keeps some weight in both densities.
 */
function densities(sizes: readonly number[], points: readonly number[]): number[][] {
  const counts = sizes.map((size) => new Array<number>(size).fill(1));
  for (const n of points) choicesOf(sizes, n).forEach((c, a) => (counts[a][c] += 1));
  return counts.map((row, a) => row.map((c) => c / (points.length + sizes[a])));
}

/** A value index drawn from a categorical distribution. */
function draw(probabilities: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let k = 0; k < probabilities.length - 1; k++) {
    u -= probabilities[k];
    if (u < 0) return k;
  }
  return probabilities.length - 1;
}

/**
 * The TPE's next point given the finished observations (failed points left out) and every point already
 * proposed (finished or not), or -1 when every point has been tried. The observations are ranked by value
 * (the earlier one first on a tie); the best ⌈γ n⌉ (at least one) make l, the rest g. Candidates are drawn
 * from l, the untried ones scored by Σ_axis log l − log g, and the first with the highest score is proposed;
 * when every candidate was tried already, a random untried point is.
 */
export function tpePropose(sizes: readonly number[], observations: readonly Observation[], tried: ReadonlySet<number>, rng: Rng): number {
  const size = spaceSize(sizes);
  if (tried.size >= size) return -1;
  const ranked = observations.map((o, k) => ({ ...o, k })).sort((a, b) => b.value - a.value || a.k - b.k);
  const good = Math.max(1, Math.ceil(TPE_GAMMA * ranked.length));
  const l = densities(sizes, ranked.slice(0, good).map((o) => o.point));
  const g = densities(sizes, ranked.slice(good).map((o) => o.point));
  let best = -1;
  let bestScore = -Infinity;
  for (let k = 0; k < TPE_CANDIDATES; k++) {
    const choices = l.map((p) => draw(p, rng));
    const n = indexOf(sizes, choices);
    if (tried.has(n)) continue;
    const score = choices.reduce((s, c, a) => s + Math.log(l[a][c]) - Math.log(g[a][c]), 0);
    if (score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  return best >= 0 ? best : untried(size, tried, rng);
}

/**
 * The TPE's points so far: the first min(startup, budget) are random (they need no results, so they can run
 * at once), each later one is proposed from the observations of all points before it. `valueOf` gives a
 * point's mean validation metric, 'failed' when its trials failed, or null while it is unfinished; the
 * sequence stops at the first proposal that needs an unfinished point's result (`complete` false).
 */
export function tpePoints(
  sizes: readonly number[],
  budget: number,
  valueOf: (point: number) => number | 'failed' | null,
  rngFor: (k: number) => Rng,
  startup = TPE_STARTUP,
): { points: number[]; complete: boolean } {
  const size = spaceSize(sizes);
  const total = Math.min(budget, size);
  const points = randomPoints(size, Math.min(startup, total), rngFor(0));
  const tried = new Set(points);
  while (points.length < total) {
    const observations: Observation[] = [];
    for (const point of points) {
      const value = valueOf(point);
      if (value === null) return { points, complete: false };
      if (value !== 'failed') observations.push({ point, value });
    }
    const next = tpePropose(sizes, observations, tried, rngFor(points.length));
    tried.add(next);
    points.push(next);
  }
  return { points, complete: true };
}
