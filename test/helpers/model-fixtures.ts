import assert from 'node:assert/strict';
import type { TrainData } from '../../src/models/model';
import type { NeuralModel } from '../../src/models/neural-model';
import { stream } from '../../src/random/streams';
import type { BatchKind, TrainBatch } from '../../src/train/batch';
import { BatchBuilder } from '../../src/train/batch-builders';
import { NegativeSampler } from '../../src/train/negatives';

export { toTensors as tensorsOf } from '../../src/train/trainer';

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
