import assert from 'node:assert/strict';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import type { BatchKind, TrainBatch } from '../../src/train/batch';
import { BatchBuilder } from '../../src/train/batch-builders';
import { NegativeSampler } from '../../src/train/negatives';

import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from '../../src/train/losses';
import { batchLoss, toTensors } from '../../src/train/trainer';
import { tinyData } from './tiny-data';

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

/** The trainer's loss (without L2) on one batch, as a scalar kept outside the tidy. */
export function objective(model: NeuralModel, batch: TrainBatch, loss: LossName, training = true): tf.Scalar {
  return tf.tidy(() => batchLoss(model, batch, toTensors(batch), loss, training));
}

/** `model` with freshly initialised weights for `train`, without training. */
export function initialized<T extends NeuralModel>(model: T, train: TrainData): T {
  model.initialize(train);
  return model;
}

/** One batch of every example of `kind` in `train`, with uniform negatives (seen items allowed). */
export function wholeBatch(train: TrainData, kind: BatchKind, length: number, negatives: number): TrainBatch {
  const sampler = new NegativeSampler(train.sequences, train.numItems, 'uniform', false, stream(1, 'sampling'));
  const builder = new BatchBuilder(train, kind, length, negatives, sampler);
  return builder.build(builder.examples);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= tolerance, `${what}[${k}]: ${actual[k]} != ${expected[k]}`);
  }
}
