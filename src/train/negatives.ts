import type { UserLists } from '../data/interactions';
import { Rng, type RngState } from '../random/streams';
import { upperBound } from '../random/weighted';

export type TrainSampler = 'uniform' | 'popularity';

/**
 * Draws training negatives: uniformly or in proportion to training popularity, optionally never one of the
 * user's own training items (checked by binary search in the user's sorted items; a user who has touched
 * almost every item gets unrestricted draws after a bounded number of rejections).
 */
export class NegativeSampler {
  private readonly sortedItems: UserLists;
  private readonly cumulative: Float64Array | null;
  private readonly numItems: number;

  constructor(
    train: UserLists,
    numItems: number,
    private readonly sampler: TrainSampler,
    private readonly excludeSeen: boolean,
    private rng: Rng,
  ) {
    const items = Int32Array.from(train.items);
    const numUsers = train.offsets.length - 1;
    for (let u = 0; u < numUsers; u++) items.subarray(train.offsets[u], train.offsets[u + 1]).sort();
    this.sortedItems = { offsets: train.offsets, items };
    this.numItems = numItems;
    this.cumulative = sampler === 'popularity' ? popularityCumulative(train.items, numItems) : null;
  }

  private draw(): number {
    if (!this.cumulative) return this.rng.int(this.numItems);
    const total = this.cumulative[this.cumulative.length - 1];
    return upperBound(this.cumulative, this.rng.uniform() * total);
  }

  private seen(user: number, item: number): boolean {
    let lo = this.sortedItems.offsets[user];
    let hi = this.sortedItems.offsets[user + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = this.sortedItems.items[mid];
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  /** Fills `out` ([points, n]) with negatives for the users of each point. */
  fill(out: Int32Array, pointUsers: Int32Array, n: number): void {
    for (let p = 0; p < pointUsers.length; p++) {
      const user = pointUsers[p];
      for (let j = 0; j < n; j++) {
        let item = this.draw();
        for (let tries = 0; this.excludeSeen && tries < 100 && this.seen(user, item); tries++) item = this.draw();
        out[p * n + j] = item;
      }
    }
  }

  /** The draws' stream state, for a resumed run to continue it. */
  randomState(): RngState {
    return this.rng.state();
  }

  resumeRandom(state: RngState): void {
    this.rng = Rng.resume(state);
  }

  get kind(): TrainSampler {
    return this.sampler;
  }
}

/** Training counts smoothed by +1, so that every item can be drawn. */
function popularityCumulative(items: Int32Array, numItems: number): Float64Array {
  const counts = new Float64Array(numItems).fill(1);
  for (let p = 0; p < items.length; p++) counts[items[p]] += 1;
  for (let i = 1; i < numItems; i++) counts[i] += counts[i - 1];
  return counts;
}
