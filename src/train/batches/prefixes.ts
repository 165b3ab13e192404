import type { BatchKindEntry } from './batch';
import { finishBatch, shuffledEpoch } from './batch';
import { pointBatchParts } from './point-batch';
import { positionsFrom, positionsOf } from './positions';

/**
 * MTAM's protocol: every prefix of each user's training sequence is one example, the item after it the
 * target; the prefix is truncated to its last inputLength items. Besides the items it carries their times,
 * as `input_ages` [B, inputLength]: the target's timestamp minus each input's (0 on padding), so that a
 * time-aware model reads the gaps between inputs (differences of ages) and the gap to the target (the last
 * age) in float32 without losing Unix-second precision.
 */
export const prefixesKind: BatchKindEntry = {
  name: 'prefixes',
  doc: 'every prefix of a user\'s training sequence (its last inputLength items) with the next item as target, and `input_ages`: target time minus each input\'s time',
  create(train, options) {
    const positions = positionsOf(train.sequences);
    const examples = positionsFrom(positions, 1);
    const length = options.inputLength;
    const build = (slice: Int32Array) => {
      const parts = pointBatchParts(train, positions, slice, length);
      const ages = new Float32Array(slice.length * length);
      slice.forEach((p, b) => {
        const count = Math.min(length, positions.indexInUser[p]);
        for (let k = 0; k < count; k++) ages[b * length + length - count + k] = train.timestamps[p] - train.timestamps[p - count + k];
      });
      return finishBatch('prefixes', options, { ...parts, fields: { input_ages: { data: ages, shape: [slice.length, length] } } }, parts.users);
    };
    return { unit: 'prefixes', examples: examples.length, epoch: (rng, batchSize) => shuffledEpoch(examples, rng, batchSize, build) };
  },
};
