import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { addRnnWeights, rnnLastState, rnnStates, rnnWeightsOf, type RnnActivation, type RnnWeights } from '../../src/models/layers/rnn';
import { stream } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';

before(useCpu);

const B = 2;
const L = 3;
const IN = 4;
const H = 3;

/** Fixed values in (-1, 1) without a random generator. */
const values = (count: number, seed: number) => Array.from({ length: count }, (_, k) => Math.sin(seed * 7.3 + k * 1.7) * 0.9);

const W = values(IN * H, 1);
const U = values(H * H, 2);
const BIAS = values(H, 4);
const X = values(B * L * IN, 5);
// sequence 0 starts with a padding step, sequence 1 has one in the middle
const MASK = [0, 1, 1, 1, 0, 1];

const squash = (activation: RnnActivation) => (activation === 'sigmoid' ? (v: number) => 1 / (1 + Math.exp(-v)) : Math.tanh);

/** h' = f(x W + h U [+ b]) in plain JavaScript: all states, [B][L][H]. */
function reference(initial: number[][], activation: RnnActivation, withBias: boolean): number[][][] {
  const f = squash(activation);
  return initial.map((start, b) => {
    let h = start.slice();
    const states: number[][] = [];
    for (let t = 0; t < L; t++) {
      const x = X.slice((b * L + t) * IN, (b * L + t + 1) * IN);
      const next = Array.from({ length: H }, (_, j) => {
        const input = x.reduce((s, v, i) => s + v * W[i * H + j], withBias ? BIAS[j] : 0);
        return f(h.reduce((s, v, i) => s + v * U[i * H + j], input));
      });
      if (MASK[b * L + t]) h = next;
      states.push(h.slice());
    }
    return states;
  });
}

function weights(withBias: boolean): RnnWeights {
  return { input: tf.tensor2d(W, [IN, H]), recurrent: tf.tensor2d(U, [H, H]), bias: withBias ? tf.tensor1d(BIAS) : null };
}

for (const activation of ['sigmoid', 'tanh'] as const) {
  for (const withBias of [false, true]) {
    test(`RNN (${activation}, ${withBias ? 'with' : 'without'} bias) states match the plain-JS equations; padding keeps the state`, () => {
      tf.tidy(() => {
        const x = tf.tensor3d(X, [B, L, IN]);
        const mask = tf.tensor2d(MASK, [B, L]);
        const w = weights(withBias);
        const states = rnnStates(x, mask, w, activation);
        assert.deepEqual(states.shape, [B, L, H]);
        const expected = reference([new Array(H).fill(0), new Array(H).fill(0)], activation, withBias);
        assertClose(states.dataSync(), expected.flat(2), 'states');
        assertClose(rnnLastState(x, mask, w, activation).dataSync(), expected.map((s) => s[L - 1]).flat(), 'last');
        const got = states.arraySync();
        assert.deepEqual(got[0][0], [0, 0, 0]);
        assert.deepEqual(got[1][1], got[1][0]);
        // from a given initial state
        const initial = [values(H, 6), values(H, 7)];
        const fromInitial = reference(initial, activation, withBias);
        assertClose(rnnStates(x, mask, w, activation, tf.tensor2d(initial)).dataSync(), fromInitial.flat(2), 'states from initial');
      });
    });
  }
}

test('addRnnWeights creates Glorot matrices (and a zero bias when asked) that rnnWeightsOf reads back', () => {
  for (const withBias of [false, true]) {
    const stored = new Map<string, tf.Tensor>();
    addRnnWeights((name, initial) => void stored.set(name, initial), 'rnn', stream(1, 'init'), IN, H, withBias);
    assert.deepEqual([...stored.keys()], withBias ? ['rnn_input', 'rnn_recurrent', 'rnn_bias'] : ['rnn_input', 'rnn_recurrent']);
    const w = rnnWeightsOf((name) => stored.get(name) as tf.Tensor, 'rnn', withBias);
    assert.deepEqual(w.input.shape, [IN, H]);
    assert.deepEqual(w.recurrent.shape, [H, H]);
    assert.equal(w.bias === null, !withBias);
    assert.ok(Math.max(...Array.from(w.input.dataSync(), Math.abs)) <= Math.sqrt(6 / (IN + H)));
    tf.dispose([...stored.values()]);
  }
});

test('the RNN frees every intermediate tensor', () => {
  const [x, mask] = [tf.tensor3d(X, [B, L, IN]), tf.tensor2d(MASK, [B, L])];
  const w = weights(true);
  const before = tf.memory().numTensors;
  tf.dispose([rnnStates(x, mask, w, 'sigmoid'), rnnLastState(x, mask, w, 'tanh')]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, mask, w.input, w.recurrent, w.bias as tf.Tensor]);
});
