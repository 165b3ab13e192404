import type { Interactions, UserLists } from '../data/interactions';
import type { Rng } from '../random/streams';
import { ConfigError } from '../util/errors';
import { upperBound } from '../random/weighted';

export type NegativeSampler = 'uniform' | 'popularity';

/**
 * Sampled-evaluation candidates: for each user with targets, the distinct targets plus `n` negatives drawn
 * without replacement from the items the user never touched (training, validation and test items are all
 * excluded), sorted by item index so that equal scores fall to the same tie policy as full ranking.
 * Users without targets get an empty list. Drawn once per run from the `sampling` stream and saved with it.
 *
 * `popularity` draws in proportion to the items' training counts (items never seen in training are never
 * drawn); `uniform` gives every untouched item the same chance.
 */
export function sampleCandidates(
  data: Interactions,
  targets: UserLists,
  n: number,
  sampler: NegativeSampler,
  itemWeights: Float32Array,
  rng: Rng,
): UserLists {
  const numItems = data.numItems;
  const cumulative = sampler === 'popularity' ? cumulativeWeights(itemWeights) : null;
  const touched = new Uint8Array(numItems);
  const drawable = (item: number) => !cumulative || weightOf(itemWeights, item) > 0;
  let drawableItems = 0;
  for (let i = 0; i < numItems; i++) if (drawable(i)) drawableItems++;
  const lengths = new Int32Array(data.numUsers);
  const perUser: Int32Array[] = new Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) {
    const userTargets = targets.items.subarray(targets.offsets[u], targets.offsets[u + 1]);
    if (userTargets.length === 0) {
      perUser[u] = new Int32Array(0);
      continue;
    }
    const history = data.items.subarray(data.offsets[u], data.offsets[u + 1]);
    let available = drawableItems;
    for (const item of history) {
      if (!touched[item] && drawable(item)) available--;
      touched[item] = 1;
    }
    if (available < n) {
      throw new ConfigError(
        `eval.num_negatives: ${n} negatives asked, but user ${data.userIds[u]} has only ${available} items to draw from`,
      );
    }
    const negatives = cumulative ? drawWeighted(n, itemWeights, cumulative, touched, rng) : drawUniform(n, touched, rng);
    for (const item of history) touched[item] = 0;
    for (const item of negatives) touched[item] = 0;
    const distinctTargets = Int32Array.from(new Set(userTargets));
    const candidates = new Int32Array(distinctTargets.length + n);
    candidates.set(distinctTargets);
    candidates.set(negatives, distinctTargets.length);
    perUser[u] = candidates.sort();
    lengths[u] = candidates.length;
  }
  const offsets = new Int32Array(data.numUsers + 1);
  for (let u = 0; u < data.numUsers; u++) offsets[u + 1] = offsets[u] + lengths[u];
  const items = new Int32Array(offsets[data.numUsers]);
  for (let u = 0; u < data.numUsers; u++) items.set(perUser[u], offsets[u]);
  return { offsets, items };
}

/** An item's sampling weight; negative (or NaN) weights count as zero, and zero-weight items are never drawn. */
function weightOf(weights: Float32Array, item: number): number {
  const w = weights[item];
  return w > 0 ? w : 0;
}

function cumulativeWeights(weights: Float32Array): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = total += weightOf(weights, i);
  return cumulative;
}

/** Marks each drawn item in `touched` so that it is not drawn again; the caller clears the marks. */
function drawUniform(n: number, touched: Uint8Array, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  let drawn = 0;
  let tries = 0;
  // Rejection is fast while most items are free; past a budget, draw from the explicit list of free items.
  while (drawn < n && tries < 20 * n + 100) {
    tries++;
    const item = rng.int(touched.length);
    if (touched[item]) continue;
    touched[item] = 1;
    out[drawn++] = item;
  }
  if (drawn < n) {
    const free: number[] = [];
    for (let i = 0; i < touched.length; i++) if (!touched[i]) free.push(i);
    for (let k = 0; drawn < n; k++) {
      const j = k + rng.int(free.length - k);
      [free[k], free[j]] = [free[j], free[k]];
      touched[free[k]] = 1;
      out[drawn++] = free[k];
    }
  }
  return out;
}

/** As drawUniform, in proportion to `weights`; the caller has checked that n free items carry weight. */
function drawWeighted(n: number, weights: Float32Array, cumulative: Float64Array, touched: Uint8Array, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  const total = cumulative[cumulative.length - 1];
  let drawn = 0;
  let tries = 0;
  while (drawn < n && tries < 50 * n + 100) {
    tries++;
    const item = upperBound(cumulative, rng.uniform() * total);
    if (touched[item]) continue;
    touched[item] = 1;
    out[drawn++] = item;
  }
  // The rare user whose untouched items carry little weight: successive weighted draws over the free items.
  while (drawn < n) {
    const item = drawFree(weights, touched, rng);
    touched[item] = 1;
    out[drawn++] = item;
  }
  return out;
}

/**
 * One draw, in proportion to weight, among the untouched items with positive weight (at least one exists).
 * Works from the weights themselves, not from differences of the cumulative sums, which lose weights far
 * below the total.
 */
function drawFree(weights: Float32Array, touched: Uint8Array, rng: Rng): number {
  let free = 0;
  let last = -1;
  for (let i = 0; i < touched.length; i++) {
    const w = touched[i] ? 0 : weightOf(weights, i);
    if (w === 0) continue;
    free += w;
    last = i;
  }
  let target = rng.uniform() * free;
  for (let i = 0; i < touched.length; i++) {
    if (touched[i]) continue;
    const w = weightOf(weights, i);
    if (target < w) return i;
    target -= w;
  }
  return last; // rounding left the target just past the last free item
}
