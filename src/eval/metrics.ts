/**
 * Ranking metrics, per user, from a 0/1 relevance matrix of ranked lists.
 *
 * rel holds one row of `width` positions per user (row b starts at b * width); rel[b*width + k] = 1 when the
 * item at rank k + 1 is one of the user's targets. Positions past the end of a shorter list are 0.
 * `numRelevant[b]` is |T_u|, the number of distinct targets. Each metric at cut-off N, for user u:
 *
 *   precision  hits / N                         recall  hits / |T_u|
 *   f1         2PR / (P + R), 0 when both are 0 hr      1 if hits > 0
 *   ndcg       DCG / IDCG, binary gains, DCG = sum_k rel_k / log2(k + 1), IDCG over min(|T_u|, N) hits
 *   map        (1 / min(|T_u|, N)) sum_k rel_k * P@k
 *   map_rel    (1 / |T_u|) sum_k rel_k * P@k (the normaliser of AP over all of a user's targets; MARS)
 *   mrr        1 / rank of the first hit, 0 without a hit
 *
 * A user with no targets scores 0 on every metric. Values are float64: the list scan per user is O(N),
 * tiny next to the O(items) scoring done in tensors, and float64 keeps the means exact to 1e-12.
 */
export interface MetricDefinition {
  readonly name: string;
  readonly doc: string;
  value(rel: Uint8Array, start: number, cutoff: number, numRelevant: number): number;
}

const DISCOUNT_CACHE: number[] = [];
/** 1 / log2(rank + 1) for rank = k + 1. */
function discount(k: number): number {
  for (let i = DISCOUNT_CACHE.length; i <= k; i++) DISCOUNT_CACHE.push(1 / Math.log2(i + 2));
  return DISCOUNT_CACHE[k];
}

function hits(rel: Uint8Array, start: number, cutoff: number): number {
  let h = 0;
  for (let k = 0; k < cutoff; k++) h += rel[start + k];
  return h;
}

function averagePrecisionSum(rel: Uint8Array, start: number, cutoff: number): number {
  let h = 0;
  let sum = 0;
  for (let k = 0; k < cutoff; k++) {
    if (rel[start + k]) {
      h += 1;
      sum += h / (k + 1);
    }
  }
  return sum;
}

const precision: MetricDefinition = {
  name: 'precision',
  doc: 'hits / N',
  value: (rel, start, n, numRelevant) => (numRelevant === 0 ? 0 : hits(rel, start, n) / n),
};

const recall: MetricDefinition = {
  name: 'recall',
  doc: 'hits / |T_u|',
  value: (rel, start, n, numRelevant) => (numRelevant === 0 ? 0 : hits(rel, start, n) / numRelevant),
};

const f1: MetricDefinition = {
  name: 'f1',
  doc: '2PR / (P + R) per user, 0 when both are 0',
  value: (rel, start, n, numRelevant) => {
    if (numRelevant === 0) return 0;
    const h = hits(rel, start, n);
    if (h === 0) return 0;
    const p = h / n;
    const r = h / numRelevant;
    return (2 * p * r) / (p + r);
  },
};

const hr: MetricDefinition = {
  name: 'hr',
  doc: '1 if at least one target is in the top N',
  value: (rel, start, n, numRelevant) => (numRelevant > 0 && hits(rel, start, n) > 0 ? 1 : 0),
};

const ndcg: MetricDefinition = {
  name: 'ndcg',
  doc: 'binary-gain DCG over the ideal DCG of min(|T_u|, N) hits',
  value: (rel, start, n, numRelevant) => {
    if (numRelevant === 0) return 0;
    let dcg = 0;
    for (let k = 0; k < n; k++) if (rel[start + k]) dcg += discount(k);
    if (dcg === 0) return 0;
    let ideal = 0;
    for (let k = 0; k < Math.min(numRelevant, n); k++) ideal += discount(k);
    return dcg / ideal;
  },
};

const map: MetricDefinition = {
  name: 'map',
  doc: '(1 / min(|T_u|, N)) * sum over hits of P@k',
  value: (rel, start, n, numRelevant) =>
    numRelevant === 0 ? 0 : averagePrecisionSum(rel, start, n) / Math.min(numRelevant, n),
};

const mapRel: MetricDefinition = {
  name: 'map_rel',
  doc: '(1 / |T_u|) * sum over hits of P@k (MARS variant)',
  value: (rel, start, n, numRelevant) => (numRelevant === 0 ? 0 : averagePrecisionSum(rel, start, n) / numRelevant),
};

const mrr: MetricDefinition = {
  name: 'mrr',
  doc: '1 / rank of the first hit',
  value: (rel, start, n, numRelevant) => {
    if (numRelevant === 0) return 0;
    for (let k = 0; k < n; k++) if (rel[start + k]) return 1 / (k + 1);
    return 0;
  },
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
 * Per-user values of each requested metric. rel has `users` rows of `width` positions; every cut-off must
 * be at most `width` (positions past a list's end are 0, so a cut-off beyond a short list is still exact).
 */
export function perUserMetrics(
  rel: Uint8Array,
  width: number,
  numRelevant: Int32Array,
  requested: readonly MetricAt[],
): Record<string, Float64Array> {
  const users = numRelevant.length;
  const out: Record<string, Float64Array> = {};
  for (const m of requested) {
    if (m.cutoff > width) throw new Error(`metric ${m.key}: cut-off beyond the ranked width ${width}`);
    const definition = METRICS[m.metric];
    const values = new Float64Array(users);
    for (let b = 0; b < users; b++) values[b] = definition.value(rel, b * width, m.cutoff, numRelevant[b]);
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
