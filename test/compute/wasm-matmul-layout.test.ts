import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // gradients
import { useCpu, useWasm } from '../helpers/backend';
import { Rng } from '../../src/random/streams';

/** [a shape, b shape] as stored, for each flag pair; b may broadcast its batch. */
const CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [];
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    const [m, k, n] = [7, 5, 3];
    const aShape = (batch: number) => (transposeA ? [batch, k, m] : [batch, m, k]);
    const bShape = (batch: number) => (transposeB ? [batch, n, k] : [batch, k, n]);
    CASES.push({ a: aShape(4), b: bShape(4), transposeA, transposeB });
    CASES.push({ a: aShape(4), b: bShape(1), transposeA, transposeB });
    CASES.push({ a: aShape(1), b: bShape(1).slice(1), transposeA, transposeB });
  }
}

function values(shape: number[], rng: Rng): Float32Array {
  return Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.normal());
}

/** The product and the gradients of sum(product * weights) with respect to a and b, as plain arrays. */
function productAndGradients(c: (typeof CASES)[number], seed: number): Float32Array[] {
  const rng = new Rng(`matmul-layout-${seed}`);
  const a = tf.tensor(values(c.a, rng), c.a);
  const b = tf.tensor(values(c.b, rng), c.b);
  const out = tf.matMul(a, b, c.transposeA, c.transposeB);
  const weights = tf.tensor(values(out.shape, rng), out.shape);
  // tfjs 4.22's matMul gradient does not reduce over a broadcast batch (it fails on every backend): products only.
  const broadcast = c.a.length !== c.b.length || c.a[0] !== c.b[0];
  const grads = broadcast ? [] : tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.transposeA, c.transposeB), weights)))([a, b]);
  const result = [out, ...grads].map((t) => t.dataSync() as Float32Array);
  tf.dispose([a, b, out, weights, ...grads]);
  return result;
}

let onCpu: Float32Array[][];

before(async () => {
  await useCpu();
  onCpu = CASES.map((c, i) => productAndGradients(c, i));
});

test('wasm matMul with transpose flags (plain-layout wrapper) matches the cpu backend, products and gradients', async () => {
  await useWasm();
  CASES.forEach((c, i) => {
    const onWasm = productAndGradients(c, i);
    onWasm.forEach((got, j) => {
      const want = onCpu[i][j];
      assert.equal(got.length, want.length);
      got.forEach((v, p) => assert.ok(Math.abs(v - want[p]) <= 1e-5 * (1 + Math.abs(want[p])), `case ${i} output ${j}[${p}]: ${v} vs ${want[p]}`));
    });
  });
});

test('the wrapper frees the transposed copies it makes', async () => {
  await useWasm();
  const a = tf.ones([3, 4]);
  const b = tf.ones([5, 4]);
  const c = tf.ones([3, 5]);
  const backend = tf.engine().backend;
  const before = backend.numDataIds();
  tf.dispose([tf.matMul(a, b, false, true), tf.matMul(a, c, true, false), tf.matMul(b, c, true, true)]);
  assert.equal(backend.numDataIds(), before);
  tf.dispose([a, b, c]);
});
