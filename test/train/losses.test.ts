import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { lossOf } from '../../src/models/losses';
import { clipByGlobalNorm } from '../../src/train/optimizers';
import { useCpu } from '../helpers/backend';

before(useCpu);

const softplus = (x: number) => Math.log1p(Math.exp(x));
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} != ${b}`);

// Two points with [positive, negative, negative] logits; the second point is padding (mask 0).
const LOGITS = [
  [2, 0.5, -1],
  [9, 9, 9],
];

function loss(name: 'bpr' | 'bce' | 'sampled_softmax'): number {
  return tf.tidy(() => lossOf(name, tf.tensor2d(LOGITS), tf.tensor1d([1, 0])).dataSync()[0]);
}

test('bpr, bce and sampled softmax on a hand-computed point; padding points do not count', () => {
  close(loss('bpr'), (softplus(0.5 - 2) + softplus(-1 - 2)) / 2, 'bpr');
  close(loss('bce'), softplus(-2) + softplus(0.5) + softplus(-1), 'bce');
  close(loss('sampled_softmax'), Math.log(Math.exp(2) + Math.exp(0.5) + Math.exp(-1)) - 2, 'sampled_softmax');
});

test('full softmax picks each point\'s target column', () => {
  const value = tf.tidy(() =>
    lossOf('full_softmax', tf.tensor2d([[1, 2, 3], [0, 0, 5]]), tf.tensor1d([1, 1]), tf.tensor1d([2, 0], 'int32')).dataSync()[0],
  );
  const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
  close(value, (lse([1, 2, 3]) - 3 + lse([0, 0, 5]) - 0) / 2, 'full_softmax');
});

test('gradient clipping scales to the global norm and leaves small gradients alone', () => {
  tf.tidy(() => {
    // global norm of (3, 4) and (12) is 13
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) };
    const clipped = clipByGlobalNorm(grads, 6.5);
    assert.deepEqual(Array.from(clipped.a.dataSync()), [1.5, 2]);
    assert.deepEqual(Array.from(clipped.b.dataSync()), [6]);
    assert.deepEqual(Array.from(clipByGlobalNorm(grads, 100).b.dataSync()), [12]);
    assert.equal(clipByGlobalNorm(grads, 0), grads);
  });
});
