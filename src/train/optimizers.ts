import * as tf from '@tensorflow/tfjs-core';

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
