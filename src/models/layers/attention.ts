import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { glorotInit, onesInit, zerosInit } from './init';

/**
 * Transformer pieces shared by the attention models (SASRec, DMAN, MTAM). Every function takes its weights as
 * tensors, so the model that calls it owns (names, initialises, saves) them; add*Weights create them through
 * the model's addWeight under `${prefix}_<name>` and *WeightsOf read them back. Shapes: B batch, T positions,
 * d model width, H heads.
 */

export type AddWeight = (name: string, initial: tf.Tensor) => void;
export type ReadWeight = (name: string) => tf.Tensor;

/** Adds this to a masked attention score: exp of it underflows to exactly 0 in float32. */
const MASKED = -1e9;

/** x · kernel + bias over the last axis of x, for any rank. */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const width = x.shape[x.shape.length - 1];
  const flat = tf.matMul(tf.reshape(x, [-1, width]), kernel);
  const out = tf.reshape(flat, [...x.shape.slice(0, -1), kernel.shape[1]]);
  return bias ? tf.add(out, bias) : out;
}

export interface LayerNormWeights {
  readonly gamma: tf.Tensor1D;
  readonly beta: tf.Tensor1D;
}

/** A layer norm's gain (ones) and shift (zeros). */
export function addLayerNormWeights(add: AddWeight, prefix: string, dim: number): void {
  add(`${prefix}_gamma`, onesInit([dim]));
  add(`${prefix}_beta`, zerosInit([dim]));
}

export function layerNormWeightsOf(read: ReadWeight, prefix: string): LayerNormWeights {
  return { gamma: read(`${prefix}_gamma`) as tf.Tensor1D, beta: read(`${prefix}_beta`) as tf.Tensor1D };
}

/**
 * v [..., 1] repeated along a last axis of `width`, as a matMul with a row of ones: tfjs-cpu's elementwise ops
 * are fast only when the smaller operand's shape is a suffix of the larger's, and [..., 1] against [..., d]
 * is not (about 20 times slower).
 */
export function repeatLast(v: tf.Tensor, width: number): tf.Tensor {
  const spread = tf.matMul(tf.reshape(v, [-1, 1]), tf.ones([1, width]));
  return tf.reshape(spread, [...v.shape.slice(0, -1), width]);
}

/** Layer normalisation over the last axis; SASRec's code uses epsilon 1e-8. Means are matMuls (see repeatLast). */
export function layerNorm<T extends tf.Tensor>(x: T, w: LayerNormWeights, epsilon = 1e-8): T {
  const width = x.shape[x.shape.length - 1];
  const flat = tf.reshape(x, [-1, width]) as tf.Tensor2D;
  const averager = tf.fill([width, 1], 1 / width) as tf.Tensor2D;
  const centered = tf.sub(flat, repeatLast(tf.matMul(flat, averager), width));
  const variance = tf.matMul(tf.square(centered), averager);
  const normed = tf.mul(centered, repeatLast(tf.rsqrt(tf.add(variance, epsilon)), width));
  return tf.reshape(tf.add(tf.mul(normed, w.gamma), w.beta), x.shape) as T;
}

/**
 * An additive mask for [B, H, Tq, Tk] attention scores, 0 where query q may see key k and MASKED elsewhere, or
 * null when nothing is masked. `causal`: query q sees keys up to its own position, with the two sequences
 * aligned at their ends (key k ≤ q + Tk - Tq). `keyMask` [B, Tk]: 1 for a real key, 0 for padding.
 * Returns [Tq, Tk] (causal only) or [B, 1, Tq, Tk].
 */
