import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import { glorotInit, zerosInit } from './init';

/** The squashing function of a plain RNN cell: DREAM's sigmoid, or the Elman-network tanh. */
export type RnnActivation = 'sigmoid' | 'tanh';

/**
 * The weights of one plain (Elman) RNN layer:
 *   h' = f(x W + h U [+ b])
 * DREAM (Yu et al., SIGIR 2016) writes it h_t = f(X b_t + R h_{t−1}) with the sigmoid f and no bias.
 */
export interface RnnWeights {
  /** [in, h] W (DREAM's X) */
  readonly input: tf.Tensor;
  /** [h, h] U (DREAM's R) */
  readonly recurrent: tf.Tensor;
  /** [h] b, or null for a cell without a bias (DREAM's) */
  readonly bias: tf.Tensor | null;
}

/**
 * Creates a plain RNN layer's weights through `add` (a model's addWeight) under `${prefix}_input`,
 * `${prefix}_recurrent` and, with `bias`, `${prefix}_bias`: Glorot-uniform matrices and a zero bias.
 */
export function addRnnWeights(
  add: (name: string, initial: tf.Tensor) => void,
  prefix: string,
  rng: Rng,
  inputDim: number,
  hidden: number,
  bias: boolean,
): void {
  add(`${prefix}_input`, glorotInit(rng, [inputDim, hidden]));
  add(`${prefix}_recurrent`, glorotInit(rng, [hidden, hidden]));
  if (bias) add(`${prefix}_bias`, zerosInit([hidden]));
}

/** The RNN layer stored under `prefix` by addRnnWeights, read through `read` (a model's weight). */
export function rnnWeightsOf(read: (name: string) => tf.Tensor, prefix: string, bias: boolean): RnnWeights {
  return { input: read(`${prefix}_input`), recurrent: read(`${prefix}_recurrent`), bias: bias ? read(`${prefix}_bias`) : null };
}

/**
 * Runs the RNN over x [B, L, in] with mask [B, L] (1 = real step, 0 = padding: the state is carried through
 * unchanged) from `initial` [B, h] (zeros when left out), calling `onStep` with each step's state.
 * The input projection of all steps is one matmul over all B·L rows laid out time-major (contiguous per-step
 * slices, as in gru.ts), so only the recurrence loops over time.
 */
function scan(
  x: tf.Tensor3D,
  mask: tf.Tensor2D,
  w: RnnWeights,
  activation: RnnActivation,
  initial: tf.Tensor2D | undefined,
  onStep: (h: tf.Tensor2D) => void,
): tf.Tensor2D {
  const [batch, length, inputDim] = x.shape;
  const hidden = w.recurrent.shape[0];
  const timeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [length * batch, inputDim]);
  let projected: tf.Tensor2D = tf.matMul(timeMajor, w.input as tf.Tensor2D);
  if (w.bias) projected = tf.add(projected, w.bias);
  const inputs = tf.unstack(tf.reshape(projected, [length, batch, hidden])) as tf.Tensor2D[];
  const keeps = tf.unstack(tf.reshape(tf.transpose(mask), [length, batch, 1])) as tf.Tensor2D[];
  const f = activation === 'sigmoid' ? tf.sigmoid : tf.tanh;
  let h = initial ?? (tf.zeros([batch, hidden]) as tf.Tensor2D);
  for (let t = 0; t < length; t++) {
    const next = f(tf.add(inputs[t], tf.matMul(h, w.recurrent as tf.Tensor2D)));
    // h + m (h' − h): the new state on real steps, exactly the old one on padding steps
    h = tf.add(h, tf.mul(keeps[t], tf.sub(next, h)));
    onStep(h);
  }
  return h;
}

/** All hidden states [B, L, h] of the RNN over x [B, L, in] with mask [B, L] (see scan). */
export function rnnStates(x: tf.Tensor3D, mask: tf.Tensor2D, w: RnnWeights, activation: RnnActivation, initial?: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const states: tf.Tensor2D[] = [];
    scan(x, mask, w, activation, initial, (h) => states.push(h));
    // stacked time-major first: the gradient of a stack cuts it back along its stacking axis
    return tf.transpose(tf.stack(states), [1, 0, 2]) as tf.Tensor3D;
  });
}

/** The last hidden state [B, h] of the RNN over x [B, L, in] with mask [B, L] (see scan). */
export function rnnLastState(x: tf.Tensor3D, mask: tf.Tensor2D, w: RnnWeights, activation: RnnActivation, initial?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => scan(x, mask, w, activation, initial, () => undefined));
}
