import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { gruStates, gruWeightsOf } from '../../src/models/layers/gru';
import { timeAttention } from '../../src/models/layers/time-attention';
import { stepGaps } from '../../src/models/time-inputs';
import { loadConfig } from '../../src/schema/config-flags';
import { useCpu } from '../helpers/backend';
import { assertClose, dot, perturbedModel, rowsOf, vecMat } from '../helpers/model-fixtures';

before(useCpu);

const add = (a: number[], b: number[]) => a.map((x, k) => x + b[k]);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Left-padded shifted inputs (0 = padding, item + 1): a padded row, a one-item row and a full one. */
const INPUTS = [[0, 0, 3, 7, 12], [0, 0, 0, 0, 41], [5, 9, 2, 2, 30]];

interface Internals {
  userVector(inputs: tf.Tensor2D, ages?: tf.Tensor2D, training?: boolean): tf.Tensor2D;
}

test('narm: c_g = h_t, α_j = vᵀσ(A₁h_t + A₂h_j) on real steps, c_l = Σ α_j h_j, scores E_i · ([c_g; c_l] B)', async () => {
  const { model, state } = await perturbedModel('narm', []);
  const [A1, A2, v, B, E] = ['attention_a1', 'attention_a2', 'attention_v', 'bilinear', 'item_embedding'].map((n) => rowsOf(state, n));
  const shape: [number, number] = [INPUTS.length, INPUTS[0].length];
  const { got, states } = tf.tidy(() => {
    const inputs = tf.tensor2d(INPUTS, shape, 'int32');
    const real = tf.cast(tf.greater(inputs, 0), 'float32') as tf.Tensor2D;
    const embedded = tf.mul(tf.gather(model['weight']('item_embedding'), tf.relu(tf.sub(inputs, tf.scalar(1, 'int32')))), tf.expandDims(real, 2)) as tf.Tensor3D;
    // the GRU itself is tested in gru.test.ts; here its states feed the plain-array encoders and decoder
    const H = gruStates(embedded, real, gruWeightsOf((n) => model['weight'](n), 'gru')).arraySync();
    const user = (model as unknown as Internals).userVector(inputs, tf.zeros(shape) as tf.Tensor2D, false);
    return { got: (tf.matMul(user, model['weight']('item_embedding'), false, true) as tf.Tensor2D).arraySync(), states: H };
  });
  for (const [b, row] of INPUTS.entries()) {
    const H = states[b];
    const ht = H[H.length - 1];
    const query = vecMat(ht, A1);
    const local = ht.map(() => 0);
    row.forEach((shifted, j) => {
      if (shifted === 0) return;
      const alpha = dot(add(query, vecMat(H[j], A2)).map(sigmoid), v.map((r) => r[0]));
      H[j].forEach((x, k) => (local[k] += alpha * x));
    });
    const u = vecMat([...ht, ...local], B);
    assertClose(got[b], E.map((e) => dot(e, u)), `row ${b}`);
  }
  model.dispose();
});

test('stamp: m_a = Σ α_i x_i + m_s with α_i = w₀ᵀσ(W₁x_i + W₂x_t + W₃m_s + b_a), score_i = ⟨tanh(W_s m_a + b_s), tanh(W_t x_t + b_t), E_i⟩', async () => {
  const { model, state } = await perturbedModel('stamp', []);
  const [E, W1, W2, W3, w0, ba, Ws, bs, Wt, bt] = [
    'item_embedding', 'attention_w1', 'attention_w2', 'attention_w3', 'attention_w0', 'attention_bias', 'mlp_s_kernel', 'mlp_s_bias', 'mlp_t_kernel', 'mlp_t_bias',
  ].map((n) => rowsOf(state, n));
  const got = tf.tidy(() => {
    const user = (model as unknown as Internals).userVector(tf.tensor2d(INPUTS, [INPUTS.length, INPUTS[0].length], 'int32'));
    return (tf.matMul(user, model['weight']('item_embedding'), false, true) as tf.Tensor2D).arraySync();
  });
  for (const [b, row] of INPUTS.entries()) {
    const xs = row.filter((s) => s > 0).map((s) => E[s - 1]);
    const ms = xs[0].map((_, k) => xs.reduce((s, x) => s + x[k], 0) / xs.length);
    const xt = xs[xs.length - 1];
    const shared = add(add(vecMat(xt, W2), vecMat(ms, W3)), ba[0]);
    const ma = ms.slice();
    for (const x of xs) {
      const alpha = dot(add(vecMat(x, W1), shared).map(sigmoid), w0.map((r) => r[0]));
      x.forEach((v, k) => (ma[k] += alpha * v));
    }
    const hs = add(vecMat(ma, Ws), bs[0]).map(Math.tanh);
    const ht = add(vecMat(xt, Wt), bt[0]).map(Math.tanh);
    assertClose(got[b], E.map((e) => e.reduce((s, v, k) => s + hs[k] * ht[k] * v, 0)), `row ${b}`);
  }
  model.dispose();
});

test('timeAttention without gate weights is masked softmax(x yᵀ / √d) · v', () => {
  const x = [[[0.3, -0.2, 0.5]], [[-0.4, 0.1, 0.2]]];
  const y = [[[0.1, 0.2, 0.3], [0.5, -0.1, 0.4], [-0.3, 0.6, 0.2]], [[0.2, 0.2, -0.2], [0.7, 0.1, 0.0], [0.1, -0.5, 0.3]]];
  const v = [[[1, 2], [3, -1], [0.5, 0.5]], [[-1, 0], [2, 2], [1, -3]]];
  const mask = [[0, 1, 1], [1, 1, 1]];
  const got = tf.tidy(() => timeAttention(tf.tensor3d(x), tf.zeros([2, 1]), tf.tensor3d(y), tf.zeros([2, 3]), tf.tensor3d(v), tf.tensor2d(mask), null).arraySync());
  for (let b = 0; b < 2; b++) {
    const e = y[b].map((k, j) => (mask[b][j] ? Math.exp(dot(x[b][0], k) / Math.sqrt(3)) : 0));
    const total = e.reduce((s, a) => s + a, 0);
    assertClose(got[b][0], [0, 1].map((c) => e.reduce((s, a, j) => s + (a / total) * v[b][j][c], 0)), `row ${b}`);
  }
});

test('stepGaps: age_{s−1} − age_s between real steps, 0 for the first real step and on padding', () => {
  const got = tf.tidy(() => stepGaps(tf.tensor2d([[0, 0, 9, 4, 0], [7, 5, 5, 1, 0]]), tf.tensor2d([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]])).arraySync());
  assert.deepEqual(got, [[0, 0, 0, 5, 4], [0, 2, 0, 4, 1]]);
});

test('narm: NARM+ (attention time_aware) and NARM++ (unit tgru) read time, so a source without times is refused', () => {
  for (const [key, value] of [['attention', 'time_aware'], ['unit', 'tgru']]) {
    const message = new RegExp(`model.${key}: narm with model.${key} ${value} reads the behaviours' times, but data.source sasrec`);
    assert.throws(() => loadConfig(null, ['model.name=narm', 'data.source=sasrec', `model.${key}=${value}`]), message);
  }
  assert.doesNotThrow(() => loadConfig(null, ['model.name=narm', 'data.source=sasrec', 'model.attention=dot']));
});
