import * as tf from '@tensorflow/tfjs-core';
import { attentionBias, dense, mergeHeads, splitHeads, type AttentionWeights } from './attention';

/**
 * TiSASRec's personalised relative time intervals (Li, Wang, McAuley, WSDM 2020, §3.2) of one sequence per row:
 * with times [B, T] (any common origin) and mask [B, T] (1 real, 0 padding),
 *   r_min = the smallest non-zero gap between consecutive real items of the row (1 where there is none)
 *   r_ij = min(k, ⌊|t_i − t_j| / r_min⌋)
 * [B, T, T] int32, the index of each pair's interval embedding (pairs with padding get some index in [0, k]:
 * the attention masks them).
 */
export function personalIntervals(times: tf.Tensor2D, mask: tf.Tensor2D, span: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length] = times.shape;
    const previous = tf.concat([tf.zeros([batch, 1]), tf.slice(times, [0, 0], [-1, length - 1])], 1);
    const follows = tf.mul(mask, tf.concat([tf.zeros([batch, 1]), tf.slice(mask, [0, 0], [-1, length - 1])], 1));
    const gaps = tf.abs(tf.sub(times, previous));
    const counted = tf.logicalAnd(tf.greater(follows, 0), tf.greater(gaps, 0));
    const NONE = 3e38;
    const smallest = tf.min(tf.where(counted, gaps, tf.fill([batch, length], NONE)), 1);
    const unit = tf.where(tf.less(smallest, NONE), smallest, tf.onesLike(smallest));
    const apart = tf.abs(tf.sub(tf.expandDims(times, 2), tf.expandDims(times, 1)));
    const scaled = tf.floor(tf.div(apart, tf.reshape(unit, [batch, 1, 1])));
    return tf.cast(tf.minimum(scaled, span), 'int32') as tf.Tensor3D;
  });
}

/** TiSASRec's position and interval embeddings as the attention reads them. */
export interface IntervalInputs {
  /** [T, d] absolute position embeddings added to the keys and the values */
  readonly positionKeys: tf.Tensor2D;
  readonly positionValues: tf.Tensor2D;
  /** [B, T, T, d] the interval embedding of each pair (query i, key j), for the keys and the values */
  readonly intervalKeys: tf.Tensor4D;
  readonly intervalValues: tf.Tensor4D;
}

/** [B, T, T, d] → [B·T·H, T, d/H]: per (row, query, head), the key axis with that head's slice of d. */
function pairsPerHead(pairs: tf.Tensor4D, numHeads: number): tf.Tensor3D {
  const [batch, length, keys, width] = pairs.shape;
  if (numHeads === 1) return tf.reshape(pairs, [batch * length, keys, width]);
  const split = tf.reshape(pairs, [batch, length, keys, numHeads, width / numHeads]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4]), [batch * length * numHeads, keys, width / numHeads]);
}

/**
 * TiSASRec's time-interval-aware self-attention (eqs. 4-6 with the authors' multi-head code): for queries
 * [B, T, d] and keys [B, T, d] (the sequence itself), per head h with q = queries W^Q, k = keys W^K, v = keys W^V,
 *   e_ij = q_i · (k_j + P^K_j + R^K_ij) / √(d/H)
 *   z_i = Σ_j softmax_j(e_ij) (v_j + P^V_j + R^V_ij)
 * with the causal mask and padded keys (keyMask 0) left out, dropout (`dropWeights`) on the weights. No output
 * projection and no residual connection (the caller adds it), as the authors' code.
 */
export function intervalAttention(
  queries: tf.Tensor3D,
  keys: tf.Tensor3D,
  w: AttentionWeights,
  inputs: IntervalInputs,
  options: { numHeads: number; keyMask: tf.Tensor2D; dropWeights?: (weights: tf.Tensor4D) => tf.Tensor4D },
): tf.Tensor3D {
  return tf.tidy(() => {
    const { numHeads } = options;
    const [batch, length, width] = queries.shape;
    if (width % numHeads !== 0) throw new Error(`attention width ${width} is not divisible by ${numHeads} heads`);
    const headWidth = width / numHeads;
    const projected = dense(queries, w.query, w.queryBias);
    const q = splitHeads(projected, numHeads);
    const k = splitHeads(tf.add(dense(keys, w.key, w.keyBias), inputs.positionKeys), numHeads);
    const v = splitHeads(tf.add(dense(keys, w.value, w.valueBias), inputs.positionValues), numHeads);
    // q_i · R^K_ij: per (row, query, head) one [T, d/H] × [d/H, 1] product
    const perQuery = tf.reshape(projected, [batch * length * numHeads, headWidth, 1]) as tf.Tensor3D;
    const intervalScores = tf.reshape(tf.matMul(pairsPerHead(inputs.intervalKeys, numHeads), perQuery), [batch, length, numHeads, length]);
    const scores = tf.add(tf.matMul(q, k, false, true), numHeads === 1 ? tf.reshape(intervalScores, [batch, 1, length, length]) : tf.transpose(intervalScores, [0, 2, 1, 3]));
    const bias = attentionBias(length, length, true, options.keyMask) as tf.Tensor;
    const weights4 = tf.softmax(tf.add(tf.div(scores, Math.sqrt(headWidth)), bias)) as tf.Tensor4D;
    const weights = options.dropWeights ? options.dropWeights(weights4) : weights4;
    // Σ_j a_ij R^V_ij: per (row, query, head) one [1, T] × [T, d/H] product, laid out as mergeHeads' [B, T, d]
    const perHead = numHeads === 1 ? weights : tf.transpose(weights, [0, 2, 1, 3]);
    const rows = tf.reshape(perHead, [batch * length * numHeads, 1, length]) as tf.Tensor3D;
    const intervalValues = tf.reshape(tf.matMul(rows, pairsPerHead(inputs.intervalValues, numHeads)), [batch, length, width]);
    return tf.add(mergeHeads(tf.matMul(weights, v)), intervalValues) as tf.Tensor3D;
  });
}
