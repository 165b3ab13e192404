import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import type { BatchTensors } from '../../src/models/batch';
import type { TrainData } from '../../src/models/model';
import { alsUpdate, distinctLists, solveSpd, transposeLists } from '../../src/models/layers/als';
import { Cmf } from '../../src/models/baselines/cmf';
import { Sdae } from '../../src/models/baselines/cdl';
import { createModel } from '../../src/models/registry';
import { stream } from '../../src/random/streams';
import { loadConfig } from '../../src/schema/config-flags';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { userLists } from '../helpers/tiny-data';

/**
 * The update rules of the content models (CMF, CTR, CDL) on hand-sized inputs, against plain-array versions
 * of the printed equations.
 */

before(useCpu);

/** x with A x = b by Gaussian elimination with partial pivoting, in float64. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[best][c])) best = r;
    [m[c], m[best]] = [m[best], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

test('solveSpd solves a batch of SPD systems as Gaussian elimination does', () => {
  const rng = stream(3, 'init', 'test');
  const k = 5;
  const systems = [0, 1, 2].map(() => {
    const m = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()));
    const a = m.map((_, i) => m.map((__, j) => m.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? 1 : 0)));
    return { a, b: Array.from({ length: k }, () => rng.normal()) };
  });
  const got = tf.tidy(() => solveSpd(tf.tensor3d(systems.map((s) => s.a)), tf.tensor2d(systems.map((s) => s.b))).arraySync());
  systems.forEach((s, i) => assertClose(got[i], solve(s.a, s.b), `system ${i}`));
});

/** The printed update for every row: x_i = (Σ_j c_ij f_j f_jᵀ + λI)⁻¹ (Σ_j c_ij r_ij f_j + λ p_i), over all columns j. */
function alsByHand(lists: number[][], fixed: number[][], a: number, b: number, lambda: number, prior: number[][] | null): number[][] {
  const k = fixed[0].length;
  return lists.map((held, i) => {
    const matrix = Array.from({ length: k }, (_, r) => Array.from({ length: k }, (__, c) => (r === c ? lambda : 0)));
    const rhs = Array.from({ length: k }, (_, r) => (prior ? lambda * prior[i][r] : 0));
    fixed.forEach((f, j) => {
      const r = held.includes(j) ? 1 : 0;
      const c = r ? a : b;
      for (let x = 0; x < k; x++) {
        rhs[x] += c * r * f[x];
        for (let y = 0; y < k; y++) matrix[x][y] += c * f[x] * f[y];
      }
    });
    return solve(matrix, rhs);
  });
}

test('one ALS step (CTR eqs. 8-9, CDL\'s U and V updates) matches the closed form on a 3 x 4 matrix', () => {
  // user 0 holds items 0 and 2 (item 2 twice: r is 0 or 1), user 1 item 1, user 2 nothing
  const lists = distinctLists(userLists([[0, 2, 2], [1], []]), 4);
  assert.deepEqual([...lists.items], [0, 2, 1]);
  const items = [[0.3, -0.2], [0.5, 0.1], [-0.4, 0.6], [0.2, 0.2]];
  const users = [[0.1, 0.7], [-0.3, 0.2], [0.4, 0.4]];
  const theta = [[0.6, 0.4], [0.1, 0.9], [0.5, 0.5], [0.8, 0.2]];
  const [a, b] = [1, 0.01];
  const userStep = tf.tidy(() => alsUpdate({ lists, a, b, lambda: 0.01 }, tf.tensor2d(items), null).arraySync());
  const expectedUsers = alsByHand([[0, 2], [1], []], items, a, b, 0.01, null);
  userStep.forEach((row, i) => assertClose(row, expectedUsers[i], `user ${i}`));
  const byItem = transposeLists(lists, 4);
  const itemStep = tf.tidy(() => alsUpdate({ lists: byItem, a, b, lambda: 100 }, tf.tensor2d(users), tf.tensor2d(theta)).arraySync());
  const expectedItems = alsByHand([[0], [1], [0], []], users, a, b, 100, theta);
  itemStep.forEach((row, i) => assertClose(row, expectedItems[i], `item ${i}`));
  // a batch per row gives the same rows
  const oneByOne = tf.tidy(() => alsUpdate({ lists: byItem, a, b, lambda: 100 }, tf.tensor2d(users), tf.tensor2d(theta), 1).arraySync());
  oneByOne.forEach((row, i) => assertClose(row, expectedItems[i], `item ${i}, one row per batch`));
});

/** Two users, three items, four words: item 0 says words 0, 1, 1; item 1 word 2; item 2 nothing. */
const TEXT_TRAIN: TrainData = {
  numUsers: 2,
  numItems: 3,
  sequences: userLists([[0, 1], [2]]),
  timestamps: new Float64Array(3),
  itemCategory: new Int32Array(3).fill(-1),
  numCategories: 0,
  itemTokenOffsets: Int32Array.from([0, 3, 4, 4]),
  itemTokens: Int32Array.from([0, 1, 1, 2]),
  numTokens: 4,
};
const WORD_COUNTS = [[1, 2, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]];

