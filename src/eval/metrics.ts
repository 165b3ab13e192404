/**
 * Ranking metrics, per user, from the ranks of the user's distinct targets.
 *
 * ranks holds one row of `width` values per user (row b starts at b * width): the 1-based ranks of the user's
 * distinct targets in ascending order, Infinity for a target that is not ranked (excluded, or below the list)
 * and for the padding after the user's last target. Ranks are whole numbers except under the `expected` tie
 * policy, which gives tied targets the block's mean rank. `numRelevant[b]` is |T_u|. Each metric at cut-off N:
 *
 *   precision  hits / N                         recall  hits / |T_u|          (hits: targets with rank <= N)
 *   f1         2PR / (P + R), 0 when both are 0 hr      1 if hits > 0
 *   ndcg       DCG / IDCG, binary gains, DCG = sum over hits of 1 / log2(rank + 1), IDCG over min(|T_u|, N) hits
 *   map        (1 / min(|T_u|, N)) sum over the j-th hit of j / rank_j   (the precision at each hit)
 *   map_rel    (1 / |T_u|) sum over the j-th hit of j / rank_j (the normaliser of AP over all targets; MARS)
 *   mrr        1 / rank of the first hit, 0 without a hit
 *
 * A user with no targets scores 0 on every metric. Values are float64: the scan per user is O(targets),
 * tiny next to the O(items) scoring done in tensors, and float64 keeps the means exact to 1e-12.
 */
export interface MetricDefinition {
  readonly name: string;
  readonly doc: string;
  value(ranks: Float64Array, start: number, cutoff: number, numRelevant: number): number;
}

/** 1 / log2(rank + 1). */
const discount = (rank: number): number => 1 / Math.log2(rank + 1);

/** Targets ranked within the cut-off (the row is sorted, padding is Infinity). */
function hits(ranks: Float64Array, start: number, cutoff: number, numRelevant: number): number {
  let h = 0;
  while (h < numRelevant && ranks[start + h] <= cutoff) h++;
  return h;
}

function averagePrecisionSum(ranks: Float64Array, start: number, cutoff: number, numRelevant: number): number {
  let sum = 0;
  for (let j = 0; j < numRelevant && ranks[start + j] <= cutoff; j++) sum += (j + 1) / ranks[start + j];
  return sum;
}

const precision: MetricDefinition = {
  name: 'precision',
  doc: 'hits / N',
  value: (ranks, start, n, numRelevant) => (numRelevant === 0 ? 0 : hits(ranks, start, n, numRelevant) / n),
};

const recall: MetricDefinition = {
  name: 'recall',
  doc: 'hits / |T_u|',
  value: (ranks, start, n, numRelevant) => (numRelevant === 0 ? 0 : hits(ranks, start, n, numRelevant) / numRelevant),
};

const f1: MetricDefinition = {
  name: 'f1',
  doc: '2PR / (P + R) per user, 0 when both are 0',
  value: (ranks, start, n, numRelevant) => {
    if (numRelevant === 0) return 0;
    const h = hits(ranks, start, n, numRelevant);
    if (h === 0) return 0;
    const p = h / n;
    const r = h / numRelevant;
    return (2 * p * r) / (p + r);
  },
};

const hr: MetricDefinition = {
  name: 'hr',
  doc: '1 if at least one target is in the top N',
  value: (ranks, start, n, numRelevant) => (numRelevant > 0 && hits(ranks, start, n, numRelevant) > 0 ? 1 : 0),
};

const ndcg: MetricDefinition = {
  name: 'ndcg',
  doc: 'binary-gain DCG over the ideal DCG of min(|T_u|, N) hits',
  value: (ranks, start, n, numRelevant) => {
    if (numRelevant === 0) return 0;
    let dcg = 0;
    for (let j = 0; j < numRelevant && ranks[start + j] <= n; j++) dcg += discount(ranks[start + j]);
    if (dcg === 0) return 0;
    let ideal = 0;
    for (let k = 1; k <= Math.min(numRelevant, n); k++) ideal += discount(k);
    return dcg / ideal;
  },
};

