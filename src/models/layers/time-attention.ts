import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { multiHeadAttention, type AddWeight, type AttentionOptions, type AttentionWeights, type ReadWeight } from './attention';
import { glorotInit, uniformInit, zerosInit } from './init';

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
 * A query whose keys are all masked reads zeros. With no weights (null), the gate is 1: plain masked scaled
 * dot-product attention, softmax(x yᵀ / √d) · v (the times are then not read).
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

/**
 * The temporal gate g [B, lx, ly] of eqs. 16–18 between queries x [B, lx, d] at times tx [B, lx] and keys
 * y [B, ly, d] at times ty [B, ly] (see timeAttention for the equations and the parameters' shapes).
 */
export function timeGate(x: tf.Tensor3D, tx: tf.Tensor2D, y: tf.Tensor3D, ty: tf.Tensor2D, w: TimeAttentionWeights): tf.Tensor3D {
  return tf.tidy(() => {
    const d = x.shape[2];
    const gap = tf.abs(tf.sub(tf.expandDims(tx, 2), tf.expandDims(ty, 1))); // [B, lx, ly]
    const delta = tf.tanh(tf.add(tf.mul(tf.log1p(gap), w.wdelta), w.bdelta));
    const projected = tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), w.wtau), x.shape);
    const tau = tf.tanh(tf.add(tf.matMul(projected, y, false, true), w.btau));
    return tf.sigmoid(tf.add(tf.add(tf.mul(delta, w.wgdelta), tf.mul(tau, w.wgtau)), w.bg)) as tf.Tensor3D;
  });
}

export function timeAttention(
  x: tf.Tensor3D,
  tx: tf.Tensor2D,
  y: tf.Tensor3D,
  ty: tf.Tensor2D,
  v: tf.Tensor3D,
  keyMask: tf.Tensor2D,
  w: TimeAttentionWeights | null,
): tf.Tensor3D {
  return tf.tidy(() => {
    const d = x.shape[2];
    const products = tf.matMul(x, y, false, true);
    const logits = tf.div(w ? tf.mul(products, timeGate(x, tx, y, ty, w)) : products, Math.sqrt(d));
    const mask = tf.expandDims(keyMask, 1); // [B, 1, ly]
    const masked = tf.add(logits, tf.mul(tf.sub(1, mask), MASKED));
    const e = tf.mul(tf.exp(tf.sub(masked, tf.max(masked, -1, true))), mask);
    const scores = tf.div(e, tf.maximum(tf.sum(e, -1, true), 1e-30));
    return tf.matMul(scores, v) as tf.Tensor3D;
  });
}

/** Half-width of the uniform start of the gate weights W_δ, W_gδ, W_gτ (zeros would leave the gate without gradient). */
const GATE_INIT = 0.1;

/**
 * The gate's weights under `${prefix}_<name>` (names as in TimeAttentionWeights): W_τ [d, d] Glorot uniform,
 * the position-pair biases [rows, cols] zero, and the pair weights [rows, cols] uniform in ±0.1 (MTAM's start).
 */
export function addTimeGateWeights(add: AddWeight, prefix: string, rng: Rng, dim: number, rows: number, cols: number): void {
  add(`${prefix}_wtau`, glorotInit(rng, [dim, dim]));
  for (const name of ['bdelta', 'btau', 'bg']) add(`${prefix}_${name}`, zerosInit([rows, cols]));
  for (const name of ['wdelta', 'wgdelta', 'wgtau']) add(`${prefix}_${name}`, uniformInit(rng, [rows, cols], GATE_INIT));
}

/**
 * The gate's weights read back; with `width`, each position-pair parameter is cut to its bottom-right
 * [width, width] block: for sequences aligned at their right end, the pairs of the last `width` positions.
 */
export function timeGateWeightsOf(read: ReadWeight, prefix: string, width?: number): TimeAttentionWeights {
  const pair = (name: string) => {
    const full = read(`${prefix}_${name}`) as tf.Tensor2D;
    if (width === undefined) return full;
    const [rows, cols] = full.shape;
    return tf.slice(full, [rows - width, cols - width], [width, width]);
  };
  return {
    wtau: read(`${prefix}_wtau`) as tf.Tensor2D,
    wdelta: pair('wdelta'), bdelta: pair('bdelta'), btau: pair('btau'),
    wgdelta: pair('wgdelta'), wgtau: pair('wgtau'), bg: pair('bg'),
  };
}

/**
 * Time-aware multi-head self-attention (MTAM's eqs. 16–20 with the sequence attending to itself, as in the
 * paper's "time-aware self-attention" of Table 3): `queries` [B, T, d] and `keys` [B, T, d] are positions of
 * one sequence at `times` [B, T] (already in the gate's unit), and
 *   g = timeGate(queries, times, keys, times)            [B, T, T], from the unprojected queries and keys
 *   head h:  softmax((q_h k_hᵀ ⊙ g) / √(d/H) + masks) v_h,   q = queries W^Q, k = keys W^K, v = keys W^V
 * with `options`' causal and key masks as in multiHeadAttention; one gate serves every head. The
 * position-pair parameters of `gate` are [T, T].
 */
export function timeAwareSelfAttention(
  queries: tf.Tensor3D,
  keys: tf.Tensor3D,
  times: tf.Tensor2D,
  attention: AttentionWeights,
  gate: TimeAttentionWeights,
  options: AttentionOptions,
): tf.Tensor3D {
  return tf.tidy(() => multiHeadAttention(queries, keys, attention, { ...options, gate: timeGate(queries, times, keys, times, gate) }));
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
