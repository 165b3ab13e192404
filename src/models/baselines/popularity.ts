import type { TrainData } from '../model';

/** How often each item occurs in the training part (a float32 vector of length numItems). */
export function itemCounts(train: TrainData): Float32Array {
  const counts = new Float32Array(train.numItems);
  const items = train.sequences.items;
  for (let p = 0; p < items.length; p++) counts[items[p]] += 1;
  return counts;
}
