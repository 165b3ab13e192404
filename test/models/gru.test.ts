import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { addGruWeights, gruLastState, gruStates, gruWeightsOf, type GruWeights } from '../../src/models/layers/gru';
import { stream } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';

before(useCpu);

const B = 2;
const L = 3;
const IN = 4;
const H = 3;

/** Fixed values in (-1, 1) without a random generator. */
const values = (count: number, seed: number) => Array.from({ length: count }, (_, k) => Math.sin(seed * 7.3 + k * 1.7) * 0.9);

// W [3, IN, H], U [3, H, H], b [3, H]: gates z, r, ĥ
const W = values(3 * IN * H, 1);
const U = values(3 * H * H, 2);
const BIAS = values(3 * H, 4);
const X = values(B * L * IN, 5);
// sequence 0 starts with a padding step, sequence 1 has one in the middle
const MASK = [0, 1, 1, 1, 0, 1];

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** The GRU equations in plain JavaScript: all states, [B][L][H]. */
function reference(initial: number[][]): number[][][] {
  const out: number[][][] = [];
  for (let b = 0; b < B; b++) {
    let h = initial[b].slice();
    const states: number[][] = [];
    for (let t = 0; t < L; t++) {
      const x = X.slice((b * L + t) * IN, (b * L + t + 1) * IN);
      const inputPart = (g: number, j: number) => x.reduce((s, v, i) => s + v * W[(g * IN + i) * H + j], BIAS[g * H + j]);
      const recurrentPart = (g: number, j: number, state: number[]) => state.reduce((s, v, i) => s + v * U[(g * H + i) * H + j], 0);
      const z: number[] = [];
      const r: number[] = [];
      for (let j = 0; j < H; j++) {
        z.push(sigmoid(inputPart(0, j) + recurrentPart(0, j, h)));
        r.push(sigmoid(inputPart(1, j) + recurrentPart(1, j, h)));
      }
      const resetState = h.map((v, i) => r[i] * v);
      const candidate: number[] = [];
      for (let j = 0; j < H; j++) candidate.push(Math.tanh(inputPart(2, j) + recurrentPart(2, j, resetState)));
      if (MASK[b * L + t]) h = h.map((v, j) => (1 - z[j]) * v + z[j] * candidate[j]);
      states.push(h.slice());
    }
    out.push(states);
  }
  return out;
}

function weights(): GruWeights {
  return {
    input: tf.tensor3d(W, [3, IN, H]),
    recurrent: tf.tensor3d(U, [3, H, H]),
    bias: tf.tensor2d(BIAS, [3, H]),
  };
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) < 1e-5, `${what}[${k}]: ${actual[k]} != ${expected[k]}`);
  }
}

test('GRU states match the plain-JS equations, padding steps keep the previous state', () => {
  tf.tidy(() => {
    const x = tf.tensor3d(X, [B, L, IN]);
    const mask = tf.tensor2d(MASK, [B, L]);
    const states = gruStates(x, mask, weights());
    assert.deepEqual(states.shape, [B, L, H]);
    const expected = reference([[0, 0, 0], [0, 0, 0]]);
    assertClose(states.dataSync(), expected.flat(2), 'states');
    assertClose(gruLastState(x, mask, weights()).dataSync(), expected.map((s) => s[L - 1]).flat(), 'last');
    // the padding steps really are copies: zeros before the first real step, the step before in the middle
    const got = states.arraySync();
    assert.deepEqual(got[0][0], [0, 0, 0]);
    assert.deepEqual(got[1][1], got[1][0]);
  });
});

test('GRU from a given initial state', () => {
  tf.tidy(() => {
    const initial = [values(H, 6), values(H, 7)];
    const x = tf.tensor3d(X, [B, L, IN]);
    const mask = tf.tensor2d(MASK, [B, L]);
    const expected = reference(initial);
    assertClose(gruStates(x, mask, weights(), tf.tensor2d(initial)).dataSync(), expected.flat(2), 'states');
    assertClose(gruLastState(x, mask, weights(), tf.tensor2d(initial)).dataSync(), expected.map((s) => s[L - 1]).flat(), 'last');
  });
});

test('left padding does not change the last state', () => {
  tf.tidy(() => {
    const x = tf.tensor3d(X, [B, L, IN]);
    const padded = tf.concat([tf.tensor3d(values(B * 2 * IN, 8), [B, 2, IN]), x], 1) as tf.Tensor3D;
    const mask = tf.ones([B, L]) as tf.Tensor2D;
    const paddedMask = tf.concat([tf.zeros([B, 2]), mask], 1) as tf.Tensor2D;
    assertClose(gruLastState(padded, paddedMask, weights()).dataSync(), Array.from(gruLastState(x, mask, weights()).dataSync()), 'last');
  });
});

test('addGruWeights creates Glorot gate matrices and zero biases that gruWeightsOf reads back', () => {
  const stored = new Map<string, tf.Tensor>();
  addGruWeights((name, initial) => void stored.set(name, initial), 'gru0', stream(1, 'init'), IN, H);
  assert.deepEqual([...stored.keys()], ['gru0_input', 'gru0_recurrent', 'gru0_bias']);
  const w = gruWeightsOf((name) => stored.get(name) as tf.Tensor, 'gru0');
  assert.deepEqual(w.input.shape, [3, IN, H]);
  assert.deepEqual(w.recurrent.shape, [3, H, H]);
  assert.deepEqual(w.bias.shape, [3, H]);
  assert.deepEqual(Array.from(w.bias.dataSync()), new Array(3 * H).fill(0));
  const limit = Math.sqrt(6 / (IN + H));
  assert.ok(Math.max(...Array.from(w.input.dataSync(), Math.abs)) <= limit);
  tf.dispose([...stored.values()]);
});

test('the GRU frees every intermediate tensor', () => {
  const [x, mask] = [tf.tensor3d(X, [B, L, IN]), tf.tensor2d(MASK, [B, L])];
  const w = weights();
  const before = tf.memory().numTensors;
  tf.dispose([gruStates(x, mask, w), gruLastState(x, mask, w)]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, mask, ...Object.values(w)]);
});
