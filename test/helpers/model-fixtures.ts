import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { lossOf, type LossName } from '../../src/models/losses';
import type { Model, TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import type { TrainBatch } from '../../src/train/batches/batch';
import { BATCH_KINDS } from '../../src/train/batches/registry';
import { NegativeSampler } from '../../src/train/negatives';
import { toTensors } from '../../src/train/trainer';
import { DATA_SOURCES } from '../../src/data/sources';
import { createModel } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import { Reporter } from '../../src/util/reporter';
import { tinyData } from './tiny-data';
import { tinyConfig } from './tiny-models';

export { toTensors as tensorsOf };

/** Five users over 7 items; leave-one-out keeps all but the last two items of each user for training. */
export const SEQUENCE_DATA = tinyData(
  [
    [0, 1, 2, 3, 4, 5, 6],
    [1, 2, 3, 1, 2, 3],
    [6, 5, 4, 3],
    [2, 4, 6, 1, 3, 5, 0, 2],
    [5, 0],
  ],
  7,
);

/**
 * The shared loss `loss` (without L2) of the model's logits on one batch, as a scalar kept outside the tidy:
 * the positive in column 0 and the batch's negatives (every item for full_softmax).
 */
export function objective(model: NeuralModel, batch: TrainBatch, loss: LossName, training = true): tf.Scalar {
  return tf.tidy(() => {
    const t = toTensors(batch);
    if (loss === 'full_softmax') return lossOf(loss, (model.fullLogits as NonNullable<NeuralModel['fullLogits']>)(t, training), t.mask, t.positives);
    const items = tf.concat([tf.expandDims(t.positives, 1), t.negatives as tf.Tensor2D], 1) as tf.Tensor2D;
    return lossOf(loss, model.logits(t, items, training), t.mask);
  });
}

/** `model` with freshly initialised weights for `train`, without training. */
export function initialized<T extends Model>(model: T, train: TrainData): T {
  model.init(train);
  return model;
}

/** One batch of every example of `kind` in `train` (in example order), with uniform negatives (seen items allowed). */
export function wholeBatch(train: TrainData, kind: string, length: number, negatives: number): TrainBatch {
  const sampler = new NegativeSampler(train.sequences, train.numItems, 'uniform', false, stream(1, 'sampling'));
  const source = BATCH_KINDS[kind].create(train, { inputLength: length, numNegatives: negatives, sampler });
  const identity = { shuffle: <T extends Int32Array>(a: T) => a } as unknown as Parameters<typeof source.epoch>[0];
  return source.epoch(identity, source.examples).build(0);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= tolerance, `${what}[${k}]: ${actual[k]} != ${expected[k]}`);
  }
}

export type ModelState = Awaited<ReturnType<NeuralModel['state']>>;
export type Rows = number[][];

/**
 * `name` built for the tiny synthetic data with `sets`, its weights moved off their start by a smooth pattern
 * (zero biases would hide a bias left out of an equation), and those weights.
 */
export async function perturbedModel(name: string, sets: string[], amplitude = 0.2): Promise<{ model: NeuralModel; state: ModelState }> {
  const config = tinyConfig(name, sets);
  const exp = prepareExperiment(await DATA_SOURCES.synthetic.load(config, new Reporter(true)), config, 0);
  const model = createModel(config) as NeuralModel;
  model.init(exp.train);
  const state = await model.state();
  for (const [key, { data, shape }] of Object.entries(state)) {
    state[key] = { data: Float32Array.from(data, (v, k) => v + amplitude * Math.sin(k * 1.3 + key.length)), shape };
  }
  model.restore(state);
  return { model, state };
}

/** A weight of `state` as plain rows (its last axis the columns; a vector is one row). */
export function rowsOf(state: ModelState, name: string): Rows {
  const { data, shape } = state[name];
  const cols = shape.length === 1 ? shape[0] : shape[shape.length - 1];
  return Array.from({ length: data.length / cols }, (_, r) => Array.from(data.subarray(r * cols, (r + 1) * cols)));
}

/** Row vector times matrix, v m. */
export const vecMat = (v: number[], m: Rows): number[] => m[0].map((_, j) => v.reduce((s, x, k) => s + x * m[k][j], 0));
export const dot = (a: number[], b: number[]): number => a.reduce((s, x, k) => s + x * b[k], 0);
