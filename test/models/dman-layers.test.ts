import { test, before } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import {
  fifoMemory,
  fusionGate,
  memoryAttention,
  reconstructionError,
  recurrentAttention,
  routeMemory,
  squash,
  type ProjectionWeights,
} from '../../src/models/memory/dman/layers';
import { stream } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { assertClose } from '../helpers/model-fixtures';

/**
 * DMAN's layers (Tan et al., AAAI 2021) against plain-array implementations of the printed equations 1-3 and
 * 5-8 on hand-sized inputs, with the choices of src/models/memory/dman/dman.ts (scaling 1/√D, routing from the
 * old slots with one shared W): causal masking over [previous ; current], a stream's first window (previous
 * masked), a left-padded window, padded context rows left out of the routing.
 */
before(useCpu);

type M = number[][];
const rng = stream(11, 'init', 'dman-layer-test');
const rand = (rows: number, cols: number): M => Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform() * 2 - 1));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const vm = (a: number[], m: M) => m[0].map((_, j) => a.reduce((s, v, i) => s + v * m[i][j], 0));
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const norm = (a: number[]) => Math.sqrt(dot(a, a));

/** softmax(q W_Q · (k W_K) / √D) over the visible keys, · v W_V: one query row. */
function attend(q: number[], keys: M, visible: boolean[], w: { q: M; k: M; v: M }): number[] {
  const qp = vm(q, w.q);
  const scores = keys.map((k, j) => (visible[j] ? dot(qp, vm(k, w.k)) / Math.sqrt(q.length) : -Infinity));
  const top = Math.max(...scores);
  const e = scores.map((s) => (s === -Infinity ? 0 : Math.exp(s - top)));
  const z = e.reduce((a, b) => a + b, 0);
  const out = new Array<number>(q.length).fill(0);
  keys.forEach((k, j) => {
    if (e[j] === 0) return;
    vm(k, w.v).forEach((x, i) => (out[i] += (e[j] / z) * x));
  });
  return out;
}

const D = 4;
const T = 3;
const m = 2;
const plainW = () => ({ q: rand(D, D), k: rand(D, D), v: rand(D, D) });
const tensorsOf = (w: { q: M; k: M; v: M }): ProjectionWeights => ({ query: tf.tensor2d(w.q), key: tf.tensor2d(w.k), value: tf.tensor2d(w.v) });

test('eq. 1: causal attention over [previous window ; this window], previous masked at a stream start, vanilla without it', () => {
  const w = plainW();
  // lane 0: full window with a previous window; lane 1: stream start (no previous) and a left-padded window
  const current = [rand(T, D), rand(T, D)];
  const previous = [rand(T, D), rand(T, D)];
  const currentMask = [[1, 1, 1], [0, 1, 1]];
  const previousMask = [[1, 1, 1], [0, 0, 0]];
  const expected = current.map((rows, b) =>
    rows.map((q, t) => {
      const keys = [...previous[b], ...rows];
      const visible = keys.map((_, j) => (j < T ? previousMask[b][j] === 1 : j - T <= t && currentMask[b][j - T] === 1));
      return attend(q, keys, visible, w);
    }),
  );
  const vanilla = current.map((rows, b) => rows.map((q, t) => attend(q, rows, rows.map((_, j) => j <= t && currentMask[b][j] === 1), w)));
  const [got, gotVanilla] = tf.tidy(() => {
    const args = [tf.tensor3d(current), tf.tensor2d(currentMask)] as const;
    return [
      recurrentAttention(...args, tf.tensor3d(previous), tf.tensor2d(previousMask), tensorsOf(w)).arraySync(),
      recurrentAttention(...args, null, null, tensorsOf(w)).arraySync(),
    ];
  });
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < T; t++) {
      // a padded query of a lane without a previous window sees no key: its output is meaningless and unused
      if (currentMask[b][t] === 0 && b === 1) continue;
      assertClose(got[b][t], expected[b][t], `recurrent lane ${b} position ${t}`);
      assertClose(gotVanilla[b][t], vanilla[b][t], `vanilla lane ${b} position ${t}`);
    }
  }
});

test('eq. 2: every query attends over all m memory slots; eq. 3: the gate mixes short and long per feature', () => {
  const w = plainW();
  const query = [rand(T, D)];
  const memory = [rand(m, D)];
  const expected = query[0].map((q) => attend(q, memory[0], memory[0].map(() => true), w));
  const got = tf.tidy(() => memoryAttention(tf.tensor3d(query), tf.tensor3d(memory), tensorsOf(w)).arraySync());
  got[0].forEach((row, t) => assertClose(row, expected[t], `long-term position ${t}`));

  const [short, long, wShort, wLong] = [rand(T, D), rand(T, D), rand(D, D), rand(D, D)];
  const fused = short.map((s, t) => {
    const pre = vm(s, wShort).map((v, i) => v + vm(long[t], wLong)[i]);
    return pre.map((p, i) => sig(p) * s[i] + (1 - sig(p)) * long[t][i]);
  });
  const gotFused = tf.tidy(() => fusionGate(tf.tensor3d([short]), tf.tensor3d([long]), tf.tensor2d(wShort), tf.tensor2d(wLong)).arraySync());
  gotFused[0].forEach((row, t) => assertClose(row, fused[t], `gate position ${t}`));
});

