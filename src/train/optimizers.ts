import * as tf from '@tensorflow/tfjs-core';
import type { NamedArrays } from '../util/named-arrays';

export const OPTIMIZERS = ['sgd', 'adam', 'adagrad', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** tfjs optimizers read `learningRate` at every step, which is what a decay schedule changes. */
export type Optimizer = tf.Optimizer & { learningRate: number };

/** Adam's moment decay rates (`train.adam_beta1`, `train.adam_beta2`); SASRec's authors use beta2 0.98. */
export interface AdamBetas {
  beta1: number;
  beta2: number;
}

export function createOptimizer(name: OptimizerName, lr: number, adam: AdamBetas = { beta1: 0.9, beta2: 0.999 }): Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr) as unknown as Optimizer;
    case 'adam':
      return tf.train.adam(lr, adam.beta1, adam.beta2, 1e-8) as unknown as Optimizer;
    case 'adagrad':
      return tf.train.adagrad(lr) as unknown as Optimizer;
    case 'rmsprop':
      return tf.train.rmsprop(lr) as unknown as Optimizer;
  }
}

/** Scales the gradients so that their global L2 norm is at most maxNorm (maxNorm <= 0: unchanged). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  if (maxNorm <= 0) return grads;
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, scale)]));
  });
}

/** Adam keeps β1^t and β2^t as variables that setWeights would recompute with pow (a few ulps apart). */
type WithAdamPowers = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

/**
 * An optimizer's whole state as named arrays, in its own order (`<index>|<name>` keys keep that order): the
 * step count, the slots (moments, accumulators) and, for Adam, β1^t and β2^t as they were accumulated.
 */
export async function optimizerState(optimizer: Optimizer): Promise<NamedArrays> {
  const out: NamedArrays = {};
  for (const [k, { name, tensor }] of (await optimizer.getWeights()).entries()) {
    out[`${k}|${name}`] = { data: Float32Array.from(await tensor.data() as Float32Array), shape: tensor.shape };
  }
  const powers = optimizer as unknown as WithAdamPowers;
  if (powers.accBeta1 && powers.accBeta2) {
    out['adam|beta1_power'] = { data: Float32Array.from(await powers.accBeta1.data() as Float32Array), shape: [] };
    out['adam|beta2_power'] = { data: Float32Array.from(await powers.accBeta2.data() as Float32Array), shape: [] };
  }
  return out;
}

/** Puts a state written by optimizerState back into a fresh optimizer of the same kind. */
export async function restoreOptimizer(optimizer: Optimizer, state: NamedArrays): Promise<void> {
  const slots = Object.entries(state)
    .filter(([key]) => !key.startsWith('adam|'))
    .map(([key, array]) => ({ name: key.slice(key.indexOf('|') + 1), tensor: tf.tensor(array.data, [...array.shape]) }));
  await optimizer.setWeights(slots);
  tf.dispose(slots.map((slot) => slot.tensor));
  const powers = optimizer as unknown as WithAdamPowers;
  if (powers.accBeta1 && powers.accBeta2 && state['adam|beta1_power']) {
    powers.accBeta1.assign(tf.scalar(state['adam|beta1_power'].data[0]));
    powers.accBeta2.assign(tf.scalar(state['adam|beta2_power'].data[0]));
  }
}
