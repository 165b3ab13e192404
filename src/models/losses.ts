import * as tf from '@tensorflow/tfjs-core';

export const LOSSES = ['bpr', 'bce', 'sampled_softmax', 'full_softmax'] as const;
export type LossName = (typeof LOSSES)[number];

/**
 * The mean loss over real prediction points. `logits` is [P, 1 + n]: column 0 the positive item, the rest
 * the sampled negatives (for full_softmax: [P, numItems] with `targets` [P] the positive's column).
 *   bpr              mean_j softplus(neg_j - pos)                  = -log sigmoid(pos - neg_j)
 *   bce              softplus(-pos) + sum_j softplus(neg_j)        (SASRec's binary cross-entropy)
 *   sampled_softmax  logsumexp(pos, neg_1..n) - pos
 *   full_softmax     logsumexp(all items) - logit of the target
 * mask [P] is 1 for real points; the sum is divided by the number of real points.
 */
export function lossOf(name: LossName, logits: tf.Tensor2D, mask: tf.Tensor1D, targets?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    let perPoint: tf.Tensor1D;
    if (name === 'full_softmax') {
      if (!targets) throw new Error('full_softmax needs the target column of each point');
      const picked = tf.sum(tf.mul(logits, tf.oneHot(targets, logits.shape[1])), 1);
      perPoint = tf.sub(tf.logSumExp(logits, 1), picked);
    } else {
      // Column weights instead of splitting off column 0: every op stays a broadcast over the whole
      // [P, 1 + n] matrix, which the native backend runs in C++ (a split is a per-element JS copy there).
      const width = logits.shape[1];
      const column = (first: number, rest: number) => tf.tensor2d([first, ...new Array<number>(width - 1).fill(rest)], [1, width]);
      const pos = tf.sum(tf.mul(logits, column(1, 0)), 1, true);
      if (name === 'bpr') perPoint = tf.sum(tf.mul(tf.softplus(tf.sub(logits, pos)), column(0, 1 / (width - 1))), 1);
      else if (name === 'bce') perPoint = tf.sum(tf.softplus(tf.mul(logits, column(-1, 1))), 1);
      else perPoint = tf.sub(tf.logSumExp(logits, 1), tf.reshape(pos, [-1]));
    }
    return tf.div(tf.sum(tf.mul(perPoint, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}
