import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import type { AddWeight, ReadWeight } from './attention';
import { glorotInit, uniformInit, zerosInit } from './init';

/**
 * T-SeqRec's time-aware LSTM cell (SLi-Rec, Yu, Lian, Zhang, Xie, Liu, Xie; IJCAI 2019: the "Time4LSTM" cell of
 * the authors' code, zepingyu0512/sli_rec, sli_rec/rnn_cell_impl.py), per step s with input x [B, in], the
 * cell c and output m of the step before, the time interval Δl_s since the previous behaviour and the time
 * span Δn_s from this behaviour to the time of the prediction, both as log(max(Δ, 0.5)) (see sliRecLogTime):
 *   tn = tanh(Δn · w_n + b_n)                  tl = tanh(Δl · w_l + b_l)        (w, b ∈ R^d: Δ is a scalar)
 *   T_n = σ(x W_n + tn U_n + b_Tn)             the time-span gate (on the new content)
 *   T_l = σ(x W_l + tl U_l + b_Tl)             the time-interval gate (on the old cell)
 *   [i, j, f, o] = x W + m U + b               (one W [in, d], U [d, d], b [d] per gate)
 *   c_s = σ(f + 1) ⊙ T_l ⊙ c + σ(i) ⊙ T_n ⊙ tanh(j)
 *   m_s = σ(o + tn V_n + tl V_l) ⊙ tanh(c_s)
 * The paper prints the gates with σ(Δ W) inside; the authors' code, which these follow, feeds tanh(Δ w + b)
 * through a d × d matrix, adds both time features to the output gate and keeps TF's forget bias of 1.
 * Padding steps (mask 0) leave c and m exactly as they were.
 */
export interface TimeLstmWeights {
  /** [4, in, d] and [4, d, d]: input and recurrent kernels of i, j, f, o (in that order), [4, d] their biases */
  readonly kernel: tf.Tensor3D;
  readonly recurrent: tf.Tensor3D;
  readonly bias: tf.Tensor2D;
  /** [d] each: the time features' scalar-to-vector weights and biases (span n, interval l) */
  readonly wn: tf.Tensor1D;
  readonly bn: tf.Tensor1D;
  readonly wl: tf.Tensor1D;
  readonly bl: tf.Tensor1D;
  /** [in, d] W_n, W_l; [d, d] U_n, U_l, V_n, V_l; [d] b_Tn, b_Tl */
  readonly gateKernelN: tf.Tensor2D;
  readonly gateKernelL: tf.Tensor2D;
  readonly gateTimeN: tf.Tensor2D;
  readonly gateTimeL: tf.Tensor2D;
  readonly gateBiasN: tf.Tensor1D;
  readonly gateBiasL: tf.Tensor1D;
  readonly outputTimeN: tf.Tensor2D;
  readonly outputTimeL: tf.Tensor2D;
}

const MATRICES = ['kernel', 'recurrent', 'gateKernelN', 'gateKernelL', 'gateTimeN', 'gateTimeL', 'outputTimeN', 'outputTimeL'] as const;
const BIASES = ['bias', 'gateBiasN', 'gateBiasL', 'bn', 'bl'] as const;
/** Half-width of the uniform start of w_n and w_l (zeros would leave the time features constant at the start). */
const TIME_INIT = 0.1;

/** The unit's time features: log(max(Δ, 0.5)) of a time difference Δ in the model's unit (SLi-Rec's iterator, in days there). */
export function sliRecLogTime(delta: tf.Tensor): tf.Tensor {
  return tf.log(tf.maximum(delta, 0.5));
}

/**
 * Creates the cell's weights through `add` under `${prefix}_<name>` (names as in TimeLstmWeights): Glorot-uniform
 * matrices, zero biases, w_n and w_l uniform in ±0.1.
 */
export function addTimeLstmWeights(add: AddWeight, prefix: string, rng: Rng, inputDim: number, dim: number): void {
  const shapes: Record<(typeof MATRICES)[number], number[]> = {
    kernel: [4, inputDim, dim],
    recurrent: [4, dim, dim],
    gateKernelN: [inputDim, dim],
    gateKernelL: [inputDim, dim],
    gateTimeN: [dim, dim],
    gateTimeL: [dim, dim],
    outputTimeN: [dim, dim],
    outputTimeL: [dim, dim],
  };
  for (const name of MATRICES) add(`${prefix}_${name}`, glorotInit(rng, shapes[name]));
  for (const name of BIASES) add(`${prefix}_${name}`, zerosInit(name === 'bias' ? [4, dim] : [dim]));
  for (const name of ['wn', 'wl']) add(`${prefix}_${name}`, uniformInit(rng, [dim], TIME_INIT));
}

