import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { multiHopRead, timeAttention, timeAwareSelfAttention, timeGateWeightsOf, type TimeAttentionWeights } from '../../src/models/layers/time-attention';
import { timeGruStates, type TimeGruWeights } from '../../src/models/layers/time-gru';
import { stream } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';

/**
 * MTAM's layers against plain-array implementations of the printed equations (Ji et al., CIKM 2020, eqs.
 * 6–13, 16–20, 23–25) on hand-sized inputs: the first step (gap 0), a zero gap, padding, masked slots; and
 * the time-aware self-attention (eqs. 16–20 over one sequence, causal, multi-head) that sasrec's
 * model.attention time_aware uses.
 */
before(useCpu);

type M = number[][];
const rng = stream(7, 'init', 'mtam-layer-test');
const rand = (rows: number, cols: number): M => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform() * 2 - 1));
const vec = (n: number) => rand(1, n)[0];
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const vm = (a: number[], m: M) => m[0].map((_, j) => a.reduce((s, v, i) => s + v * m[i][j], 0));
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);
const mul = (a: number[], b: number[]) => a.map((v, i) => v * b[i]);

test('time-aware GRU: eqs. 6-13 step by step, from a zero state, with gap 0 at the first step, a zero gap and padding', () => {
  const [IN, D] = [3, 2];
  const p = {
    wz: rand(IN + D, D), wr: rand(IN + D, D), wh: rand(IN + D, D), wtau: rand(IN + D, D),
    bz: vec(D), br: vec(D), bh: vec(D), btau: vec(D), wdelta: vec(D), bdelta: vec(D), wgdelta: vec(D), wgtau: vec(D), bg: vec(D),
  };
  // two users, four steps; user 1's first step is padding (left-padded), user 0 has a zero gap at step 2
  const x = [rand(4, IN), rand(4, IN)];
  const gaps = [[0, 3600, 0, 86400], [0, 0, 5, 120]];
  const mask = [[1, 1, 1, 1], [0, 1, 1, 1]];
  const expected = x.map((xs, b) => {
    let h = [0, 0];
    return xs.map((xt, s) => {
      if (!mask[b][s]) return h;
      const xh = [...xt, ...h];
      const z = add(vm(xh, p.wz), p.bz).map(sig);
      const r = add(vm(xh, p.wr), p.br).map(sig);
      const cand = add(vm([...xt, ...mul(h, r)], p.wh), p.bh).map(Math.tanh);
      const delta = p.wdelta.map((wd, i) => Math.tanh(Math.log(gaps[b][s] + 1) * wd + p.bdelta[i]));
      const tau = add(vm(xh, p.wtau), p.btau).map(Math.tanh);
      const g = delta.map((dl, i) => sig(dl * p.wgdelta[i] + tau[i] * p.wgtau[i] + p.bg[i]));
      h = h.map((hv, i) => z[i] * g[i] * hv + (1 - z[i]) * cand[i]);
      return h;
    });
  });
  const w: TimeGruWeights = {
    wz: tf.tensor2d(p.wz), wr: tf.tensor2d(p.wr), wh: tf.tensor2d(p.wh), wtau: tf.tensor2d(p.wtau),
    bz: tf.tensor1d(p.bz), br: tf.tensor1d(p.br), bh: tf.tensor1d(p.bh), btau: tf.tensor1d(p.btau), wdelta: tf.tensor1d(p.wdelta),
    bdelta: tf.tensor1d(p.bdelta), wgdelta: tf.tensor1d(p.wgdelta), wgtau: tf.tensor1d(p.wgtau), bg: tf.tensor1d(p.bg),
  };
  const got = tf.tidy(() => timeGruStates(tf.tensor3d(x), tf.tensor2d(gaps), tf.tensor2d(mask), w).arraySync());
  got.forEach((rows, b) => rows.forEach((row, s) => assertClose(row, expected[b][s], `user ${b} step ${s}`)));
  tf.dispose(Object.values(w));
});