const map: MetricDefinition = {
  name: 'map',
  doc: '(1 / min(|T_u|, N)) * sum over hits of P@k',
  value: (ranks, start, n, numRelevant) =>
    numRelevant === 0 ? 0 : averagePrecisionSum(ranks, start, n, numRelevant) / Math.min(numRelevant, n),
};

const mapRel: MetricDefinition = {
  name: 'map_rel',
  doc: '(1 / |T_u|) * sum over hits of P@k (MARS variant)',
  value: (ranks, start, n, numRelevant) => (numRelevant === 0 ? 0 : averagePrecisionSum(ranks, start, n, numRelevant) / numRelevant),
};

const mrr: MetricDefinition = {
  name: 'mrr',
  doc: '1 / rank of the first hit',
  value: (ranks, start, n, numRelevant) => (numRelevant > 0 && ranks[start] <= n ? 1 / ranks[start] : 0),
};

/** Every metric by name. A new metric (or a paper's variant) adds a definition and one entry here. */
export const METRICS: Readonly<Record<string, MetricDefinition>> = Object.fromEntries(
  [precision, recall, f1, hr, ndcg, map, mapRel, mrr].map((m) => [m.name, m]),
);

/** Other spellings accepted on the command line, mapped to the metric's name. */
const ALIASES: Readonly<Record<string, string>> = { p: 'precision', r: 'recall', hit: 'hr', hitrate: 'hr' };

/** A metric at a cut-off, e.g. ndcg@10. */
export interface MetricAt {
  readonly metric: string;
  readonly cutoff: number;
  readonly key: string;
}

/** Parses "ndcg@10" (case-insensitive, aliases allowed); null when the text is not a known metric@N. */
export function parseMetricAt(text: string): MetricAt | null {
  const match = /^([a-z_0-9]+)@(\d+)$/.exec(text.trim().toLowerCase());
  if (!match) return null;
  const metric = ALIASES[match[1]] ?? match[1];
  const cutoff = Number(match[2]);
  if (!METRICS[metric] || cutoff < 1) return null;
  return { metric, cutoff, key: `${metric}@${cutoff}` };
}

/** Every metric at every cut-off, in the order given. */
export function metricGrid(metrics: readonly string[], cutoffs: readonly number[]): MetricAt[] {
  return metrics.flatMap((metric) => cutoffs.map((cutoff) => ({ metric, cutoff, key: `${metric}@${cutoff}` })));
}

/**
 * The ranks rows of 0/1 relevance lists: rel has one row of `listWidth` positions per user (1 where the item at
 * that rank is a target); each row of the result holds the ranks of its hits in order, then Infinity, in
 * rows of `width` (at least the most targets any user has).
 */
export function ranksFromRelevance(rel: Uint8Array, listWidth: number, width: number): Float64Array {
  const users = rel.length / listWidth;
  const ranks = new Float64Array(users * width).fill(Infinity);
  for (let b = 0; b < users; b++) {
    let j = 0;
    for (let k = 0; k < listWidth && j < width; k++) if (rel[b * listWidth + k]) ranks[b * width + j++] = k + 1;
  }
  return ranks;
}

/** Per-user values of each requested metric from the rows of `ranks` (see the top of this file). */
export function perUserMetrics(
  ranks: Float64Array,
  width: number,
  numRelevant: Int32Array,
  requested: readonly MetricAt[],
): Record<string, Float64Array> {
  const users = numRelevant.length;
  const out: Record<string, Float64Array> = {};
  for (const m of requested) {
    const definition = METRICS[m.metric];
    const values = new Float64Array(users);
    for (let b = 0; b < users; b++) values[b] = definition.value(ranks, b * width, m.cutoff, numRelevant[b]);
    out[m.key] = values;
  }
  return out;
}

/** The arithmetic mean of per-user values (0 for no users). */
export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? 0 : sum / values.length;
}