export function attentionBias(queryLength: number, keyLength: number, causal: boolean, keyMask?: tf.Tensor2D): tf.Tensor | null {
  let bias: tf.Tensor | null = null;
  if (causal) {
    const values = new Float32Array(queryLength * keyLength);
    const shift = keyLength - queryLength;
    for (let q = 0; q < queryLength; q++) values.fill(MASKED, q * keyLength + Math.max(0, q + shift + 1), (q + 1) * keyLength);
    bias = tf.tensor2d(values, [queryLength, keyLength]);
  }
  if (keyMask) {
    const batch = keyMask.shape[0];
    const padding = tf.mul(tf.sub(1, tf.reshape(keyMask, [batch, 1, keyLength])), MASKED);
    // the same row for every query: a matMul rather than a broadcast (see repeatLast)
    const rows = tf.reshape(tf.matMul(tf.ones([batch, queryLength, 1]), padding), [batch, 1, queryLength, keyLength]);
    bias = bias ? tf.add(rows, bias) : rows;
  }
  return bias;
}

/**
 * softmax(q kᵀ / sqrt(dk) + bias) v. q [B, H, Tq, dk], k [B, H, Tk, dk], v [B, H, Tk, dv], bias broadcastable
 * to [B, H, Tq, Tk]. A query that sees no key at all gets a finite, meaningless output (never NaN).
 * `dropWeights` is applied to the attention weights (dropout during training). With a `gate` broadcastable to
 * [B, H, Tq, Tk] (MTAM's time gate), the scores are softmax((q kᵀ ⊙ gate) / sqrt(dk) + bias) instead.
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  bias: tf.Tensor | null,
  dropWeights: (weights: tf.Tensor4D) => tf.Tensor4D = (w) => w,
  gate: tf.Tensor | null = null,
): tf.Tensor4D {
  const products = tf.matMul(q, k, false, true);
  let scores = tf.div(gate ? tf.mul(products, gate) : products, Math.sqrt(q.shape[3])) as tf.Tensor4D;
  if (bias) scores = tf.add(scores, bias);
  return tf.matMul(dropWeights(tf.softmax(scores)), v);
}

export interface AttentionWeights {
  /** [d, d] projections of queries, keys and values, with optional [d] biases */
  readonly query: tf.Tensor2D;
  readonly key: tf.Tensor2D;
  readonly value: tf.Tensor2D;
  readonly queryBias?: tf.Tensor1D;
  readonly keyBias?: tf.Tensor1D;
  readonly valueBias?: tf.Tensor1D;
  /** optional [d, d] projection of the concatenated heads (SASRec's paper and code have none) */
  readonly output?: tf.Tensor2D;
  readonly outputBias?: tf.Tensor1D;
}

/**
 * Glorot-uniform [d, d] query, key and value projections (each its own matrix, as SASRec's tf.layers.dense)
 * with zero biases; plus the output projection when `withOutput`.
 */
export function addAttentionWeights(add: AddWeight, prefix: string, rng: Rng, dim: number, withOutput: boolean): void {
  for (const part of withOutput ? ['query', 'key', 'value', 'output'] : ['query', 'key', 'value']) {
    add(`${prefix}_${part}`, glorotInit(rng, [dim, dim]));
    add(`${prefix}_${part}_bias`, zerosInit([dim]));
  }
}

export function attentionWeightsOf(read: ReadWeight, prefix: string, withOutput: boolean): AttentionWeights {
  const matrix = (part: string) => read(`${prefix}_${part}`) as tf.Tensor2D;
  const bias = (part: string) => read(`${prefix}_${part}_bias`) as tf.Tensor1D;
  return {
    query: matrix('query'),
    key: matrix('key'),
    value: matrix('value'),
    queryBias: bias('query'),
    keyBias: bias('key'),
    valueBias: bias('value'),
    ...(withOutput ? { output: matrix('output'), outputBias: bias('output') } : {}),
  };
}

export interface AttentionOptions {
  readonly numHeads: number;
  readonly causal?: boolean;
  /** [B, Tk]: 1 for a real key, 0 for padding that no query may attend to */
  readonly keyMask?: tf.Tensor2D;
  readonly dropWeights?: (weights: tf.Tensor4D) => tf.Tensor4D;
  /** [B, Tq, Tk]: multiplies every head's q kᵀ before the scaling (the time-aware attention's gate) */
  readonly gate?: tf.Tensor3D;
}