/** Plain time-aware attention of one query row over keys (eqs. 16–20), pair parameters at [i][j]. */
function plainAttention(q: number[], tq: number, keys: M, tk: number[], values: M, mask: number[], p: Record<string, M>, wtau: M, i: number): number[] {
  const d = q.length;
  const qw = vm(q, wtau);
  const logits = keys.map((k, j) => {
    const delta = Math.tanh(Math.log(Math.abs(tq - tk[j]) + 1) * p.wdelta[i][j] + p.bdelta[i][j]);
    const tau = Math.tanh(dot(qw, k) + p.btau[i][j]);
    const g = sig(delta * p.wgdelta[i][j] + tau * p.wgtau[i][j] + p.bg[i][j]);
    return (dot(q, k) * g) / Math.sqrt(d);
  });
  const real = logits.map((l, j) => (mask[j] ? l : -Infinity));
  const top = Math.max(...real);
  const e = real.map((l) => (l === -Infinity ? 0 : Math.exp(l - top)));
  const total = e.reduce((a, b) => a + b, 0);
  return values[0].map((_, c) => e.reduce((s, ej, j) => s + (ej / total) * values[j][c], 0));
}

test('time-aware attention: eqs. 16-20 with per-pair parameters, equal times and masked slots', () => {
  const [LX, LY, D] = [2, 3, 4];
  const pair = () => rand(LX, LY);
  const p = { wdelta: pair(), bdelta: pair(), btau: pair(), wgdelta: pair(), wgtau: pair(), bg: pair() };
  const wtau = rand(D, D);
  const x = [rand(LX, D)];
  const y = [rand(LY, D)];
  const v = [rand(LY, 2)];
  const tx = [[100, 250]];
  const ty = [[40, 100, 0]]; // a key at the query's own time (gap 0); the last slot is padding
  const mask = [[1, 1, 0]];
  const w: TimeAttentionWeights = {
    wtau: tf.tensor2d(wtau), wdelta: tf.tensor2d(p.wdelta), bdelta: tf.tensor2d(p.bdelta), btau: tf.tensor2d(p.btau),
    wgdelta: tf.tensor2d(p.wgdelta), wgtau: tf.tensor2d(p.wgtau), bg: tf.tensor2d(p.bg),
  };
  const got = tf.tidy(() => timeAttention(tf.tensor3d(x), tf.tensor2d(tx), tf.tensor3d(y), tf.tensor2d(ty), tf.tensor3d(v), tf.tensor2d(mask), w).arraySync());
  for (let i = 0; i < LX; i++) assertClose(got[0][i], plainAttention(x[0][i], tx[0][i], y[0], ty[0], v[0], mask[0], p, wtau, i), `query ${i}`);
  tf.dispose(Object.values(w));
});

test('multi-hop reader: eqs. 23-25, a query projection per hop, shared key and value projections; 0 hops = the intent', () => {
  const [L, D, HOPS] = [3, 2, 2];
  const pair = () => rand(1, L);
  const p = { wdelta: pair(), bdelta: pair(), btau: pair(), wgdelta: pair(), wgtau: pair(), bg: pair() };
  const wtau = rand(D, D);
  const queries = [rand(D, D), rand(D, D)];
  const [wk, wv] = [rand(D, D), rand(D, D)];
  const c0 = rand(2, D);
  const memory = [rand(L, D), rand(L, D)];
  const tm = [[10, 20, 30], [5, 0, 0]];
  const mask = [[1, 1, 1], [1, 0, 0]];
  const target = [40, 7];
  const expected = c0.map((c, b) => {
    const keys = memory[b].map((m) => vm(m, wk));
    const values = memory[b].map((m) => vm(m, wv));
    let state = c;
    for (let k = 0; k < HOPS; k++) state = add(state, plainAttention(vm(state, queries[k]), target[b], keys, tm[b], values, mask[b], p, wtau, 0));
    return state;
  });
  const attention: TimeAttentionWeights = {
    wtau: tf.tensor2d(wtau), wdelta: tf.tensor2d(p.wdelta), bdelta: tf.tensor2d(p.bdelta), btau: tf.tensor2d(p.btau),
    wgdelta: tf.tensor2d(p.wgdelta), wgtau: tf.tensor2d(p.wgtau), bg: tf.tensor2d(p.bg),
  };
  const w = { queries: queries.map((q) => tf.tensor2d(q)), key: tf.tensor2d(wk), value: tf.tensor2d(wv), attention };
  const inputs = () => [tf.tensor2d(c0), tf.tensor1d(target), tf.tensor3d(memory), tf.tensor2d(tm), tf.tensor2d(mask)] as const;
  const got = tf.tidy(() => {
    const [c, t, m, times, masked] = inputs();
    return multiHopRead(c, t, m, times, masked, w).arraySync();
  });
  got.forEach((row, b) => assertClose(row, expected[b], `user ${b}`));
  const none = tf.tidy(() => {
    const [c, t, m, times, masked] = inputs();
    return multiHopRead(c, t, m, times, masked, { ...w, queries: [] }).arraySync();
  });
  none.forEach((row, b) => assertClose(row, Array.from(Float32Array.from(c0[b])), `user ${b}, no hop`, 0));
  tf.dispose([...w.queries, w.key, w.value, ...Object.values(attention)]);
});

