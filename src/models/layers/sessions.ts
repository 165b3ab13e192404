import * as tf from '@tensorflow/tfjs-core';
import { stepFollows } from '../time-inputs';

/** Adds this to a masked score: its exp underflows to exactly 0 in float32 (as in layers/attention.ts). */
const MASKED = -1e9;

/** Which positions of an input window hold the last session and which the behaviour before it, [B, L] each (1 or 0). */
export interface SessionMasks {
  readonly session: tf.Tensor2D;
  readonly earlier: tf.Tensor2D;
}

/**
 * The last session of each left-padded input window (SHAN's and SDM's short term), from the inputs' ages
 * `ages` [B, L] (seconds before any common reference time: only their differences count) and the mask `real`
 * [B, L]. An item continues the session of the item before it when the gap between them is below `gapSeconds`;
 * the last session is the trailing run of such items, cut to its last `maxItems`. `earlier` is every other
 * real position (the long term). The boundary is found in tensors: s_k = 1 where position k starts a session,
 * and position k is in the last session when no session starts after it (Σ_{j>k} s_j = 0, one matMul with a
 * strictly lower-triangular matrix of ones).
 */
export function lastSession(ages: tf.Tensor2D, real: tf.Tensor2D, gapSeconds: number, maxItems: number): SessionMasks {
  return tf.tidy(() => {
    const length = ages.shape[1];
    const previous = tf.concat([tf.zeros([ages.shape[0], 1]), tf.slice(ages, [0, 0], [-1, length - 1])], 1);
    const close = tf.cast(tf.less(tf.sub(previous, ages), gapSeconds), 'float32');
    const starts = tf.mul(real, tf.sub(1, tf.mul(stepFollows(real), close)));
    const after = new Float32Array(length * length);
    for (let j = 0; j < length; j++) for (let k = 0; k < j; k++) after[j * length + k] = 1;
    const startsAfter = tf.matMul(starts, tf.tensor2d(after, [length, length]));
    const recent = tf.tensor2d(Float32Array.from({ length }, (_, k) => (k >= length - maxItems ? 1 : 0)), [1, length]);
    const session = tf.mul(tf.mul(real, tf.cast(tf.equal(startsAfter, 0), 'float32')), recent) as tf.Tensor2D;
    return { session, earlier: tf.sub(real, session) as tf.Tensor2D };
  });
}

/**
 * Attention of one query vector per row over masked positions: Σ_k α_k v_k with α = softmax_k(q · k_k) over
 * the positions where mask = 1 (SHAN's two layers, SDM's user attention and long-term attention), and 0 where
 * a row has no such position. query [B, d], keys [B, L, d], values [B, L, e], mask [B, L] → [B, e].
 */
export function attendMasked(query: tf.Tensor2D, keys: tf.Tensor3D, values: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, length] = mask.shape;
    const scores = tf.reshape(tf.matMul(keys, tf.expandDims(query, 2)), [batch, length]);
    const alpha = tf.mul(tf.softmax(tf.add(scores, tf.mul(tf.sub(1, mask), MASKED))), mask);
    return tf.reshape(tf.matMul(tf.expandDims(alpha, 1), values), [batch, values.shape[2]]) as tf.Tensor2D;
  });
}
