import type { ResolvedConfig } from '../config/resolved';
import type { Interactions } from '../data/interactions';
import type { Rng } from '../random/streams';
import type { Split } from './split';

/**
 * How many of a user's `length` interactions go to training and validation under ratio splits; the rest are
 * the test part. Training gets floor(length * trainRatio) and validation floor(length * validRatio), but every
 * user with at least 2 interactions keeps at least 1 training and 1 test interaction (a user with 1 is
 * training only). RUM's 70/30 on 10 items: 7 train, 3 test; on 11 items: 7 train, 4 test.
 */
export function ratioCounts(length: number, trainRatio: number, validRatio: number): { train: number; valid: number } {
  if (length < 2) return { train: length, valid: 0 };
  const train = Math.min(length - 1, Math.max(1, shareOf(length, trainRatio)));
  const valid = Math.min(length - 1 - train, shareOf(length, validRatio));
  return { train, valid };
}

/**
 * floor(length * ratio), robust to products that fall a rounding error short of a whole number: in floating
 * point 90 * 0.7 is 62.99999999999999, which a plain floor would turn into 62 training items instead of 63.
 */
function shareOf(length: number, ratio: number): number {
  return Math.floor(length * ratio + 1e-9);
}

/**
 * Leave-one-out: the last interaction is the test target and the second-last the validation target.
 * A user with 2 interactions has a test target but no validation target; a user with 1 is training only.
 */
export function leaveOneOut(data: Interactions): Split {
  const trainEnd = new Int32Array(data.numUsers);
  const validEnd = new Int32Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) {
    const end = data.offsets[u + 1];
    const length = end - data.offsets[u];
    const test = length >= 2 ? 1 : 0;
    const valid = length >= 3 ? 1 : 0;
    validEnd[u] = end - test;
    trainEnd[u] = validEnd[u] - valid;
  }
  return { method: 'leave_one_out', order: null, trainEnd, validEnd };
}

/** Chronological ratio: the first share of each user's interactions trains, the next validates, the rest tests. */
export function ratioChrono(data: Interactions, trainRatio: number, validRatio: number): Split {
  const trainEnd = new Int32Array(data.numUsers);
  const validEnd = new Int32Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.offsets[u];
    const { train, valid } = ratioCounts(data.offsets[u + 1] - start, trainRatio, validRatio);
    trainEnd[u] = start + train;
    validEnd[u] = start + train + valid;
  }
  return { method: 'ratio_chrono', order: null, trainEnd, validEnd };
}

/**
 * Random ratio: per user, a random subset of the interactions trains, another validates, the rest tests
 * (counts as in ratioCounts); each part stays in time order. `rng` is the split stream of one repeat.
 */
export function ratioRandom(data: Interactions, trainRatio: number, validRatio: number, rng: Rng): Split {
  const base = ratioChrono(data, trainRatio, validRatio);
  const order = new Int32Array(data.items.length);
  for (let s = 0; s < order.length; s++) order[s] = s;
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.offsets[u];
    const slots = order.subarray(start, data.offsets[u + 1]);
    rng.shuffle(slots);
    slots.subarray(0, base.trainEnd[u] - start).sort();
    slots.subarray(base.trainEnd[u] - start, base.validEnd[u] - start).sort();
    slots.subarray(base.validEnd[u] - start).sort();
  }
  return { method: 'ratio_random', order, trainEnd: base.trainEnd, validEnd: base.validEnd };
}

/** Every split method by config name (`split.method`). */
export const SPLIT_METHODS: Readonly<Record<string, (data: Interactions, config: ResolvedConfig, rng: Rng) => Split>> = {
  leave_one_out: (data) => leaveOneOut(data),
  ratio_chrono: (data, config) => ratioChrono(data, config.num('split.train_ratio'), config.num('split.valid_ratio')),
  ratio_random: (data, config, rng) =>
    ratioRandom(data, config.num('split.train_ratio'), config.num('split.valid_ratio'), rng),
};
