import { finishBatch, shuffledEpoch, type BatchKindEntry } from './batch';
import { pointBatchParts } from './point-batch';
import { positionsFrom, positionsOf } from './positions';

/**
 * MARS's training quadruples (eq. 10): every training interaction (user u, liked item j) with the memory of u's
 * other liked training items, the set I⁺ᵤ \ j (each distinct item once, j left out), the `inputLength` most
 * recent of them (0: all). The memory travels as the batch's distinct memory items, so that a model encodes each once:
 * - `memory_items` [D]: the distinct items in the batch's memories (at least one entry; 0 when all are empty);
 * - `memory_slots` [B, W]: 1 + the index in memory_items of each memory entry, most recent first, 0 = padding;
 *   W is the batch's widest memory (at least 1).
 */
export const likedSetsKind: BatchKindEntry = {
  name: 'liked_sets',
  doc: 'every training interaction (u, j) with the memory I⁺ᵤ \\ j of the user\'s other training items (the inputLength most recent; 0 = all), as the batch\'s distinct memory_items and [B, W] memory_slots (MARS)',
  create(train, options) {
    const { offsets, items } = train.sequences;
    const positions = positionsOf(train.sequences);
    const examples = positionsFrom(positions, 0);
    const cap = options.inputLength;
    // slotOf[item] is the item's index in this batch's memory_items when stamp[item] is the batch's number
    const slotOf = new Int32Array(train.numItems);
    const stamp = new Int32Array(train.numItems).fill(-1);
    // inRow[item] is the number of the example whose memory already holds the item (a set: one slot per item)
    const inRow = new Int32Array(train.numItems).fill(-1);
    let built = 0;
    let examplesBuilt = 0;
    const build = (slice: Int32Array) => {
      const parts = { ...pointBatchParts(train, positions, slice, 0), inputLength: 0 };
      const batch = built++;
      const rows: number[][] = [];
      const distinct: number[] = [];
      for (let b = 0; b < slice.length; b++) {
        const user = parts.users[b];
        const liked = parts.positives[b];
        const row: number[] = [];
        const example = examplesBuilt++;
        for (let p = offsets[user + 1] - 1; p >= offsets[user] && (cap === 0 || row.length < cap); p--) {
          const item = items[p];
          if (item === liked || inRow[item] === example) continue;
          inRow[item] = example;
          if (stamp[item] !== batch) {
            stamp[item] = batch;
            slotOf[item] = distinct.length;
            distinct.push(item);
          }
          row.push(slotOf[item] + 1);
        }
        rows.push(row);
      }
      const width = Math.max(1, ...rows.map((row) => row.length));
      const slots = new Int32Array(slice.length * width);
      rows.forEach((row, b) => slots.set(row, b * width));
      const memoryItems = Int32Array.from(distinct.length > 0 ? distinct : [0]);
      const fields = {
        memory_items: { data: memoryItems, shape: [memoryItems.length] },
        memory_slots: { data: slots, shape: [slice.length, width] },
      };
      return finishBatch('liked_sets', options, { ...parts, fields }, parts.users);
    };
    return { unit: 'examples', examples: examples.length, epoch: (rng, batchSize) => shuffledEpoch(examples, rng, batchSize, build) };
  },
};
