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

/**
 * Scores against an item table whose row 0 is padding and row i + 1 item i (SASRec's and TiSASRec's input
 * embedding, shared with the output): features [P, d] and each point's `items` [P, k] → [P, k].
 */
export function paddedTableLogits(features: tf.Tensor2D, table: tf.Tensor2D, items: tf.Tensor2D): tf.Tensor2D {
  const rows = tf.gather(table, tf.add(items, tf.scalar(1, 'int32')));
  // [P, k, d] x [P, d, 1]: a batched matMul is much faster on tfjs-cpu than a broadcast product and sum
  return tf.reshape(tf.matMul(rows, tf.expandDims(features, 2)), items.shape);
}

/** As paddedTableLogits, for every item (candidates null: [B, numItems]) or each row's candidates ([B, C]). */
export function paddedTableScores(features: tf.Tensor2D, table: tf.Tensor2D, candidates: tf.Tensor2D | null): tf.Tensor2D {
  if (candidates) return scoreRows(features, tf.gather(table, tf.add(candidates, tf.scalar(1, 'int32'))) as tf.Tensor as tf.Tensor3D, null);
  const items = tf.slice(table, [1, 0], [table.shape[0] - 1, table.shape[1]]);
  return tf.matMul(features, items, false, true);
}
