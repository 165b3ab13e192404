import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { DATA_SOURCES } from '../../src/data/sources';
import { timeLstmStates, timeLstmWeightsOf } from '../../src/models/layers/time-lstm';
import type { NeuralModel } from '../../src/models/neural-model';
import { createModel } from '../../src/models/registry';
import { prepareExperiment } from '../../src/run/experiment';
import { stream } from '../../src/random/streams';
import { Reporter } from '../../src/util/reporter';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';
import { scoreAll, tinyConfig } from '../helpers/tiny-models';

/**
 * T-SeqRec's time-aware LSTM (SLi-Rec's Time4LSTM cell, src/models/layers/time-lstm.ts) against a plain-array
 * implementation of its equations, and the models built on it: tseqrec (MTAM with no hops and the tseqrec
 * unit) and mtam with model.unit tseqrec.
 */
before(useCpu);

type M = number[][];
const rng = stream(11, 'init', 'time-lstm-test');
const rand = (rows: number, cols: number): M => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform() * 2 - 1));
const vec = (n: number) => rand(1, n)[0];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const vm = (a: number[], m: M) => m[0].map((_, j) => a.reduce((s, v, i) => s + v * m[i][j], 0));
const add = (...vs: number[][]) => vs[0].map((_, i) => vs.reduce((s, v) => s + v[i], 0));
const logTime = (delta: number) => Math.log(Math.max(delta, 0.5));

test('time-aware LSTM: both time gates and the timed output gate step by step, with padding and a first interval of 0', () => {
  const [IN, D] = [3, 2];
  const gates = ['i', 'j', 'f', 'o'];
  const p = {
    W: gates.map(() => rand(IN, D)), U: gates.map(() => rand(D, D)), b: gates.map(() => vec(D)),
    wn: vec(D), bn: vec(D), wl: vec(D), bl: vec(D),
    Wn: rand(IN, D), Wl: rand(IN, D), Un: rand(D, D), Ul: rand(D, D), bTn: vec(D), bTl: vec(D), Vn: rand(D, D), Vl: rand(D, D),
  };
  // user 1 is left-padded; intervals and spans in hours: 0.2 is floored to 0.5 by log(max(Δ, 0.5))
  const x = [rand(4, IN), rand(4, IN)];
  const mask = [[1, 1, 1, 1], [0, 0, 1, 1]];
  const gapHours = [[0, 3, 0.2, 30], [7, 7, 0, 2]];
  const ageHours = [[40, 37, 36.8, 6.8], [9, 9, 9, 0]];
  const interval = gapHours.map((row, b) => row.map((g, s) => (s === 0 || !mask[b][s - 1] ? 0 : logTime(g))));
  const span = ageHours.map((row) => row.map(logTime));
  const expected = x.map((xs, b) => {
    let c = [0, 0];
    let m = [0, 0];
    return xs.map((xt, s) => {
      if (!mask[b][s]) return m;
      const tn = p.wn.map((w, k) => Math.tanh(span[b][s] * w + p.bn[k]));
      const tl = p.wl.map((w, k) => Math.tanh(interval[b][s] * w + p.bl[k]));
      const Tn = add(vm(xt, p.Wn), vm(tn, p.Un), p.bTn).map(sig);
      const Tl = add(vm(xt, p.Wl), vm(tl, p.Ul), p.bTl).map(sig);
      const [i, j, f, o] = gates.map((_, g) => add(vm(xt, p.W[g]), vm(m, p.U[g]), p.b[g]));
      const oTimed = add(o, vm(tn, p.Vn), vm(tl, p.Vl));
      c = c.map((cv, k) => sig(f[k] + 1) * Tl[k] * cv + sig(i[k]) * Tn[k] * Math.tanh(j[k]));
      m = c.map((cv, k) => sig(oTimed[k]) * Math.tanh(cv));
      return m;
    });
  });
  const stored: Record<string, tf.Tensor> = {
    t_kernel: tf.tensor3d(p.W), t_recurrent: tf.tensor3d(p.U), t_bias: tf.tensor2d(p.b),
    t_wn: tf.tensor1d(p.wn), t_bn: tf.tensor1d(p.bn), t_wl: tf.tensor1d(p.wl), t_bl: tf.tensor1d(p.bl),
    t_gateKernelN: tf.tensor2d(p.Wn), t_gateKernelL: tf.tensor2d(p.Wl), t_gateTimeN: tf.tensor2d(p.Un), t_gateTimeL: tf.tensor2d(p.Ul),
    t_gateBiasN: tf.tensor1d(p.bTn), t_gateBiasL: tf.tensor1d(p.bTl), t_outputTimeN: tf.tensor2d(p.Vn), t_outputTimeL: tf.tensor2d(p.Vl),
  };
  const w = timeLstmWeightsOf((name) => stored[name], 't');
  const got = tf.tidy(() => timeLstmStates(tf.tensor3d(x), tf.tensor2d(interval), tf.tensor2d(span), tf.tensor2d(mask), w).arraySync());
  got.forEach((rows, b) => rows.forEach((row, s) => assertClose(row, expected[b][s], `user ${b} step ${s}`)));
  tf.dispose(Object.values(stored));
});

async function tiny(name: string, sets: string[] = []) {
  const config = tinyConfig(name, ['train.epochs=1', 'train.eval_every=0', ...sets]);
  const data = await DATA_SOURCES.synthetic.load(config, new Reporter(true));
  const exp = prepareExperiment(data, config, 0);
  const model = createModel(config) as NeuralModel;
  model.init(exp.train);
  return { exp, model };
}

test('tseqrec is mtam with no hops and the tseqrec unit; the unit\'s time features move the scores', async () => {
  const { exp, model } = await tiny('tseqrec');
  const { model: mtam } = await tiny('mtam', ['model.hops=0', 'model.unit=tseqrec']);
  assert.deepEqual(Object.keys(await model.state()).sort(), Object.keys(await mtam.state()).sort());
  assert.ok(Object.keys(await model.state()).some((name) => name.startsWith('tseqrec_')));
  const users = Int32Array.from([0, 1, 2, 3]);
  const history = exp.parts.test.history;
  const last = Float64Array.from(users, (u) => history.timestamps[history.lists.offsets[u + 1] - 1]);
  const scores = (after: number) =>
    tf.tidy(() => model.score({ users, history, targetTimes: last.map((t) => t + after), candidates: null, states: null }).arraySync());
  assert.deepEqual(scores(0), tf.tidy(() => scoreAll(model, users, history).arraySync()), 'no target time: the last behaviour\'s');
  // the target a week after the last behaviour: every span grows, no interval changes
  const base = scores(0);
  const later = scores(7 * 86400);
  assert.ok(base[0].some((v, i) => Math.abs(v - later[0][i]) > 1e-6), 'the span enters the cell');
  model.dispose();
  mtam.dispose();
});