export function timeLstmWeightsOf(read: ReadWeight, prefix: string): TimeLstmWeights {
  const names = [...MATRICES, ...BIASES, 'wn', 'wl'] as const;
  return Object.fromEntries(names.map((name) => [name, read(`${prefix}_${name}`)])) as unknown as TimeLstmWeights;
}

/**
 * The outputs m after every step [B, L, d] of inputs x [B, L, in] with time features `interval` [B, L] (Δl) and
 * `span` [B, L] (Δn), already through sliRecLogTime (the caller puts 0 for the first behaviour's interval, as
 * the authors' code), and mask [B, L] (1 real, 0 padding), from zero cell and output. Everything that does not
 * depend on the state (the input projections, both time gates and the time part of the output gate) is
 * computed over all B·L rows before the recurrence, which then costs four [B, d] × [d, d] matmuls a step
 * (gate-major, as layers/gru.ts: the cpu backend cuts a column slice element by element).
 */
export function timeLstmStates(x: tf.Tensor3D, interval: tf.Tensor2D, span: tf.Tensor2D, mask: tf.Tensor2D, w: TimeLstmWeights): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length, inputDim] = x.shape;
    const d = w.recurrent.shape[1];
    const rows = length * batch;
    // time-major rows, so that each step's [B, ·] slice is contiguous (see layers/gru.ts)
    const flat = tf.reshape(tf.transpose(x, [1, 0, 2]), [rows, inputDim]);
    const column = (t: tf.Tensor2D) => tf.reshape(tf.transpose(t), [rows, 1]);
    const tn = tf.tanh(tf.add(tf.mul(column(span), w.wn), w.bn));
    const tl = tf.tanh(tf.add(tf.mul(column(interval), w.wl), w.bl));
    const spanGate = tf.sigmoid(tf.add(tf.add(tf.matMul(flat, w.gateKernelN), tf.matMul(tn, w.gateTimeN)), w.gateBiasN));
    const intervalGate = tf.sigmoid(tf.add(tf.add(tf.matMul(flat, w.gateKernelL), tf.matMul(tl, w.gateTimeL)), w.gateBiasL));
    const outputTime = tf.add(tf.matMul(tn, w.outputTimeN), tf.matMul(tl, w.outputTimeL));
    const kernels = tf.unstack(w.kernel) as tf.Tensor2D[];
    const recurrents = tf.unstack(w.recurrent) as tf.Tensor2D[];
    const biases = tf.unstack(w.bias);
    const perStep = (t: tf.Tensor, width: number) => tf.unstack(tf.reshape(t, [length, batch, width])) as tf.Tensor2D[];
    // i, j, f, o of the input at every step, with the output gate's time part added to o
    const [xi, xj, xf, xo] = [0, 1, 2, 3].map((g) => {
      const projected = tf.add(tf.matMul(flat, kernels[g]), biases[g]);
      return perStep(g === 3 ? tf.add(projected, outputTime) : projected, d);
    });
    const spans = perStep(spanGate, d);
    const intervals = perStep(intervalGate, d);
    const keeps = perStep(tf.reshape(tf.transpose(mask), [rows, 1]), 1);
    let c = tf.zeros([batch, d]) as tf.Tensor2D;
    let m = tf.zeros([batch, d]) as tf.Tensor2D;
    const outputs: tf.Tensor2D[] = [];
    for (let s = 0; s < length; s++) {
      const [i, j, f, o] = [xi, xj, xf, xo].map((xg, g) => tf.add(xg[s], tf.matMul(m, recurrents[g])));
      const forget = tf.mul(tf.mul(tf.sigmoid(tf.add(f, 1)), intervals[s]), c);
      const nextC = tf.add(forget, tf.mul(tf.mul(tf.sigmoid(i), spans[s]), tf.tanh(j)));
      const nextM = tf.mul(tf.sigmoid(o), tf.tanh(nextC));
      // c + k (c' − c): the new values on real steps, exactly the old ones on padding
      c = tf.add(c, tf.mul(keeps[s], tf.sub(nextC, c)));
      m = tf.add(m, tf.mul(keeps[s], tf.sub(nextM, m)));
      outputs.push(m);
    }
    return tf.transpose(tf.stack(outputs), [1, 0, 2]) as tf.Tensor3D;
  });
}
