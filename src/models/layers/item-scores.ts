import * as tf from '@tensorflow/tfjs-core';

/**
 * Scores of items from one query vector per row: q_b · t_i (+ bias_i), for every item (candidates null:
 * [B, N], one matMul) or for each row's own candidates ([B, C] item indices: [B, C], C gathered rows per
 * row, so sampled evaluation never touches the rest of the catalogue). query [B, d], table [N, d].
 */
export function scoreItems(query: tf.Tensor2D, table: tf.Tensor2D, bias: tf.Tensor1D | null, candidates: tf.Tensor2D | null): tf.Tensor2D {
  if (!candidates) {
    const scores = tf.matMul(query, table, false, true) as tf.Tensor2D;
    return bias ? (tf.add(scores, bias) as tf.Tensor as tf.Tensor2D) : scores;
  }
  const rows = tf.gather(table, candidates) as tf.Tensor as tf.Tensor3D;
  return scoreRows(query, rows, bias && (tf.gather(bias, candidates) as tf.Tensor as tf.Tensor2D));
}

/** [B, C] q_b · rows[b][c] (+ bias[b][c]) for query [B, d] and gathered rows [B, C, d]. */
export function scoreRows(query: tf.Tensor2D, rows: tf.Tensor3D, bias: tf.Tensor2D | null): tf.Tensor2D {
  const [batch, width] = rows.shape;
  const scores = tf.reshape(tf.matMul(rows, tf.expandDims(query, 2) as tf.Tensor3D), [batch, width]) as tf.Tensor2D;
  return bias ? tf.add(scores, bias) : scores;
}
