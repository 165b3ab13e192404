import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { glorotInit, zerosInit } from './init';

/**
 * The weights of one GRU layer (Cho et al. 2014, as in GRU4Rec), each a stack of the update gate z, the reset
 * gate r and the candidate ĥ along the first axis:
 *   z = σ(x W_z + h U_z + b_z),  r = σ(x W_r + h U_r + b_r),  ĥ = tanh(x W_h + (r ⊙ h) U_h + b_h),
 *   h' = (1 − z) ⊙ h + z ⊙ ĥ
 */
export interface GruWeights {
  /** [3, in, h] W_z, W_r, W_h */
  readonly input: tf.Tensor;
  /** [3, h, h] U_z, U_r, U_h */
  readonly recurrent: tf.Tensor;
  /** [3, h] b_z, b_r, b_h */
  readonly bias: tf.Tensor;
}

/** How each weight is named in a model (after the model's prefix, e.g. `gru0_recurrent`). */
const STORED_NAMES: Readonly<Record<keyof GruWeights, string>> = { input: 'input', recurrent: 'recurrent', bias: 'bias' };

/**
 * Creates a GRU layer's weights through `add` (a model's addWeight) under `${prefix}_<name>`: Glorot uniform
 * per gate matrix (limit √(6 / (fanIn + h)), what the official GRU4Rec's init_parameter_matrix gives its
 * stacked gate matrices) and zero biases.
 */
export function addGruWeights(
  add: (name: string, initial: tf.Tensor) => void,
  prefix: string,
  rng: Rng,
  inputDim: number,
  hidden: number,
): void {
  add(`${prefix}_${STORED_NAMES.input}`, glorotInit(rng, [3, inputDim, hidden]));
  add(`${prefix}_${STORED_NAMES.recurrent}`, glorotInit(rng, [3, hidden, hidden]));
  add(`${prefix}_${STORED_NAMES.bias}`, zerosInit([3, hidden]));
}

/** The GRU layer stored under `prefix` by addGruWeights, read through `read` (a model's weight). */
export function gruWeightsOf(read: (name: string) => tf.Tensor, prefix: string): GruWeights {
  return {
    input: read(`${prefix}_${STORED_NAMES.input}`),
    recurrent: read(`${prefix}_${STORED_NAMES.recurrent}`),
    bias: read(`${prefix}_${STORED_NAMES.bias}`),
  };
}

/** [L] per-step [B, size] slices of a time-major [L * B, size] tensor (contiguous, so cheap to cut). */
function perStep(timeMajor: tf.Tensor, length: number): tf.Tensor2D[] {
  const [rows, size] = timeMajor.shape;
  return tf.unstack(tf.reshape(timeMajor, [length, rows / length, size])) as tf.Tensor2D[];
}

/**
 * Runs the GRU over x [B, L, in] with mask [B, L] (1 = real step, 0 = padding: the state is carried through
 * unchanged) from `initial` [B, h] (zeros when left out), calling `onStep` with each step's state.
 * The input projections of all steps are computed before the recurrence (one matmul per gate over all B·L
 * rows), so only the recurrence loops over time. Everything is laid out time-major and gate-major because
 * the cpu backend cuts any other slice element by element, which is slower than the arithmetic.
 */
function scan(x: tf.Tensor3D, mask: tf.Tensor2D, w: GruWeights, initial: tf.Tensor2D | undefined, onStep: (h: tf.Tensor2D) => void): tf.Tensor2D {
  const [batch, length, inputDim] = x.shape;
  const timeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [length * batch, inputDim]);
  const [wz, wr, wh] = tf.unstack(w.input) as tf.Tensor2D[];
  const [uz, ur, uh] = tf.unstack(w.recurrent) as tf.Tensor2D[];
  const [bz, br, bh] = tf.unstack(w.bias);
  const [xz, xr, xh] = [tf.add(tf.matMul(timeMajor, wz), bz), tf.add(tf.matMul(timeMajor, wr), br), tf.add(tf.matMul(timeMajor, wh), bh)].map(
    (projection) => perStep(projection, length),
  );
  const keeps = perStep(tf.reshape(tf.transpose(mask), [length * batch, 1]), length);
  let h = initial ?? (tf.zeros([batch, uh.shape[0]]) as tf.Tensor2D);
  for (let t = 0; t < length; t++) {
    const z = tf.sigmoid(tf.add(xz[t], tf.matMul(h, uz)));
    const r = tf.sigmoid(tf.add(xr[t], tf.matMul(h, ur)));
    const candidate = tf.tanh(tf.add(xh[t], tf.matMul(tf.mul(r, h), uh)));
    // h + m z (ĥ − h) = (1 − z) h + z ĥ on real steps, exactly h on padding steps
    h = tf.add(h, tf.mul(tf.mul(z, keeps[t]), tf.sub(candidate, h)));
    onStep(h);
  }
  return h;
}

/** All hidden states [B, L, h] of the GRU over x [B, L, in] with mask [B, L] (see scan). */
export function gruStates(x: tf.Tensor3D, mask: tf.Tensor2D, w: GruWeights, initial?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const states: tf.Tensor2D[] = [];
    scan(x, mask, w, initial, (h) => states.push(h));
    // stacked time-major first: the gradient of a stack cuts it back along its stacking axis
    return tf.transpose(tf.stack(states), [1, 0, 2]) as tf.Tensor3D;
  });
}

/** The last hidden state [B, h] of the GRU over x [B, L, in] with mask [B, L] (see scan). */
export function gruLastState(x: tf.Tensor3D, mask: tf.Tensor2D, w: GruWeights, initial?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => scan(x, mask, w, initial, () => undefined));
}
