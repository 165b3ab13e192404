import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { ConfigError } from '../../util/errors';
import type { TrainData } from '../model';
import type { AddWeight, ReadWeight } from './attention';
import { glorotInit, zerosInit } from './init';

/**
 * Pieces shared by the models that score a (user, item) pair with a network rather than a dot product (NCF,
 * DeepFM, Wide & Deep): each item's bag of words as padded tensors, a ReLU tower, and full ranking in chunks
 * of items. Their first hidden layer is always split into a user half and an item half
 * ([e_u, e_i] W = e_u W_u + e_i W_i), so that ranking every item for a batch of users adds the two halves by
 * broadcasting instead of concatenating B × N inputs.
 */

/**
 * Each item's distinct words, padded to the longest document: `tokens` [N, L] word ids (0 where padded),
 * `share` [N, L] the word's share of the document's tokens (count / length, 0 where padded: the weights of
 * a mean of word vectors), `present` [N, L] 1 for a real word (a binary feature), 0 where padded. An item
 * without text has an all-padding row. The caller owns and disposes the tensors.
 */
export interface ItemWords {
  readonly tokens: tf.Tensor2D;
  readonly share: tf.Tensor2D;
  readonly present: tf.Tensor2D;
}

/** Refuses data without item text for a model that reads it: a one-line config error naming the model. */
export function requireItemText(train: TrainData, model: string, source: string): void {
  if (train.itemTokens.length === 0) {
    throw new ConfigError(`${source}: model.name: ${model} reads item text, and the data has none (no item has a token); choose a data source with item text`);
  }
}

export function itemWords(train: TrainData): ItemWords {
  const { numItems, itemTokenOffsets: offsets, itemTokens } = train;
  const distinct: Map<number, number>[] = [];
  let width = 1;
  for (let i = 0; i < numItems; i++) {
    const counts = new Map<number, number>();
    for (let p = offsets[i]; p < offsets[i + 1]; p++) counts.set(itemTokens[p], (counts.get(itemTokens[p]) ?? 0) + 1);
    distinct.push(counts);
    width = Math.max(width, counts.size);
  }
  const tokens = new Int32Array(numItems * width);
  const share = new Float32Array(numItems * width);
  const present = new Float32Array(numItems * width);
  distinct.forEach((counts, i) => {
    const length = offsets[i + 1] - offsets[i];
    let slot = i * width;
    for (const [token, count] of counts) {
      tokens[slot] = token;
      share[slot] = count / length;
      present[slot++] = 1;
    }
  });
  return {
    tokens: tf.tensor2d(tokens, [numItems, width], 'int32'),
    share: tf.tensor2d(share, [numItems, width]),
    present: tf.tensor2d(present, [numItems, width]),
  };
}

/** Σ_l weights[..., l] · table[tokens[..., l]]: [..., L] word ids and weights → [..., d]. */
export function weightedWords(table: tf.Tensor2D, tokens: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(tf.gather(table, tokens), tf.expandDims(weights, -1)), -2);
}

/** Weights `${prefix}_kernel_k` (Glorot uniform) and `${prefix}_bias_k` (zeros) of dense layers of `widths`. */
export function addTower(add: AddWeight, rng: Rng, prefix: string, inputWidth: number, widths: readonly number[]): void {
  widths.forEach((width, k) => {
    add(`${prefix}_kernel_${k}`, glorotInit(rng, [k === 0 ? inputWidth : widths[k - 1], width]));
    add(`${prefix}_bias_${k}`, zerosInit([width]));
  });
}

/**
 * The tower's layers from `first` on: x ← drop(relu(x W_k + b_k)). `x` is [n, width]; layer 0's product may
 * already be in x (the split first layer: then `first` = 0 and `preActivated` = true adds only its bias).
 */
export function tower(
  read: ReadWeight,
  prefix: string,
  count: number,
  x: tf.Tensor2D,
  drop: (x: tf.Tensor2D) => tf.Tensor2D,
  preActivated: boolean,
): tf.Tensor2D {
  let out = x;
  for (let k = 0; k < count; k++) {
    const product = k === 0 && preActivated ? out : tf.matMul(out, read(`${prefix}_kernel_${k}`) as tf.Tensor2D);
    out = drop(tf.relu(tf.add(product, read(`${prefix}_bias_${k}`))) as tf.Tensor2D);
  }
  return out;
}

/** The rows of layer 0's kernel [in, h] that multiply input features from..from+width. */
export function kernelRows(read: ReadWeight, prefix: string, from: number, width: number): tf.Tensor2D {
  const kernel = read(`${prefix}_kernel_0`) as tf.Tensor2D;
  return tf.slice(kernel, [from, 0], [width, kernel.shape[1]]);
}

/** Values (per tensor) that one chunk of items may take when a batch of users ranks every item: 16 MB. */
const CHUNK_VALUES = 1 << 22;

/**
 * A pairwise network's scores: each row's candidates (`candidates` [B, C]: `logits(candidates)`), or every
 * item, in chunks of items small enough that a [B, chunk, widest] activation stays within CHUNK_VALUES.
 * `logits(items)` gets [B, C] item indices, or [1, C] for items shared by every row, and returns [B, C].
 */
export function scorePairs(
  rows: number,
  numItems: number,
  widest: number,
  candidates: tf.Tensor2D | null,
  logits: (items: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor2D {
  if (candidates) return logits(candidates);
  const chunk = Math.max(1, Math.min(numItems, Math.floor(CHUNK_VALUES / Math.max(1, rows * widest))));
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < numItems; start += chunk) {
    const count = Math.min(chunk, numItems - start);
    parts.push(tf.tidy(() => logits(tf.expandDims(tf.range(start, start + count, 1, 'int32'), 0) as tf.Tensor2D)));
  }
  if (parts.length === 1) return parts[0];
  const out = tf.concat(parts, 1);
  tf.dispose(parts);
  return out;
}

/** The largest tensor of a pairwise network's full ranking: one chunk (see scorePairs), or the whole [B, N, widest]. */
export function pairChunkValues(rows: number, numItems: number, widest: number): number {
  return Math.min(rows * numItems * widest, Math.max(CHUNK_VALUES, rows * widest));
}
