import * as tf from '@tensorflow/tfjs-core';
import { oneOf } from '../../config/spec';
import type { Rng } from '../../random/streams';
import type { AddWeight, ReadWeight } from './attention';
import { glorotInit } from './init';
import type { TrainData } from '../model';

/**
 * How an item's category enters a sequence model's input (MTAM's behaviour embedding, ambiguity 9; GRU4Rec's
 * "GRU" against "GRU−−" of MTAM's Table 2): concat = relu([E_item, C_category] W_b), as the MTAM authors' code
 * (item and category embeddings of the same width, a ReLU layer without bias back to that width); sum =
 * E_item + C_category; none = E_item alone.
 */
export type CategoryInput = 'concat' | 'sum' | 'none';

export const categoryInputKey = (fallback: CategoryInput, doc: string) => oneOf(['concat', 'sum', 'none'] as const, fallback, doc);

/**
 * The category weights under `category_embedding` ([numCategories + 1, dim], row 0 = "no category": items
 * without one, and sources without categories) and, for concat, `behaviour_projection` ([2·dim, dim]), both
 * Glorot uniform; and the [numItems + 1] category row of each shifted item index (0 = padding or no category),
 * which the caller owns and disposes. Nothing (null) for none.
 */
export function addCategoryWeights(add: AddWeight, rng: Rng, train: TrainData, dim: number, mode: CategoryInput): tf.Tensor1D | null {
  if (mode === 'none') return null;
  const rows = Int32Array.from({ length: train.numItems + 1 }, (_, j) => (j === 0 ? 0 : train.itemCategory[j - 1] + 1));
  add('category_embedding', glorotInit(rng, [Math.max(0, train.numCategories) + 1, dim]));
  if (mode === 'concat') add('behaviour_projection', glorotInit(rng, [2 * dim, dim]));
  return tf.tensor1d(rows, 'int32');
}

/**
 * The item embeddings `items` [B, L, dim] of shifted inputs [B, L] with their categories joined in (see
 * CategoryInput); `categoryRows` from addCategoryWeights, null for none (the items unchanged).
 */
export function withCategories(items: tf.Tensor3D, inputs: tf.Tensor2D, categoryRows: tf.Tensor1D | null, read: ReadWeight, mode: CategoryInput): tf.Tensor3D {
  if (!categoryRows || mode === 'none') return items;
  const categories = tf.gather(read('category_embedding'), tf.gather(categoryRows, inputs)) as tf.Tensor3D;
  if (mode === 'sum') return tf.add(items, categories);
  const [batch, length, dim] = items.shape;
  const joined = tf.reshape(tf.concat([items, categories], 2), [batch * length, 2 * dim]);
  return tf.reshape(tf.relu(tf.matMul(joined, read('behaviour_projection') as tf.Tensor2D)), [batch, length, dim]);
}
