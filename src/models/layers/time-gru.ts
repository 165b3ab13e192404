import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { glorotInit, uniformInit, zerosInit } from './init';

/**
 * MTAM's time-aware GRU cell (Ji et al., CIKM 2020, eqs. 6–13), per step s with input x_s [B, in], the state
 * h_{s−1} [B, d] and the gap Δt_s since the previous behaviour (in the unit the model chose):
 *   z  = σ([x, h] W_z + b_z)                 r  = σ([x, h] W_r + b_r)
 *   h′ = tanh([x, h ⊙ r] W_h + b_h)
 *   δ  = tanh(log(Δt + 1) · w_δ + b_δ)       (w_δ, b_δ ∈ R^d: the gap is a scalar per step)
 *   τ  = tanh([x, h] W_τ + b_τ)
 *   g  = σ(δ ⊙ w_gδ + τ ⊙ w_gτ + b_g)        (elementwise weights ∈ R^d)
 *   h_s = z ⊙ g ⊙ h_{s−1} + (1 − z) ⊙ h′
 * The first step has no previous behaviour: its gap is 0 (the caller passes 0), so δ = tanh(b_δ). Padding
 * steps (mask 0) leave the state exactly as it was. Each [in + d, d] matrix acts on the concatenation [x, h].
 */
export interface TimeGruWeights {
  /** [in + d, d] each */
  readonly wz: tf.Tensor2D;
  readonly wr: tf.Tensor2D;
  readonly wh: tf.Tensor2D;
  readonly wtau: tf.Tensor2D;
  /** [d] each */
  readonly bz: tf.Tensor1D;
  readonly br: tf.Tensor1D;
  readonly bh: tf.Tensor1D;
  readonly btau: tf.Tensor1D;
  readonly wdelta: tf.Tensor1D;
  readonly bdelta: tf.Tensor1D;
  readonly wgdelta: tf.Tensor1D;
  readonly wgtau: tf.Tensor1D;
  readonly bg: tf.Tensor1D;
}

/** One step: x [B, in], h [B, d], gap [B] → h_s [B, d]. */
export function timeGruStep(x: tf.Tensor2D, h: tf.Tensor2D, gap: tf.Tensor1D, w: TimeGruWeights): tf.Tensor2D {
  return tf.tidy(() => {
    const xh = tf.concat([x, h], 1);
    const z = tf.sigmoid(tf.add(tf.matMul(xh, w.wz), w.bz));
    const r = tf.sigmoid(tf.add(tf.matMul(xh, w.wr), w.br));
    const candidate = tf.tanh(tf.add(tf.matMul(tf.concat([x, tf.mul(h, r)], 1), w.wh), w.bh));
    const logGap = tf.reshape(tf.log1p(gap), [-1, 1]);
    const delta = tf.tanh(tf.add(tf.mul(logGap, w.wdelta), w.bdelta));
    const tau = tf.tanh(tf.add(tf.matMul(xh, w.wtau), w.btau));
    const g = tf.sigmoid(tf.add(tf.add(tf.mul(delta, w.wgdelta), tf.mul(tau, w.wgtau)), w.bg));
    return tf.add(tf.mul(tf.mul(z, g), h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
  });
}

/**
 * The state after every step of inputs x [B, L, in] with gaps [B, L] and mask [B, L] (1 real, 0 padding),
 * from h0 [B, d] (zeros when left out): [B, L, d].
 */
export function timeGruStates(x: tf.Tensor3D, gaps: tf.Tensor2D, mask: tf.Tensor2D, w: TimeGruWeights, h0?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length] = x.shape;
    let h = h0 ?? (tf.zeros([batch, w.bz.shape[0]]) as tf.Tensor2D);
    // One unstack per input rather than a slice per step: the gradient is one stack, not `length` padded
    // copies of x summed (the same values: each element gets its one step's gradient either way).
    const xs = tf.unstack(x, 1) as tf.Tensor2D[];
    const stepGaps = tf.unstack(gaps, 1) as tf.Tensor1D[];
    const reals = tf.unstack(tf.expandDims(mask, 2), 1);
    const states: tf.Tensor2D[] = [];
    for (let s = 0; s < length; s++) {
      const next = timeGruStep(xs[s], h, stepGaps[s], w);
      h = tf.add(tf.mul(next, reals[s]), tf.mul(h, tf.sub(1, reals[s]))) as tf.Tensor2D;
      states.push(h);
    }
    return tf.stack(states, 1) as tf.Tensor3D;
  });
}

/** Half-width of the uniform start of the time-gate weights w_δ, w_gδ, w_gτ (zeros would leave the gate without gradient). */
const GATE_INIT = 0.1;

/**
 * A T-GRU's weights through `add` under `${prefix}_<name>` (names as in TimeGruWeights), for inputs of size
 * `inputDim` and state size `dim`: Glorot uniform [inputDim + dim, dim] matrices, zero biases, and the gate's
 * elementwise weights uniform in ±0.1 (MTAM's start, src/models/memory/mtam.ts).
 */
export function addTimeGruWeights(add: (name: string, initial: tf.Tensor) => void, prefix: string, rng: Rng, inputDim: number, dim: number): void {
  for (const name of ['wz', 'wr', 'wh', 'wtau']) add(`${prefix}_${name}`, glorotInit(rng, [inputDim + dim, dim]));
  for (const name of ['bz', 'br', 'bh', 'btau', 'bdelta', 'bg']) add(`${prefix}_${name}`, zerosInit([dim]));
  for (const name of ['wdelta', 'wgdelta', 'wgtau']) add(`${prefix}_${name}`, uniformInit(rng, [dim], GATE_INIT));
}

/** The T-GRU stored under `prefix` by addTimeGruWeights, read through `read` (a model's weight). */
export function timeGruWeightsOf(read: (name: string) => tf.Tensor, prefix: string): TimeGruWeights {
  const w = (name: string) => read(`${prefix}_${name}`);
  return {
    wz: w('wz') as tf.Tensor2D, wr: w('wr') as tf.Tensor2D, wh: w('wh') as tf.Tensor2D, wtau: w('wtau') as tf.Tensor2D,
    bz: w('bz') as tf.Tensor1D, br: w('br') as tf.Tensor1D, bh: w('bh') as tf.Tensor1D, btau: w('btau') as tf.Tensor1D,
    wdelta: w('wdelta') as tf.Tensor1D, bdelta: w('bdelta') as tf.Tensor1D,
    wgdelta: w('wgdelta') as tf.Tensor1D, wgtau: w('wgtau') as tf.Tensor1D, bg: w('bg') as tf.Tensor1D,
  };
}
