import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../random/streams';

/**
 * Weight initialisers that draw from memrec's `init` stream in JavaScript, so that initial weights are the
 * same on every backend (tfjs's own random ops differ between backends).
 */
export function normalInit(rng: Rng, shape: number[], std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
  return tf.tensor(values, shape);
}

export function uniformInit(rng: Rng, shape: number[], limit: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * rng.uniform() - 1) * limit;
  return tf.tensor(values, shape);
}

/** Glorot (Xavier) uniform for a [fanIn, fanOut] matrix (or a stack of them: the last two dimensions). */
export function glorotInit(rng: Rng, shape: number[]): tf.Tensor {
  const fanIn = shape[shape.length - 2];
  const fanOut = shape[shape.length - 1];
  return uniformInit(rng, shape, Math.sqrt(6 / (fanIn + fanOut)));
}

export function zerosInit(shape: number[]): tf.Tensor {
  return tf.zeros(shape);
}

export function onesInit(shape: number[]): tf.Tensor {
  return tf.ones(shape);
}
