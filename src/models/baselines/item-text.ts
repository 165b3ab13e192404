import type { TrainData } from '../model';

/**
 * Each item's tokens as a dense [numItems × width] table (width = the longest text, at least 1), padded
 * with the index numTokens, and each item's Σ_w y_w² (y_w = how often word w occurs in its text).
 */
export function itemTokenTable(train: TrainData): { tokens: Int32Array; width: number; squaredCounts: Float32Array } {
  const offsets = train.itemTokenOffsets;
  let width = 1;
  for (let i = 0; i < train.numItems; i++) width = Math.max(width, offsets[i + 1] - offsets[i]);
  const tokens = new Int32Array(train.numItems * width).fill(train.numTokens);
  const squaredCounts = new Float32Array(train.numItems);
  const counts = new Map<number, number>();
  for (let i = 0; i < train.numItems; i++) {
    const doc = train.itemTokens.subarray(offsets[i], offsets[i + 1]);
    tokens.set(doc, i * width);
    counts.clear();
    for (const token of doc) counts.set(token, (counts.get(token) ?? 0) + 1);
    let sum = 0;
    for (const count of counts.values()) sum += count * count;
    squaredCounts[i] = sum;
  }
  return { tokens, width, squaredCounts };
}