test('time-aware self-attention: eqs. 16-20 over one sequence, per-pair [T, T] parameters, two heads, causal and padding masks, zero gaps', () => {
  const [T, D, H] = [4, 4, 2];
  const headWidth = D / H;
  const pair = () => rand(T, T);
  const p = { wdelta: pair(), bdelta: pair(), btau: pair(), wgdelta: pair(), wgtau: pair(), bg: pair() };
  const wtau = rand(D, D);
  const proj = { query: rand(D, D), key: rand(D, D), value: rand(D, D) };
  const bias = { query: vec(D), key: vec(D), value: vec(D) };
  const queries = [rand(T, D), rand(T, D)];
  const keys = [rand(T, D), rand(T, D)];
  // user 0: positions 0 and 1 at the same time (gap 0); user 1: position 0 is padding, 1 and 2 share a time
  const times = [[0, 0, 3, 7.5], [0, 2, 2, 5]];
  const mask = [[1, 1, 1, 1], [0, 1, 1, 1]];
  const expected = queries.map((qs, b) =>
    qs.map((query, i) => {
      const q = add(vm(query, proj.query), bias.query);
      const qw = vm(query, wtau);
      const allowed = keys[b].map((_, j) => j <= i && mask[b][j] === 1);
      const gate = keys[b].map((key, j) => {
        const delta = Math.tanh(Math.log(Math.abs(times[b][i] - times[b][j]) + 1) * p.wdelta[i][j] + p.bdelta[i][j]);
        const tau = Math.tanh(dot(qw, key) + p.btau[i][j]);
        return sig(delta * p.wgdelta[i][j] + tau * p.wgtau[i][j] + p.bg[i][j]);
      });
      const out: number[] = [];
      for (let h = 0; h < H; h++) {
        const cols = Array.from({ length: headWidth }, (_, c) => h * headWidth + c);
        const logits = keys[b].map((key, j) => {
          const k = add(vm(key, proj.key), bias.key);
          return allowed[j] ? (cols.reduce((sum, c) => sum + q[c] * k[c], 0) * gate[j]) / Math.sqrt(headWidth) : -Infinity;
        });
        const top = Math.max(...logits);
        const e = logits.map((l) => (l === -Infinity ? 0 : Math.exp(l - top)));
        const total = e.reduce((a, c) => a + c, 0);
        for (const c of cols) out.push(keys[b].reduce((sum, key, j) => sum + (e[j] / total) * add(vm(key, proj.value), bias.value)[c], 0));
      }
      return out;
    }),
  );
  const stored: Record<string, tf.Tensor> = { g_wtau: tf.tensor2d(wtau) };
  for (const [name, value] of Object.entries(p)) stored[`g_${name}`] = tf.tensor2d(value);
  const attention = {
    query: tf.tensor2d(proj.query), key: tf.tensor2d(proj.key), value: tf.tensor2d(proj.value),
    queryBias: tf.tensor1d(bias.query), keyBias: tf.tensor1d(bias.key), valueBias: tf.tensor1d(bias.value),
  };
  const run = (width: number) =>
    tf.tidy(() => {
      const cut = <X extends tf.Tensor>(t: X) => tf.slice(t, [0, T - width], [-1, width]) as X;
      const gate = timeGateWeightsOf((name) => stored[name], 'g', width);
      const options = { numHeads: H, causal: true, keyMask: cut(tf.tensor2d(mask)) };
      return timeAwareSelfAttention(cut(tf.tensor3d(queries)), cut(tf.tensor3d(keys)), cut(tf.tensor2d(times)), attention, gate, options).arraySync();
    });
  const got = run(T);
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < T; i++) {
      if (mask[b][i]) assertClose(got[b][i], expected[b][i], `user ${b} position ${i}`);
      else assert.ok(got[b][i].every(Number.isFinite), `padded position ${i} of user ${b} is finite`);
    }
  }
  // the last 3 positions alone use the bottom-right [3, 3] block of the pair parameters: user 1 without its padding
  const narrow = run(3);
  for (let i = 0; i < 3; i++) assertClose(narrow[1][i], expected[1][i + 1], `user 1, narrow input, position ${i}`);
  tf.dispose([...Object.values(stored), ...Object.values(attention)]);
});