/** [B, T, d] -> [B, H, T, d / H] (one head needs no transpose) */
export function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor4D {
  const [batch, length, width] = x.shape;
  if (numHeads === 1) return tf.reshape(x, [batch, 1, length, width]);
  return tf.transpose(tf.reshape(x, [batch, length, numHeads, width / numHeads]), [0, 2, 1, 3]);
}

/** [B, H, T, d / H] -> [B, T, d] */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [batch, heads, length, headWidth] = x.shape;
  const merged = heads === 1 ? x : tf.transpose(x, [0, 2, 1, 3]);
  return tf.reshape(merged, [batch, length, heads * headWidth]);
}

/**
 * Multi-head attention of `queries` [B, Tq, d] over `keys` [B, Tk, d] (projected to both keys and values):
 * the heads attend in d / H dimensions each and are concatenated back to [B, Tq, d] (then projected by
 * `output` when given). No residual connection: the caller adds it.
 */
export function multiHeadAttention(queries: tf.Tensor3D, keys: tf.Tensor3D, w: AttentionWeights, options: AttentionOptions): tf.Tensor3D {
  const { numHeads } = options;
  const width = queries.shape[2];
  if (width % numHeads !== 0) throw new Error(`attention width ${width} is not divisible by ${numHeads} heads`);
  const q = splitHeads(dense(queries, w.query, w.queryBias), numHeads);
  const k = splitHeads(dense(keys, w.key, w.keyBias), numHeads);
  const v = splitHeads(dense(keys, w.value, w.valueBias), numHeads);
  const bias = attentionBias(queries.shape[1], keys.shape[1], options.causal ?? false, options.keyMask);
  const gate = options.gate ? tf.expandDims(options.gate, 1) : null; // one gate for every head
  const merged = mergeHeads(scaledDotProductAttention(q, k, v, bias, options.dropWeights, gate));
  return w.output ? (dense(merged, w.output, w.outputBias) as tf.Tensor3D) : merged;
}

export interface FeedForwardWeights {
  readonly inner: tf.Tensor2D;
  readonly innerBias: tf.Tensor1D;
  readonly outer: tf.Tensor2D;
  readonly outerBias: tf.Tensor1D;
}

/** Glorot-uniform [d, d] inner and outer matrices (SASRec's kernel-size-1 convolutions) with zero biases. */
export function addFeedForwardWeights(add: AddWeight, prefix: string, rng: Rng, dim: number): void {
  add(`${prefix}_inner`, glorotInit(rng, [dim, dim]));
  add(`${prefix}_inner_bias`, zerosInit([dim]));
  add(`${prefix}_outer`, glorotInit(rng, [dim, dim]));
  add(`${prefix}_outer_bias`, zerosInit([dim]));
}

export function feedForwardWeightsOf(read: ReadWeight, prefix: string): FeedForwardWeights {
  return {
    inner: read(`${prefix}_inner`) as tf.Tensor2D,
    innerBias: read(`${prefix}_inner_bias`) as tf.Tensor1D,
    outer: read(`${prefix}_outer`) as tf.Tensor2D,
    outerBias: read(`${prefix}_outer_bias`) as tf.Tensor1D,
  };
}

/**
 * The point-wise feed-forward block applied at every position alike: drop(relu(x W1 + b1)) W2 + b2, then
 * dropped again (SASRec's two dropouts). No residual connection: the caller adds it.
 */
export function pointWiseFeedForward<T extends tf.Tensor>(x: T, w: FeedForwardWeights, drop: (t: tf.Tensor) => tf.Tensor = (t) => t): T {
  const hidden = drop(tf.relu(dense(x, w.inner, w.innerBias)));
  return drop(dense(hidden, w.outer, w.outerBias)) as T;
}