/** Eqs. 6-8 with one shared W: three iterations from the old slots, padded context rows left out. */
function plainRouting(memory: M, context: M, contextMask: number[], W: M, iterations: number): M {
  const capsules = [...memory, ...context];
  const real = [...memory.map(() => 1), ...contextMask];
  const u = capsules.map((x) => vm(x, W));
  let out = memory;
  for (let r = 0; r < iterations; r++) {
    const alpha = u.map((ui, i) => {
      const b = out.map((xj) => dot(xj, ui));
      const top = Math.max(...b);
      const e = b.map((v) => Math.exp(v - top));
      const z = e.reduce((a, c) => a + c, 0);
      return e.map((v) => (real[i] * v) / z);
    });
    out = out.map((_, j) => {
      const s = new Array<number>(D).fill(0);
      u.forEach((ui, i) => ui.forEach((v, k) => (s[k] += alpha[i][j] * v)));
      const n = norm(s);
      return s.map((v) => ((n * n) / (1 + n * n)) * (v / n));
    });
  }
  return out;
}

test('eqs. 6-8: dynamic routing of [memory ; previous window] into m slots, 3 iterations, padded rows left out; squash', () => {
  const W = rand(D, D);
  const memory = [rand(m, D), rand(m, D)];
  const context = [rand(T, D), rand(T, D)];
  const contextMask = [[1, 1, 1], [0, 1, 1]];
  const got = tf.tidy(() => routeMemory(tf.tensor3d(memory), tf.tensor3d(context), tf.tensor2d(contextMask), tf.tensor2d(W), 3).arraySync());
  for (let b = 0; b < 2; b++) {
    const expected = plainRouting(memory[b], context[b], contextMask[b], W, 3);
    got[b].forEach((row, j) => assertClose(row, expected[j], `lane ${b} slot ${j}`));
  }
  // the padded row changes nothing: lane 1 equals routing over its two real rows alone
  const trimmed = plainRouting(memory[1], context[1].slice(1), [1, 1], W, 3);
  got[1].forEach((row, j) => assertClose(row, trimmed[j], `lane 1 slot ${j} without its padded row`));
  const s = [[3, 4, 0, 0], [0, 0, 0, 0]];
  assertClose(tf.tidy(() => squash(tf.tensor3d([s])).dataSync()), [(25 / 26) * 0.6, (25 / 26) * 0.8, 0, 0, 0, 0, 0, 0], 'squash');
});

test('DMAN-FIFO keeps the last m rows of [memory ; previous window]', () => {
  const memory = rand(m, D);
  const context = rand(T, D);
  const got = tf.tidy(() => fifoMemory(tf.tensor3d([memory]), tf.tensor3d([context])).arraySync());
  const expected = [...memory, ...context].slice(-m);
  got[0].forEach((row, j) => assertClose(row, expected[j], `slot ${j}`));
  const wide = rand(T + 2, D);
  const kept = tf.tidy(() => fifoMemory(tf.tensor3d([wide]), tf.tensor3d([context])).arraySync());
  kept[0].forEach((row, j) => assertClose(row, [...wide, ...context].slice(-(T + 2))[j], `m > T: slot ${j}`));
});

test('eq. 5: the squared distance between attending to [old memory ; previous window] and to the new memory, real query rows only', () => {
  const w = plainW();
  const query = rand(T, D);
  const queryMask = [0, 1, 1];
  const [oldMemory, context, newMemory] = [rand(m, D), rand(T, D), rand(m, D)];
  const contextMask = [1, 1, 1];
  let expected = 0;
  query.forEach((q, t) => {
    if (!queryMask[t]) return;
    const full = attend(q, [...oldMemory, ...context], new Array(m + T).fill(true), w);
    const abstracted = attend(q, newMemory, new Array(m).fill(true), w);
    expected += full.reduce((s, v, i) => s + (v - abstracted[i]) ** 2, 0);
  });
  const got = tf.tidy(() =>
    reconstructionError(
      tf.tensor3d([query]),
      tf.tensor2d([queryMask]),
      tf.tensor3d([oldMemory]),
      tf.tensor3d([context]),
      tf.tensor2d([contextMask]),
      tf.tensor3d([newMemory]),
      tensorsOf(w),
    ).dataSync(),
  );
  assertClose(got, [expected], 'L_ae');
});
