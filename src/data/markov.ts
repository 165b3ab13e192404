/**
 * A synthetic order-1 Markov chain (`data.source: markov`): the test bed on which every sequential model
 * should learn, because the best possible ranking is known.
 *
 * Each item has `successors` distinct successors drawn uniformly from the other items, with transition
 * probabilities proportional to weights drawn uniformly in (0, 1]. A user starts at a uniformly drawn item and
 * walks the chain for a length uniform in [min_length, max_length]. The next item depends on the current one
 * only, so the best ranking for a user ranks the successors of their last item by probability, and its
 * expected NDCG@K for a target drawn from the chain is Σ_{r ≤ K} p_(r) / log2(r + 1) over the sorted
 * probabilities p_(1) ≥ p_(2) ≥ ... of that item's successors (chainOptimum). That optimum holds with seen
 * items kept in the ranking (eval.exclude_history false): a walk revisits items, and excluding them would
 * remove true successors.
 */
import type { Interactions } from './interactions';
import type { Rng } from '../random/streams';
import { ConfigError } from '../util/errors';

export interface MarkovParams {
  numUsers: number;
  numItems: number;
  /** distinct successors per item */
  successors: number;
  minLength: number;
  maxLength: number;
}

export const DEFAULT_MARKOV_PARAMS: MarkovParams = Object.freeze({ numUsers: 3000, numItems: 300, successors: 3, minLength: 10, maxLength: 30 });

/** The chain: item i's successors next[i·S .. i·S+S-1] with probabilities prob[...], most probable first. */
export interface MarkovChain {
  readonly numItems: number;
  readonly successors: number;
  readonly next: Int32Array;
  readonly prob: Float64Array;
}

const START_TIME = 1_500_000_000;
const GAP = 3600;

export function validateMarkovParams(p: MarkovParams, nameOf: (param: keyof MarkovParams) => string): void {
  if (p.successors >= p.numItems) throw new ConfigError(`markov data: ${nameOf('successors')} (${p.successors}) must be below ${nameOf('numItems')} (${p.numItems})`);
  if (p.maxLength < p.minLength) throw new ConfigError(`markov data: ${nameOf('maxLength')} (${p.maxLength}) must be at least ${nameOf('minLength')} (${p.minLength})`);
}

/** Draws the chain: per item, `successors` distinct other items (a partial shuffle) and their probabilities. */
export function drawChain(numItems: number, successors: number, rng: Rng): MarkovChain {
  const next = new Int32Array(numItems * successors);
  const prob = new Float64Array(numItems * successors);
  const others = new Int32Array(numItems - 1);
  for (let i = 0; i < numItems; i++) {
    for (let j = 0, k = 0; j < numItems; j++) if (j !== i) others[k++] = j;
    const weights: { item: number; w: number }[] = [];
    for (let s = 0; s < successors; s++) {
      const pick = s + rng.int(others.length - s);
      [others[s], others[pick]] = [others[pick], others[s]];
      weights.push({ item: others[s], w: 1 - rng.uniform() });
    }
    const total = weights.reduce((a, b) => a + b.w, 0);
    weights.sort((a, b) => b.w - a.w || a.item - b.item);
    weights.forEach(({ item, w }, s) => {
      next[i * successors + s] = item;
      prob[i * successors + s] = w / total;
    });
  }
  return { numItems, successors, next, prob };
}

/**
 * The best ranking's expected NDCG@K and HR@K for a target drawn from the chain after each of `lastItems`,
 * averaged over them: Σ_{r ≤ K} p_(r) / log2(r + 1) and Σ_{r ≤ K} p_(r) per item.
 */
export function chainOptimum(chain: MarkovChain, lastItems: ArrayLike<number>, k: number): { ndcg: number; hr: number } {
  let ndcg = 0;
  let hr = 0;
  for (let u = 0; u < lastItems.length; u++) {
    const base = lastItems[u] * chain.successors;
    for (let r = 0; r < Math.min(k, chain.successors); r++) {
      ndcg += chain.prob[base + r] / Math.log2(r + 2);
      hr += chain.prob[base + r];
    }
  }
  return { ndcg: ndcg / lastItems.length, hr: hr / lastItems.length };
}

/** Generates the users' walks on a chain drawn from the same stream (the chain first, then the walks). */
export function generateMarkov(p: MarkovParams, rng: Rng): { data: Interactions; chain: MarkovChain } {
  const chain = drawChain(p.numItems, p.successors, rng);
  const lengths = Array.from({ length: p.numUsers }, () => p.minLength + rng.int(p.maxLength - p.minLength + 1));
  const offsets = new Int32Array(p.numUsers + 1);
  lengths.forEach((length, u) => (offsets[u + 1] = offsets[u] + length));
  const items = new Int32Array(offsets[p.numUsers]);
  const timestamps = new Float64Array(items.length);
  for (let u = 0; u < p.numUsers; u++) {
    let item = rng.int(p.numItems);
    for (let at = offsets[u]; at < offsets[u + 1]; at++) {
      items[at] = item;
      timestamps[at] = START_TIME + GAP * (at - offsets[u]);
      let r = rng.uniform();
      let s = 0;
      while (s < chain.successors - 1 && r >= chain.prob[item * chain.successors + s]) r -= chain.prob[item * chain.successors + s++];
      item = chain.next[item * chain.successors + s];
    }
  }
  const data: Interactions = {
    name: 'markov',
    numUsers: p.numUsers,
    numItems: p.numItems,
    offsets,
    items,
    timestamps,
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: new Int32Array(p.numItems).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(p.numItems + 1),
    itemTokens: new Int32Array(0),
    numTokens: 0,
    userIds: Array.from({ length: p.numUsers }, (_, u) => `u${u + 1}`),
    itemIds: Array.from({ length: p.numItems }, (_, i) => `i${i + 1}`),
  };
  return { data, chain };
}
