import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { nativeSkipReason, useNative } from '../helpers/native';

const skip = nativeSkipReason();

/** [shape, k]: rows of every size, k from 0 to the whole row, a batch over two leading axes. */
const CASES: Array<[number[], number]> = [
  [[5, 40], 10],
  [[3, 40], 40],
  [[3, 40], 0],
  [[1, 1], 1],
  [[2, 3, 17], 4],
  [[7], 3],
  [[0, 12], 5],
  [[64, 3000], 20],
  // past 256 the native kernel partially sorts instead of inserting: the same answer is required
  [[5, 600], 257],
  [[6, 2000], 700],
  [[4, 3000], 3000],
];

/** Values from a small set, so that ties are everywhere, with some -Infinity (excluded items). */
function ranked(): Array<{ values: Float32Array; indices: Int32Array }> {
  const rng = new Rng('native-topk');
  return CASES.map(([shape, k]) =>
    tf.tidy(() => {
      const data = Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => {
        const u = rng.uniform();
        return u < 0.1 ? -Infinity : Math.floor(u * 8) / 4;
      });
      const { values, indices } = tf.topk(tf.tensor(data, shape), k);
      return { values: values.dataSync() as Float32Array, indices: indices.dataSync() as Int32Array };
    }),
  );
}

test('TopK on native gives exactly tfjs-cpu\'s values and indices, ties by lower index first', { skip }, async () => {
  await useCpu();
  const want = ranked();
  await useNative();
  const got = ranked();
  got.forEach((g, i) => {
    assert.deepEqual(g.indices, want[i].indices, `case ${JSON.stringify(CASES[i])}`);
    assert.deepEqual(g.values, want[i].values, `case ${JSON.stringify(CASES[i])}`);
  });
});
