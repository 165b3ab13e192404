import * as tf from '@tensorflow/tfjs-core';

/** Added to a masked attention score: its exp underflows to exactly 0 in float32. */
const MASKED = -1e9;

/**
 * MTAM's time-aware attention (Ji et al., CIKM 2020, eqs. 16–20) for queries x [B, lx, d] at times tx [B, lx]
 * over keys y [B, ly, d] at times ty [B, ly], with values v [B, ly, dv]:
 *   δ = tanh(log(|tx_i − ty_j| + 1) ⊙ W_δ + b_δ)
 *   τ = tanh(x W_τ yᵀ + b_τ)                          (printed y W_τ x; only x W_τ yᵀ has the right shape)
 *   g = σ(δ ⊙ W_gδ + τ ⊙ W_gτ + b_g)
 *   score = softmax_j((x yᵀ ⊙ g) / √d), key slots where keyMask is 0 left out;  output = score · v
 * The position-pair parameters (W_δ, b_δ, b_τ, W_gδ, W_gτ, b_g) are [lx, ly] as printed, or [1, 1] to share
 * one value over every pair (the printed shapes tie the layer to one memory length; both are allowed).
 * A query whose keys are all masked reads zeros.
 */
export interface TimeAttentionWeights {
  /** [d, d] */
  readonly wtau: tf.Tensor2D;
  /** [lx, ly] or [1, 1] each */
  readonly wdelta: tf.Tensor2D;
  readonly bdelta: tf.Tensor2D;
  readonly btau: tf.Tensor2D;
  readonly wgdelta: tf.Tensor2D;
  readonly wgtau: tf.Tensor2D;
  readonly bg: tf.Tensor2D;
}

export function timeAttention(
  x: tf.Tensor3D,
  tx: tf.Tensor2D,
  y: tf.Tensor3D,
  ty: tf.Tensor2D,
  v: tf.Tensor3D,
  keyMask: tf.Tensor2D,
  w: TimeAttentionWeights,
): tf.Tensor3D {
  return tf.tidy(() => {
    const d = x.shape[2];
    const gap = tf.abs(tf.sub(tf.expandDims(tx, 2), tf.expandDims(ty, 1))); // [B, lx, ly]
    const delta = tf.tanh(tf.add(tf.mul(tf.log1p(gap), w.wdelta), w.bdelta));
    const projected = tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), w.wtau), x.shape);
    const tau = tf.tanh(tf.add(tf.matMul(projected, y, false, true), w.btau));
    const g = tf.sigmoid(tf.add(tf.add(tf.mul(delta, w.wgdelta), tf.mul(tau, w.wgtau)), w.bg));
    const logits = tf.div(tf.mul(tf.matMul(x, y, false, true), g), Math.sqrt(d));
    const mask = tf.expandDims(keyMask, 1); // [B, 1, ly]
    const masked = tf.add(logits, tf.mul(tf.sub(1, mask), MASKED));
    const e = tf.mul(tf.exp(tf.sub(masked, tf.max(masked, -1, true))), mask);
    const scores = tf.div(e, tf.maximum(tf.sum(e, -1, true), 1e-30));
    return tf.matMul(scores, v) as tf.Tensor3D;
  });
}

/**
 * MTAM's multi-hop reader (eqs. 23–25): c⁰ = the short-term intent c0 [B, d]; for each hop k,
 *   o^k = TimeAttention((c^{k−1} W_Q^k, t_target), (m W_K, t_m), (m W_V, t_m)),   c^k = c^{k−1} + o^k
 * over the memory m [B, L, d] at times tm [B, L] (memoryMask 1 on real slots), with a query projection per hop
 * and the key and value projections shared across hops, as printed; the attention's gate parameters are
 * shared across hops too (the paper gives one set). Returns c^{k′} [B, d]; with no hops, c0 itself.
 */
export function multiHopRead(
  c0: tf.Tensor2D,
  targetTime: tf.Tensor1D,
  memory: tf.Tensor3D,
  tm: tf.Tensor2D,
  memoryMask: tf.Tensor2D,
  w: { queries: readonly tf.Tensor2D[]; key: tf.Tensor2D; value: tf.Tensor2D; attention: TimeAttentionWeights },
): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, length, d] = memory.shape;
    const flat = tf.reshape(memory, [-1, d]);
    const keys = tf.reshape(tf.matMul(flat, w.key), [batch, length, -1]) as tf.Tensor3D;
    const values = tf.reshape(tf.matMul(flat, w.value), [batch, length, -1]) as tf.Tensor3D;
    const tq = tf.reshape(targetTime, [-1, 1]) as tf.Tensor2D;
    let c = c0;
    for (const query of w.queries) {
      const q = tf.expandDims(tf.matMul(c, query), 1) as tf.Tensor3D;
      const o = tf.reshape(timeAttention(q, tq, keys, tm, values, memoryMask, w.attention), [batch, -1]);
      c = tf.add(c, o) as tf.Tensor2D;
    }
    return c;
  });
}
