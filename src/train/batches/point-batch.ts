import type { TrainData } from '../../models/model';
import { putShifted } from '../../data/windows';
import { finishBatch, shuffledEpoch, type BatchKindEntry } from './batch';
import { positionsFrom, positionsOf, type Positions } from './positions';

/**
 * One prediction per example, an example being a training position: the item there is the positive, and
 * the (up to) `length` items before it in the user's sequence are the inputs, left-padded. The arrays of
 * pairs, transitions, windows and prefixes batches.
 */
export function pointBatchParts(train: TrainData, positions: Positions, examples: Int32Array, length: number) {
  const size = examples.length;
  const items = train.sequences.items;
  const users = new Int32Array(size);
  const positives = new Int32Array(size);
  const inputs = new Int32Array(size * length);
  for (let b = 0; b < size; b++) {
    const p = examples[b];
    users[b] = positions.userOf[p];
    positives[b] = items[p];
    if (length > 0) putShifted(inputs.subarray(b * length, (b + 1) * length), items, p - Math.min(length, positions.indexInUser[p]), p);
  }
  return { users, inputs, inputLength: length, positives, mask: new Float32Array(size).fill(1) };
}

/**
 * A batch kind of one prediction per training position, shuffled each epoch: positions with at least
 * `minIndex` items before them, each with `widthOf(inputLength)` input items.
 */
export function pointKind(name: string, doc: string, minIndex: number, widthOf: (inputLength: number) => number): BatchKindEntry {
  return {
    name,
    doc,
    create(train, options) {
      const positions = positionsOf(train.sequences);
      const examples = positionsFrom(positions, minIndex);
      const width = widthOf(options.inputLength);
      const build = (slice: Int32Array) => {
        const parts = pointBatchParts(train, positions, slice, width);
        return finishBatch(name, options, parts, parts.users);
      };
      return { unit: 'examples', examples: examples.length, epoch: (rng, batchSize) => shuffledEpoch(examples, rng, batchSize, build) };
    },
  };
}
