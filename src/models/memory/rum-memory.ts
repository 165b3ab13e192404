import * as tf from '@tensorflow/tfjs-core';

/**
 * The tensor operations of RUM's user memory (Chen et al., WSDM 2018, section 3), shared by the item-level and
 * feature-level models and tested on their own. Shapes: B rows (users or prediction points), C candidate items,
 * K memory slots, D the embedding size.
 */

/** Added to a masked slot's score: its exp underflows to exactly 0 in float32. */
const MASKED = -1e9;
/** Keeps a row with no slot at all from dividing by zero (its weights, all zero, stay zero). */
const TINY = 1e-30;

/**
 * Attention over memory slots along the last axis (eqs. 7 and 9): z_k = exp(β w_k) / Σ_j exp(β w_j), over
 * the slots where `mask` is 1 only. `mask` broadcasts against `scores` (left out: every slot counts). A row
 * whose slots are all masked gets all-zero weights, so it reads a zero memory embedding.
 */
export function slotAttention<T extends tf.Tensor>(scores: T, beta: number, mask?: tf.Tensor): T {
  return tf.tidy((): tf.Tensor => {
    const scaled = tf.mul(scores, beta);
    if (!mask) return tf.softmax(scaled);
    const shifted = tf.add(scaled, tf.mul(tf.sub(1, mask), MASKED));
    const e = tf.mul(tf.exp(tf.sub(shifted, tf.max(shifted, -1, true))), mask);
    return tf.div(e, tf.maximum(tf.sum(e, -1, true), TINY));
  }) as T;
}

/** The memory embedding p^m = Σ_k z_k m_k (eqs. 8 and 10): z [B, C, K], memory [B, K, D] → [B, C, D]. */
export function readMemory(z: tf.Tensor3D, memory: tf.Tensor3D): tf.Tensor3D {
  return tf.matMul(z, memory);
}

/**
 * The two terms of feature-level writes (eqs. 12–13) for R written items at once: m_k ← m_k ⊙ (1 − z_k·erase)
 * + z_k·add is m ← m ⊙ keep + write with keep = 1 − z ⊗ erase and write = z ⊗ add, both [R, K, D] from z [R, K]
 * and erase, add [R, D]. They depend on the written item only, not on the memory, so a whole sequence's terms
 * come from two batched matMuls (outer products with an inner size of 1: tfjs-cpu broadcasts [R, K, 1] against
 * [R, 1, D] element by element, which is slower) and the recurrence itself is one multiply and one add per step.
 * A row with z = 0 (a padding step) has keep = 1 and write = 0: the memory is left exactly as it was.
 */
export function featureWriteTerms(z: tf.Tensor2D, erase: tf.Tensor2D, add: tf.Tensor2D): { keep: tf.Tensor3D; write: tf.Tensor3D } {
  return tf.tidy(() => {
    const slots = tf.expandDims(z, 2) as tf.Tensor3D;
    return {
      keep: tf.sub(1, tf.matMul(slots, tf.expandDims(erase, 1) as tf.Tensor3D)) as tf.Tensor3D,
      write: tf.matMul(slots, tf.expandDims(add, 1) as tf.Tensor3D),
    };
  });
}
