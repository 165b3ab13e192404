import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { lastSession } from '../../src/models/layers/sessions';
import type { NeuralModel } from '../../src/models/neural-model';
import { loadConfig } from '../../src/schema/config-flags';
import { useCpu } from '../helpers/backend';
import { assertClose, dot, perturbedModel, rowsOf, vecMat, type Rows } from '../helpers/model-fixtures';

before(useCpu);

const HOUR = 3600;

const relu = (v: number[]) => v.map((x) => Math.max(0, x));

/** Σ softmax_k(query · keys_k) values_k over the listed positions, 0 where none. */
function attend(query: number[], keys: Rows, values: Rows, positions: number[]): number[] {
  const out = values[0].map(() => 0);
  if (positions.length === 0) return out;
  const scores = positions.map((k) => dot(query, keys[k]));
  const top = Math.max(...scores);
  const weights = scores.map((s) => Math.exp(s - top));
  const total = weights.reduce((a, b) => a + b, 0);
  positions.forEach((k, n) => values[k].forEach((v, j) => (out[j] += (weights[n] / total) * v)));
  return out;
}

/**
 * Two windows of width 6, ages in seconds before the target (0 = padding where the input is 0):
 * row 0: padding, then gaps of 2 h, 30 min, 3 h, 12 min between its five items: with a 1 h gap the last session
 * is its last two items, with a 4 h gap all five; row 1: gaps of 10 min only: one session of all six items.
 */
const REAL = [[0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]];
const AGES = [[0, 5.7 * HOUR, 3.7 * HOUR, 3.2 * HOUR, 0.2 * HOUR, 0], [3000, 2400, 1800, 1200, 600, 0]];

function sessionOf(gap: number, maxItems: number): { session: number[][]; earlier: number[][] } {
  return tf.tidy(() => {
    const masks = lastSession(tf.tensor2d(AGES), tf.tensor2d(REAL), gap, maxItems);
    return { session: masks.session.arraySync(), earlier: masks.earlier.arraySync() };
  });
}

test('lastSession: the trailing run of items closer than the gap, cut to its latest maxItems; the rest is earlier', () => {
  assert.deepEqual(sessionOf(HOUR, 50), { session: [[0, 0, 0, 0, 1, 1], [1, 1, 1, 1, 1, 1]], earlier: [[0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0]] });
  assert.deepEqual(sessionOf(4 * HOUR, 50).session, [[0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]);
  // a gap of exactly the threshold starts a session (SDM: the same session only when the gap is shorter)
  assert.deepEqual(sessionOf(3 * HOUR, 50).session, [[0, 0, 0, 0, 1, 1], [1, 1, 1, 1, 1, 1]]);
  assert.deepEqual(sessionOf(HOUR, 4), { session: [[0, 0, 0, 0, 1, 1], [0, 0, 1, 1, 1, 1]], earlier: [[0, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0]] });
});

const INPUTS = [[0, 3, 7, 12, 5, 9], [41, 2, 2, 30, 8, 1]];
const USERS = [4, 17];

interface Internals {
  userVector(users: tf.Tensor1D, inputs: tf.Tensor2D, ages: tf.Tensor2D): tf.Tensor2D;
}

function userVectors(model: NeuralModel): number[][] {
  return tf.tidy(() => (model as unknown as Internals).userVector(tf.tensor1d(USERS, 'int32'), tf.tensor2d(INPUTS, [2, 6], 'int32'), tf.tensor2d(AGES)).arraySync());
}

test('shan: u_long attends over the earlier sessions, u_hybrid over u_long and the last session, both queried by the user (eqs. 1-6)', async () => {
  const { model, state } = await perturbedModel('shan', [`model.max_length=6`, `model.session_gap=${HOUR}`]);
  const [E, U, W1, b1, W2, b2] = ['item_embedding', 'user_embedding', 'long_kernel', 'long_bias', 'hybrid_kernel', 'hybrid_bias'].map((n) => rowsOf(state, n));
  const got = userVectors(model);
  // sessions by hand (see AGES): row 0 long term = positions 1-3, short term 4-5; row 1 one session of all six
  const split = [{ long: [1, 2, 3], short: [4, 5] }, { long: [], short: [0, 1, 2, 3, 4, 5] }];
  INPUTS.forEach((row, b) => {
    const u = U[USERS[b]];
    const v = row.map((shifted) => E[Math.max(0, shifted - 1)]);
    const long = attend(u, v.map((x) => relu(vecMat(x, W1).map((y, j) => y + b1[0][j]))), v, split[b].long);
    const x = [long, ...v];
    const hybrid = attend(u, x.map((xj) => relu(vecMat(xj, W2).map((y, j) => y + b2[0][j]))), x, [0, ...split[b].short.map((k) => k + 1)]);
    assertClose(got[b], hybrid, `row ${b}`);
  });
  model.dispose();
});

test('sdm: the long term holds only the earlier items within long_term_days of the session; the short term only the session', async () => {
  const { model } = await perturbedModel('sdm', ['model.max_length=6', 'model.session_length=3', `model.session_gap=${HOUR}`, `model.long_term_days=${4 / 24}`]);
  const base = userVectors(model);
  /** the user vectors with one input of row 0 replaced */
  const changed = (position: number) => {
    const saved = INPUTS[0][position];
    INPUTS[0][position] = 44;
    const out = userVectors(model);
    INPUTS[0][position] = saved;
    return out;
  };
  // row 0: session = positions 4-5 (starting 0.2 h before the target); long term = the earlier items at most
  // 4 h before the session's start: positions 2 and 3 (3.7 h and 3.2 h), not position 1 (5.7 h)
  assertClose(changed(1)[0], base[0], 'an item older than the long-term window');
  for (const position of [2, 3, 4, 5]) assert.ok(Math.abs(changed(position)[0][0] - base[0][0]) > 1e-7, `position ${position} is read`);
  // row 1 is never touched by changes to row 0
  assertClose(changed(3)[1], base[1], 'another row');
  model.dispose();
});

test('shan and sdm cut sessions from times, so a source without times is refused; sdm\'s heads divide its width', () => {
  for (const name of ['shan', 'sdm']) {
    assert.throws(() => loadConfig(null, [`model.name=${name}`, 'data.source=sasrec']), new RegExp(`${name} reads the behaviours' times, but data.source sasrec`));
  }
  assert.throws(() => loadConfig(null, ['model.name=sdm', 'model.num_heads=3']), /model\.num_heads: 3 heads do not divide model\.dim 64/);
});
