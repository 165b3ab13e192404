import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';
import type { AddWeight, ReadWeight } from './attention';
import { glorotInit, zerosInit } from './init';

/**
 * The weights of one LSTM layer (Hochreiter & Schmidhuber 1997, with a forget gate; the cell of torch.nn.LSTM),
 * each a stack of the input gate i, the forget gate f, the candidate g and the output gate o along the first axis:
 *   i = σ(x W_i + h U_i + b_i),  f = σ(x W_f + h U_f + b_f),  g = tanh(x W_g + h U_g + b_g),  o = σ(x W_o + h U_o + b_o)
 *   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
 */
export interface LstmWeights {
  /** [4, in, h] W_i, W_f, W_g, W_o */
  readonly input: tf.Tensor3D;
  /** [4, h, h] U_i, U_f, U_g, U_o */
  readonly recurrent: tf.Tensor3D;
  /** [4, h] b_i, b_f, b_g, b_o */
  readonly bias: tf.Tensor2D;
}

/** Creates an LSTM layer's weights under `${prefix}_input`, `_recurrent`, `_bias`: Glorot uniform per gate, zero biases. */
export function addLstmWeights(add: AddWeight, prefix: string, rng: Rng, inputDim: number, hidden: number): void {
  add(`${prefix}_input`, glorotInit(rng, [4, inputDim, hidden]));
  add(`${prefix}_recurrent`, glorotInit(rng, [4, hidden, hidden]));
  add(`${prefix}_bias`, zerosInit([4, hidden]));
}

export function lstmWeightsOf(read: ReadWeight, prefix: string): LstmWeights {
  return { input: read(`${prefix}_input`) as tf.Tensor3D, recurrent: read(`${prefix}_recurrent`) as tf.Tensor3D, bias: read(`${prefix}_bias`) as tf.Tensor2D };
}

/**
 * The outputs h after every step [B, L, h] of the LSTM over x [B, L, in] with mask [B, L] (1 = real step,
 * 0 = padding: c and h carried through unchanged), from zero cell and output. The input projections of all
 * steps are one matMul per gate over all B·L rows, laid out time-major and gate-major as in layers/gru.ts (the
 * cpu backend cuts any other slice element by element), so only the recurrence loops over time.
 */
export function lstmStates(x: tf.Tensor3D, mask: tf.Tensor2D, w: LstmWeights): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length, inputDim] = x.shape;
    const hidden = w.recurrent.shape[1];
    const rows = length * batch;
    const flat = tf.reshape(tf.transpose(x, [1, 0, 2]), [rows, inputDim]);
    const kernels = tf.unstack(w.input) as tf.Tensor2D[];
    const recurrents = tf.unstack(w.recurrent) as tf.Tensor2D[];
    const biases = tf.unstack(w.bias);
    const perStep = (t: tf.Tensor, width: number) => tf.unstack(tf.reshape(t, [length, batch, width])) as tf.Tensor2D[];
    const [xi, xf, xg, xo] = [0, 1, 2, 3].map((g) => perStep(tf.add(tf.matMul(flat, kernels[g]), biases[g]), hidden));
    const keeps = perStep(tf.reshape(tf.transpose(mask), [rows, 1]), 1);
    let c = tf.zeros([batch, hidden]) as tf.Tensor2D;
    let h = tf.zeros([batch, hidden]) as tf.Tensor2D;
    const outputs: tf.Tensor2D[] = [];
    for (let s = 0; s < length; s++) {
      const [i, f, g, o] = [xi, xf, xg, xo].map((xs, gate) => tf.add(xs[s], tf.matMul(h, recurrents[gate])));
      const nextC = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      const nextH = tf.mul(tf.sigmoid(o), tf.tanh(nextC));
      // c + m (c' − c): the new values on real steps, exactly the old ones on padding
      c = tf.add(c, tf.mul(keeps[s], tf.sub(nextC, c)));
      h = tf.add(h, tf.mul(keeps[s], tf.sub(nextH, h)));
      outputs.push(h);
    }
    // stacked time-major first: the gradient of a stack cuts it back along its stacking axis
    return tf.transpose(tf.stack(outputs), [1, 0, 2]) as tf.Tensor3D;
  });
}
