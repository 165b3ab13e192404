import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { layerNorm, multiHeadAttention, pointWiseFeedForward, type AttentionWeights } from '../../src/models/layers/attention';
import { useCpu } from '../helpers/backend';

before(useCpu);

type Matrix = number[][];

/** Deterministic values in [-1, 1) for test inputs. */
function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  });
}

function matrix(rows: number, cols: number, seed: number): Matrix {
  const flat = values(rows * cols, seed);
  return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
}

const matMul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const addRow = (a: Matrix, bias: number[]): Matrix => a.map((row) => row.map((v, j) => v + bias[j]));

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `element ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

/**
 * Plain-JS multi-head attention of one sequence: query t of head h sees key s iff s ≤ t (causal) and key s is
 * real, with softmax over the visible keys only.
 */
function referenceAttention(x: Matrix, q: Matrix, w: Record<'query' | 'key' | 'value', Matrix>, bias: Record<'query' | 'key' | 'value', number[]>, heads: number, keyMask: number[]): Matrix {
  const Q = addRow(matMul(q, w.query), bias.query);
  const K = addRow(matMul(x, w.key), bias.key);
  const V = addRow(matMul(x, w.value), bias.value);
  const width = Q[0].length / heads;
  return Q.map((queryRow, t) => {
    const out: number[] = [];
    for (let h = 0; h < heads; h++) {
      const cols = (row: number[]) => row.slice(h * width, (h + 1) * width);
      const visible = K.map((_, s) => s).filter((s) => s <= t && keyMask[s] === 1);
      const scores = visible.map((s) => cols(queryRow).reduce((sum, v, j) => sum + v * cols(K[s])[j], 0) / Math.sqrt(width));
      const weights = softmax(scores);
      for (let j = 0; j < width; j++) out.push(visible.reduce((sum, s, n) => sum + weights[n] * cols(V[s])[j], 0));
    }
    return out;
  });
}

/** Runs multiHeadAttention on fixed B 2, T 3, d 4 inputs and compares it with referenceAttention. */
function checkCausalAttention(heads: number, keyMask: number[][] | null): void {
  const [B, T, d] = [2, 3, 4];
  const inputs = [matrix(T, d, 1), matrix(T, d, 2)];
  const queries = [matrix(T, d, 3), matrix(T, d, 4)];
  const w = { query: matrix(d, d, 5), key: matrix(d, d, 6), value: matrix(d, d, 7) };
  const bias = { query: values(d, 8), key: values(d, 9), value: values(d, 10) };
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const weights: AttentionWeights = {
      query: tf.tensor2d(w.query),
      key: tf.tensor2d(w.key),
      value: tf.tensor2d(w.value),
      queryBias: tf.tensor1d(bias.query),
      keyBias: tf.tensor1d(bias.key),
      valueBias: tf.tensor1d(bias.value),
    };
    const result = multiHeadAttention(tf.tensor3d(queries), tf.tensor3d(inputs), weights, {
      numHeads: heads,
      causal: true,
      ...(keyMask ? { keyMask: tf.tensor2d(keyMask) } : {}),
    });
    assert.deepEqual(result.shape, [B, T, d]);
    return result.arraySync();
  });
  assert.equal(tf.memory().numTensors, before);
  for (let b = 0; b < B; b++) {
    const mask = keyMask ? keyMask[b] : [1, 1, 1];
    const expected = referenceAttention(inputs[b], queries[b], w, bias, heads, mask);
    // a padded query that sees no key has an arbitrary output, but it must be finite
    const from = mask.indexOf(1);
    assertClose(out[b].slice(from).flat(), expected.slice(from).flat());
    assert.ok(out[b].flat().every(Number.isFinite));
  }
}

test('causal self-attention matches a plain-JS reference (B 2, T 3, d 4, one head)', () => {
  checkCausalAttention(1, null);
});

test('two-head causal attention with a key padding mask matches a plain-JS reference (B 2, T 3, d 4)', () => {
  checkCausalAttention(2, [
    [1, 1, 1],
    [0, 1, 1],
  ]);
});

test('without a mask every query attends to every key; the output projection is applied', () => {
  const [T, d] = [3, 4];
  const x = matrix(T, d, 11);
  const w = { query: matrix(d, d, 12), key: matrix(d, d, 13), value: matrix(d, d, 14) };
  const output = matrix(d, d, 15);
  const out = tf.tidy(() => {
    const weights: AttentionWeights = {
      query: tf.tensor2d(w.query),
      key: tf.tensor2d(w.key),
      value: tf.tensor2d(w.value),
      output: tf.tensor2d(output),
    };
    return multiHeadAttention(tf.tensor3d([x]), tf.tensor3d([x]), weights, { numHeads: 1 }).arraySync()[0];
  });
  const Q = matMul(x, w.query);
  const K = matMul(x, w.key);
  const V = matMul(x, w.value);
  const expected = matMul(
    Q.map((q) => {
      const weights = softmax(K.map((k) => q.reduce((s, v, j) => s + v * k[j], 0) / Math.sqrt(d)));
      return V[0].map((_, j) => V.reduce((s, v, n) => s + weights[n] * v[j], 0));
    }),
    output,
  );
  assertClose(out.flat(), expected.flat());
});

test('layer norm matches a plain-JS reference on a small matrix', () => {
  const x = [
    [1, 2, 3, 4],
    [-0.5, 0.25, 2, -3],
    [5, 5, 5, 5],
  ];
  const gamma = [1, 0.5, -2, 1.5];
  const beta = [0, 0.1, 0.2, -0.3];
  const out = tf.tidy(() => layerNorm(tf.tensor2d(x), { gamma: tf.tensor1d(gamma), beta: tf.tensor1d(beta) }).arraySync());
  const expected = x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((v, j) => ((v - mean) / Math.sqrt(variance + 1e-8)) * gamma[j] + beta[j]);
  });
  assertClose(out.flat(), expected.flat());
});

test('the point-wise feed-forward block is relu(x W1 + b1) W2 + b2 at every position', () => {
  const d = 3;
  const x = [matrix(2, d, 21), matrix(2, d, 22)];
  const [w1, w2] = [matrix(d, d, 23), matrix(d, d, 24)];
  const [b1, b2] = [values(d, 25), values(d, 26)];
  const out = tf.tidy(() =>
    pointWiseFeedForward(tf.tensor3d(x), {
      inner: tf.tensor2d(w1),
      innerBias: tf.tensor1d(b1),
      outer: tf.tensor2d(w2),
      outerBias: tf.tensor1d(b2),
    }).arraySync(),
  );
  const expected = x.map((rows) => addRow(matMul(addRow(matMul(rows, w1), b1).map((r) => r.map((v) => Math.max(0, v))), w2), b2));
  assertClose(out.flat(2), expected.flat(2));
});
