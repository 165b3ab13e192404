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
