import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // gradients
import { Rng } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { nativeSkipReason, useNative } from '../helpers/native';

const skip = nativeSkipReason();

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

/** Shapes as stored: rank 2 to 4, every flag pair, a batch of 1 broadcast on either side, size-1 and 0 dims. */
function cases(): Case[] {
  const out: Case[] = [];
  const dims: Array<[number, number, number]> = [[7, 5, 3], [1, 4, 1], [33, 17, 29], [0, 3, 2], [3, 0, 2]];
  for (const [m, k, n] of dims) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = transposeA ? [k, m] : [m, k];
        const b = transposeB ? [n, k] : [k, n];
        out.push({ a, b, transposeA, transposeB });
        out.push({ a: [4, ...a], b: [4, ...b], transposeA, transposeB });
        out.push({ a: [1, ...a], b: [3, ...b], transposeA, transposeB });
        out.push({ a: [2, 3, ...a], b: [1, 1, ...b], transposeA, transposeB });
      }
    }
  }
  return out;
}

function filled(shape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal()), shape);
}

function products(): Array<{ shape: number[]; values: Float32Array }> {
  const rng = new Rng('native-matmul');
  return cases().map((c) =>
    tf.tidy(() => {
      const out = tf.matMul(filled(c.a, rng), filled(c.b, rng), c.transposeA, c.transposeB);
      return { shape: out.shape, values: out.dataSync() as Float32Array };
    }),
  );
}

test('matMul on native matches the cpu backend for every flag pair, broadcast batches and empty dims', { skip }, async () => {
  await useCpu();
  const want = products();
  await useNative();
  const got = products();
  got.forEach((g, i) => {
    const c = cases()[i];
    const label = `a [${c.a}] b [${c.b}] tA ${c.transposeA} tB ${c.transposeB}`;
    assert.deepEqual(g.shape, want[i].shape, label);
    g.values.forEach((v, p) => assert.ok(Math.abs(v - want[i].values[p]) <= 1e-5 * (1 + Math.abs(want[i].values[p])), `${label} [${p}]`));
  });
});

test('the gradient of an embedding gather (UnsortedSegmentSum) on native matches the cpu backend exactly', { skip }, async () => {
  const gradient = () =>
    tf.tidy(() => {
      const rng = new Rng('native-gather-gradient');
      const table = filled([50, 6], rng);
      const ids = tf.tensor2d(Int32Array.from({ length: 40 }, () => rng.int(50)), [8, 5], 'int32');
      const weights = filled([8, 5, 6], rng);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
      return grad.dataSync() as Float32Array;
    });
  await useCpu();
  const want = gradient();
  await useNative();
  assert.deepEqual(gradient(), want);
});