test('CMF: the loss and one SGD step equal the printed L = 5 L_X + L_Y by hand (bce on sampled negatives, full word rows)', () => {
  const model = new Cmf({ seed: 1, params: { dim: 2, init_std: 0.1, rating_weight: 5, text_weight: 1 }, loss: 'auto', numNegatives: 1, source: 'test' });
  const u = [[0.2, -0.1], [0.3, 0.4]];
  const v = [[0.1, 0.5], [-0.2, 0.3], [0.4, -0.3]];
  const z = [[0.3, 0.1], [-0.1, 0.2], [0.5, 0.5], [0.2, -0.4]];
  const tensor = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0].length] });
  model.restore({ user_factors: tensor(u), item_factors: tensor(v), word_factors: tensor(z) }, TEXT_TRAIN);
  const points = { users: [0, 1], positives: [0, 2], negatives: [1, 1] };
  const batch = (): BatchTensors => ({
    size: 2,
    users: tf.tensor1d(points.users, 'int32'),
    inputs: null,
    positives: tf.tensor1d(points.positives, 'int32'),
    mask: tf.ones([2]),
    negatives: tf.tensor2d(points.negatives, [2, 1], 'int32'),
    fields: {},
    state: null,
  });
  const dot = (x: number[], y: number[]) => x.reduce((s, xi, k) => s + xi * y[k], 0);
  const softplus = (x: number) => Math.log1p(Math.exp(x));
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  let rating = 0;
  const gradV = v.map((row) => row.map(() => 0));
  points.users.forEach((user, p) => {
    const pos = dot(u[user], v[points.positives[p]]);
    const neg = dot(u[user], v[points.negatives[p]]);
    rating += (softplus(-pos) + softplus(neg)) / 2;
    u[user].forEach((uk, k) => {
      gradV[points.positives[p]][k] += (5 * -sigmoid(-pos) * uk) / 2;
      gradV[points.negatives[p]][k] += (5 * sigmoid(neg) * uk) / 2;
    });
  });
  // L_Y over the batch's items: the positives, then the negatives
  const textItems = [...points.positives, ...points.negatives];
  let text = 0;
  for (const j of textItems) {
    z.forEach((zw, w) => {
      const error = WORD_COUNTS[j][w] - dot(v[j], zw);
      text += (error * error) / textItems.length;
      zw.forEach((zk, k) => (gradV[j][k] += (-2 * error * zk) / textItems.length));
    });
  }
  const got = tf.tidy(() => model.loss(batch(), true).arraySync() as number);
  assert.ok(Math.abs(got - (5 * rating + text)) <= 1e-5, `loss ${got} != ${5 * rating + text}`);
  const optimizer = tf.train.sgd(0.1);
  tf.tidy(() => {
    optimizer.minimize(() => model.loss(batch(), true), false, model.variables());
  });
  const [, items] = model.variables();
  assertClose(items.dataSync(), v.flatMap((row, j) => row.map((x, k) => x - 0.1 * gradV[j][k])), 'item factors after one step');
  optimizer.dispose();
  model.dispose();
});

test('CDL: the SDAE\'s loss is λ_n/2 ‖X_L − X_c‖² + λ_v/2 ‖X_{L/2} − v‖², averaged, + λ_w/(2N) Σ‖W‖², by hand', () => {
  const params = { dim: 1, hidden: [2], lambda_v: 10, lambda_n: 1000, lambda_w: 0.01 };
  const net = new Sdae(3, params, stream(2, 'init', 'test'));
  const weights = net.variables.map((v) => v.arraySync() as number[][] | number[]);
  const noisy = [[1, 0, 0.5], [0, 1, 0]];
  const clean = [[1, 1, 0.5], [0, 1, 0]];
  const targets = [[0.3], [0.8]];
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const layer = (x: number[], w: number[][], b: number[]) => b.map((bj, j) => sigmoid(x.reduce((s, xi, i) => s + xi * w[i][j], bj)));
  let expected = 0;
  noisy.forEach((x, r) => {
    let h = x;
    let code: number[] = [];
    for (let l = 0; l < 4; l++) {
      h = layer(h, weights[2 * l] as number[][], weights[2 * l + 1] as number[]);
      if (l === 1) code = h;
    }
    const reconstruction = h.reduce((s, y, w) => s + (y - clean[r][w]) ** 2, 0);
    expected += (500 * reconstruction + 5 * (code[0] - targets[r][0]) ** 2) / 2;
  });
  const squares = weights.flat(2).reduce((s, w) => s + w * w, 0);
  expected += (0.01 / (2 * 7)) * squares;
  const got = tf.tidy(() => net.loss(tf.tensor2d(noisy), tf.tensor2d(clean), tf.tensor2d(targets), 7).arraySync() as number);
  assert.ok(Math.abs(got - expected) <= 1e-5 * Math.max(1, expected), `${got} != ${expected}`);
  net.dispose();
});

test('a content model on data without item text stops with a config error naming the model', () => {
  for (const name of ['cmf', 'ctr', 'cdl']) {
    const model = createModel(loadConfig(null, [`model.name=${name}`]));
    assert.throws(() => model.init({ ...TEXT_TRAIN, itemTokenOffsets: new Int32Array(4), itemTokens: new Int32Array(0), numTokens: 0 }), (e: Error) => {
      assert.match(e.message, new RegExp(`model.name: ${name} reads item text`));
      return true;
    });
  }
});
