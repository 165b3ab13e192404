import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // gradients
import { nativeKernelConfigs } from '../../src/compute/native/kernels';
import { Rng } from '../../src/random/streams';
import { useCpu } from '../helpers/backend';
import { nativeAddon, nativeSkipReason, useNative } from '../helpers/native';

const skip = nativeSkipReason();

/** An op on tensors it creates itself (so on the active backend); `tolerance` 0 asks for the same bits. */
interface Case {
  label: string;
  run: () => tf.Tensor;
  tolerance: number;
}

type Outcome = { shape: number[]; dtype: tf.DataType; values: tf.TypedArray } | { error: string };

/** The tolerance of the ops computed with libm (exp, log, tanh, pow), whose last bit may differ from V8's. */
const LIBM = 1e-6;

function evaluate(c: Case): Outcome {
  try {
    return tf.tidy(() => {
      const t = c.run();
      return { shape: t.shape, dtype: t.dtype, values: t.dataSync() };
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function sameValue(got: number, want: number, tolerance: number): boolean {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) return true;
  return tolerance > 0 && Math.abs(got - want) <= tolerance * Math.abs(want);
}

/** Runs every case on cpu, then on native, and compares: shapes, dtypes, values (or the error thrown). */
async function assertNativeMatchesCpu(cases: Case[]): Promise<void> {
  await useCpu();
  const want = cases.map(evaluate);
  await useNative();
  const got = cases.map(evaluate);
  cases.forEach((c, i) => {
    const [g, w] = [got[i], want[i]];
    if ('error' in g || 'error' in w) {
      assert.deepEqual(g, w, c.label);
      return;
    }
    assert.deepEqual(g.shape, w.shape, `${c.label}: shape`);
    assert.equal(g.dtype, w.dtype, `${c.label}: dtype`);
    assert.equal(g.values.length, w.values.length, `${c.label}: length`);
    for (let p = 0; p < w.values.length; p++) {
      if (!sameValue(g.values[p], w.values[p], c.tolerance)) {
        assert.fail(`${c.label}: element ${p} is ${g.values[p]} on native, ${w.values[p]} on cpu`);
      }
    }
  });
}

const SPECIALS = [0, -0, Number.NaN, Infinity, -Infinity, 1, -1, 0.5];

/** Normal values times `scale`, with a few specials (signed zeros, NaN, infinities) mixed in. */
function randomValues(shape: number[], rng: Rng, scale = 2): Float32Array {
  return Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () =>
    rng.uniform() < 0.03 ? SPECIALS[rng.int(SPECIALS.length)] : rng.normal() * scale,
  );
}

function show(shape: number[]): string {
  return `[${shape.join(',')}]`;
}

const BINARY_OPS: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, number]> = [
  ['add', tf.add, 0],
  ['sub', tf.sub, 0],
  ['mul', tf.mul, 0],
  ['div', tf.div, 0],
  ['maximum', tf.maximum, 0],
  ['minimum', tf.minimum, 0],
  ['squaredDifference', tf.squaredDifference, 0],
  ['pow', tf.pow, LIBM],
];

/** Every kind of broadcast, by hand: same shape, inner vector, size-1 dims, scalars, empty, rank 6, large. */
const BINARY_SHAPES: Array<[number[], number[]]> = [
  [[37, 64], [37, 64]],
  [[50, 64], [64]],
  [[64], [50, 64]],
  [[4, 1, 5, 1], [4, 1, 5, 7]],
  [[4, 1, 5, 7], [4, 1, 5, 1]],
  [[], [3, 4]],
  [[3, 4], []],
  [[], []],
  [[1], [6]],
  [[7, 1], [1, 1]],
  [[1, 5, 1], [3, 1, 4]],
  [[5, 1], [1, 6]],
  [[2, 1, 3, 1, 2], [1, 4, 1, 5, 1]],
  [[2, 1, 3, 1, 2, 2], [1, 2, 1, 2, 1, 2]],
  [[0, 3], [3]],
  [[2, 0], [2, 1]],
  [[0], []],
  [[300, 257], [257]], // large enough to run threaded
  [[300, 257], [300, 1]],
  [[3, 100, 300], [3, 100, 300]],
  [[60, 1, 40, 1], [60, 1, 40, 50]],
];

/** Random broadcast pairs: an output shape of rank 1 to 5, each operand a suffix of it with some dims 1. */
function randomBinaryShapes(rng: Rng, count: number): Array<[number[], number[]]> {
  return Array.from({ length: count }, () => {
    const rank = 1 + rng.int(5);
    const out = Array.from({ length: rank }, () => 1 + rng.int(4));
    const operand = (): number[] => out.slice(rank - rng.int(rank + 1)).map((d) => (rng.uniform() < 0.3 ? 1 : d));
    return [operand(), operand()];
  });
}

function binaryCases(): Case[] {
  const rng = new Rng('native-kernels/binary');
  const shapes = [...BINARY_SHAPES, ...randomBinaryShapes(rng, 20)];
  return BINARY_OPS.flatMap(([name, op, tolerance]) =>
    shapes.map(([aShape, bShape]): Case => {
      const a = randomValues(aShape, rng);
      // Pow: integer exponents half the time, so that negative bases meet defined powers too.
      const b = name === 'pow' ? randomValues(bShape, rng).map((v) => (rng.uniform() < 0.5 ? Math.round(v) : v)) : randomValues(bShape, rng);
      return { label: `${name} ${show(aShape)} ${show(bShape)}`, run: () => op(tf.tensor(a, aShape), tf.tensor(b, bShape)), tolerance };
    }),
  );
}

test('binary ops on native match cpu bit for bit (pow within 1e-6) under every kind of broadcast', { skip }, async () => {
  await assertNativeMatchesCpu(binaryCases());
});

test('binary ops on int32, and float32 held in a Uint8Array, match cpu', { skip }, async () => {
  const ints = (values: number[], shape: number[]) => tf.tensor(values, shape, 'int32');
  await assertNativeMatchesCpu([
    { label: 'int32 add', run: () => tf.add(ints([1, 2, 3], [3]), ints([4, -5], [2, 1])), tolerance: 0 },
    { label: 'int32 mul', run: () => tf.mul(ints([1, 2, 3, 4], [2, 2]), ints([7], [])), tolerance: 0 },
    { label: 'int32 sub', run: () => tf.sub(ints([1, 2, 3, 4], [2, 2]), ints([7, 8], [2])), tolerance: 0 },
    {
      label: 'bool cast to float32, times float32',
      run: () => tf.mul(tf.cast(tf.tensor([true, false, true], [3], 'bool'), 'float32'), tf.tensor([1.5, 2, -3], [3])),
      tolerance: 0,
    },
  ]);
});

const UNARY_OPS: Array<[string, (x: tf.Tensor) => tf.Tensor, number]> = [
  ['neg', tf.neg, 0],
  ['floor', tf.floor, 0],
  ['step', (x) => tf.step(x), 0],
  ['step alpha 0.3', (x) => tf.step(x, 0.3), 0],
  ['relu', tf.relu, 0],
  ['sqrt', tf.sqrt, 0],
  ['rsqrt', tf.rsqrt, 0],
  ['square', tf.square, 0],
  ['abs', tf.abs, 0],
  ['reciprocal', tf.reciprocal, 0],
  ['exp', tf.exp, LIBM],
  ['log', tf.log, LIBM],
  ['sigmoid', tf.sigmoid, LIBM],
  ['tanh', tf.tanh, LIBM],
  ['softplus', tf.softplus, LIBM],
];

test('unary ops on native match cpu (exactly, libm ones within 1e-6), specials and empty tensors included', { skip }, async () => {
  const rng = new Rng('native-kernels/unary');
  const shapes = [[], [0], [7], [33, 65], [2, 3, 4, 5, 6], [300, 300]];
  // A scale of 8 crosses softplus's thresholds (about +-13.9) and saturates sigmoid and tanh.
  const cases = UNARY_OPS.flatMap(([name, op, tolerance]) =>
    shapes.map((shape): Case => {
      const x = randomValues(shape, rng, 8);
      return { label: `${name} ${show(shape)}`, run: () => op(tf.tensor(x, shape)), tolerance };
    }),
  );
  cases.push({ label: 'int32 neg', run: () => tf.neg(tf.tensor([1, -2, 3], [3], 'int32')), tolerance: 0 });
  cases.push({ label: 'int32 abs', run: () => tf.abs(tf.tensor([1, -2, 3], [3], 'int32')), tolerance: 0 });
  await assertNativeMatchesCpu(cases);
});

/** Leading, trailing, middle and all axes, out of order, size-1 and empty dims, rank 0 to 5, large ones. */
const REDUCTIONS: Array<[number[], number | number[] | undefined]> = [
  [[6, 5, 8], [0, 1]],
  [[40, 64], 0],
  [[40, 64], 1],
  [[40, 64], -1],
  [[4, 1, 5, 7], -1],
  [[3, 4, 5], 1],
  [[3, 4, 5], undefined],
  [[3, 4, 5], [2, 0]],
  [[2, 3, 4, 5], [0, 2]],
  [[2, 3, 4, 5], [1, 3]],
  [[2, 3, 4, 5], [3, 1]],
  [[3, 4], [1, 0]],
  [[3, 4], []],
  [[7], 0],
  [[], undefined],
  [[2, 1, 3, 1, 4], [1, 3]],
  [[2, 3, 1, 2, 2], [0, 4]],
  [[0, 4], 0],
  [[0, 4], 1],
  [[4, 0], 1],
  [[600, 130], 0], // large enough to run threaded
  [[600, 130], 1],
  [[50, 40, 64], [0, 1]],
  [[40, 50, 50], 1],
];

const REDUCE_OPS: Array<[string, (x: tf.Tensor, axis: number | number[] | undefined, keepDims: boolean) => tf.Tensor]> = [
  ['sum', tf.sum],
  ['mean', tf.mean],
  ['max', tf.max],
];

test('sum, mean and max on native match cpu bit for bit over any axes, keepDims both ways', { skip }, async () => {
  const rng = new Rng('native-kernels/reduce');
  const cases = REDUCE_OPS.flatMap(([name, op]) =>
    REDUCTIONS.flatMap(([shape, axis]) => {
      const x = randomValues(shape, rng);
      return [false, true].map(
        (keepDims): Case => ({
          label: `${name} ${show(shape)} axis ${JSON.stringify(axis)} keepDims ${keepDims}`,
          run: () => op(tf.tensor(x, shape), axis, keepDims),
          tolerance: 0,
        }),
      );
    }),
  );
  cases.push({ label: 'int32 sum', run: () => tf.sum(tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32'), 0), tolerance: 0 });
  cases.push({ label: 'int32 max', run: () => tf.max(tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32'), 1), tolerance: 0 });
  await assertNativeMatchesCpu(cases);
});

test('softmax on native matches cpu within 1e-6', { skip }, async () => {
  const rng = new Rng('native-kernels/softmax');
  const shapes = [[4, 1, 5, 5], [3, 7], [1], [6], [2, 0], [0, 3], [200, 400]];
  const cases = shapes.map((shape): Case => {
    const x = randomValues(shape, rng, 5);
    return { label: `softmax ${show(shape)}`, run: () => tf.softmax(tf.tensor(x, shape)), tolerance: LIBM };
  });
  const x = randomValues([3, 4], rng);
  cases.push({ label: 'softmax on axis 0 (rejected)', run: () => tf.softmax(tf.tensor(x, [3, 4]), 0), tolerance: 0 });
  await assertNativeMatchesCpu(cases);
});

/** Perms of rank 1 to 5, every perm of rank 3, the head split of attention, size-1 and empty dims, large ones. */
const TRANSPOSES: Array<[number[], number[]]> = [
  [[5], [0]],
  [[7, 9], [1, 0]],
  ...[[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].map((perm): [number[], number[]] => [[3, 4, 5], perm]),
  [[2, 3, 4, 5], [0, 2, 1, 3]],
  [[2, 3, 4, 5], [0, 1, 3, 2]],
  [[2, 3, 4, 5], [3, 2, 1, 0]],
  [[2, 3, 4, 5], [1, 0, 3, 2]],
  [[2, 1, 3, 1, 4], [4, 2, 0, 3, 1]],
  [[2, 3, 4, 5, 6], [4, 0, 3, 1, 2]],
  [[3, 1], [1, 0]],
  [[0, 3], [1, 0]],
  [[300, 260], [1, 0]], // large enough to run threaded
  [[8, 40, 330], [0, 2, 1]],
  [[64, 50, 2, 32], [0, 2, 1, 3]],
];

test('transpose on native matches cpu exactly for float32, int32 and bool', { skip }, async () => {
  const rng = new Rng('native-kernels/transpose');
  const cases = TRANSPOSES.flatMap(([shape, perm]): Case[] => {
    const x = randomValues(shape, rng);
    const ints = Int32Array.from(x, (v) => (Number.isFinite(v) ? Math.round(v * 1000) : 7));
    const label = `transpose ${show(shape)} by ${show(perm)}`;
    return [
      { label, run: () => tf.transpose(tf.tensor(x, shape), perm), tolerance: 0 },
      { label: `int32 ${label}`, run: () => tf.transpose(tf.tensor(ints, shape, 'int32'), perm), tolerance: 0 },
      { label: `bool ${label}`, run: () => tf.transpose(tf.tensor(ints, shape, 'int32').greater(0), perm), tolerance: 0 },
    ];
  });
  await assertNativeMatchesCpu(cases);
});

test('slice, splitV, unstack, pad and comparisons on native match cpu exactly for float32 and int32', { skip }, async () => {
  const rng = new Rng('native-kernels/slice');
  const x = randomValues([6, 7, 5], rng);
  const ints = Int32Array.from(x, (v) => (Number.isFinite(v) ? Math.round(v * 3) : 7));
  const cases = (['float32', 'int32'] as const).flatMap((dtype): Case[] => {
    const t = () => (dtype === 'float32' ? tf.tensor(x, [6, 7, 5]) : tf.tensor(ints, [6, 7, 5], 'int32'));
    const other = () => tf.slice(t(), [0, 2, 0], [-1, 1, -1]);
    return [
      { label: `${dtype} slice middle axis`, run: () => tf.slice(t(), [1, 3, 0], [4, 1, -1]), tolerance: 0 },
      { label: `${dtype} slice every axis`, run: () => tf.slice(t(), [2, 1, 1], [3, 5, 3]), tolerance: 0 },
      { label: `${dtype} slice contiguous`, run: () => tf.slice(t(), [2, 0, 0], [2, -1, -1]), tolerance: 0 },
      { label: `${dtype} slice empty`, run: () => tf.slice(t(), [0, 0, 0], [6, 0, 5]), tolerance: 0 },
      { label: `${dtype} splitV last axis`, run: () => tf.stack(tf.split(t(), [2, 3], 2).map((p) => p.reshape([-1]).slice(0, 40))), tolerance: 0 },
      { label: `${dtype} unstack axis 1`, run: () => tf.concat(tf.unstack(t(), 1), 1), tolerance: 0 },
      { label: `${dtype} pad`, run: () => tf.pad(t(), [[1, 0], [0, 3], [2, 2]], 4), tolerance: 0 },
      ...(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const).map((op): Case => ({
        label: `${dtype} ${op} broadcast`,
        run: () => tf[op](t(), other()),
        tolerance: 0,
      })),
      { label: `${dtype} equal scalar`, run: () => tf.equal(t(), tf.scalar(ints[3], dtype)), tolerance: 0 },
    ];
  });
  await assertNativeMatchesCpu(cases);
});

test('gather on native matches cpu on axes 0, 1 and last, int32 values, and throws cpu’s error out of range', { skip }, async () => {
  const rng = new Rng('native-kernels/gather');
  const table = (shape: number[]) => randomValues(shape, rng);
  const ids = (count: number, below: number) => Int32Array.from({ length: count }, () => rng.int(below));
  const cases: Array<[string, number[], Float32Array, Int32Array, number[], number]> = [
    ['axis 0, 2-d indices', [35, 8], table([35, 8]), Int32Array.from([3, 4, 0, 34]), [2, 2], 0],
    ['axis 1', [4, 9, 3], table([4, 9, 3]), ids(5, 9), [5], 1],
    ['last axis', [4, 9, 3], table([4, 9, 3]), ids(4, 3), [4], -1],
    ['rank 1', [6], table([6]), ids(3, 6), [3], 0],
    ['no indices', [5, 2], table([5, 2]), new Int32Array(0), [0], 0],
    ['index past the end', [5, 2], table([5, 2]), Int32Array.from([1, 5]), [2], 0],
    ['negative index', [5, 2], table([5, 2]), Int32Array.from([-1, 2]), [2], 0],
    ['large (threaded)', [3501, 64], table([3501, 64]), ids(12800, 3501), [6400, 2], 0],
  ];
  await assertNativeMatchesCpu(
    cases.flatMap(([label, shape, x, indices, indicesShape, axis]): Case[] => [
      {
        label: `gather ${label}`,
        run: () => tf.gather(tf.tensor(x, shape), tf.tensor(indices, indicesShape, 'int32'), axis),
        tolerance: 0,
      },
      {
        label: `int32 gather ${label}`,
        run: () => tf.gather(tf.tensor(x, shape).toInt(), tf.tensor(indices, indicesShape, 'int32'), axis),
        tolerance: 0,
      },
    ]),
  );
});

test('addN on native matches cpu exactly', { skip }, async () => {
  const rng = new Rng('native-kernels/add-n');
  const cases = [
    [1, [33, 17]],
    [2, [33, 17]],
    [5, [33, 17]],
    [3, [300, 300]],
    [2, [0, 4]],
  ].map(([count, shape]): Case => {
    const inputs = Array.from({ length: count as number }, () => randomValues(shape as number[], rng));
    return {
      label: `addN of ${count} ${show(shape as number[])}`,
      run: () => tf.addN(inputs.map((x) => tf.tensor(x, shape as number[]))),
      tolerance: 0,
    };
  });
  await assertNativeMatchesCpu(cases);
});

/** Large inputs for every native kernel family, so that each one runs split across the threads. */
function largeOutputs(): tf.TypedArray[] {
  return tf.tidy(() => {
    const rng = new Rng('native-kernels/threads');
    const x = tf.tensor(randomValues([300, 260], rng), [300, 260]);
    const row = tf.tensor(randomValues([260], rng), [260]);
    const column = tf.tensor(randomValues([300, 1], rng), [300, 1]);
    const ids = tf.tensor(Int32Array.from({ length: 5000 }, () => rng.int(300)), [5000], 'int32');
    return [
      tf.mul(x, row),
      tf.add(x, column),
      tf.exp(x),
      tf.sum(x, 0),
      tf.sum(x, 1),
      tf.mean(x.reshape([30, 10, 260]), 1),
      tf.max(x, 1),
      tf.softmax(x),
      tf.transpose(x),
      tf.transpose(x.reshape([30, 10, 260]), [1, 0, 2]),
      tf.gather(x, ids),
      tf.addN([x, x, x]),
    ].map((t) => t.dataSync());
  });
}

test('native kernels give the same bits on 1, 2 and 3 threads', { skip }, async () => {
  await useNative();
  const addon = nativeAddon();
  const initial = addon.info().threads;
  const runs: tf.TypedArray[][] = [];
  try {
    for (const threads of [1, 2, 3]) {
      addon.setThreads(threads);
      runs.push(largeOutputs());
    }
  } finally {
    addon.setThreads(initial);
  }
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
});

/** A SASRec-like block: embedding gather, attention (matMul, scale, softmax), relu, residual, layer norm, loss. */
function attentionGradients(): Float32Array[] {
  return tf.tidy(() => {
    const rng = new Rng('native-kernels/gradients');
    const param = (shape: number[], scale: number) =>
      tf.tensor(Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal() * scale), shape);
    const [batch, length, dim, items] = [3, 6, 8, 20];
    const ids = tf.tensor(Int32Array.from({ length: batch * length }, () => rng.int(items)), [batch, length], 'int32');
    const params = [param([items, dim], 0.5), param([dim, dim], 0.3), param([dim, dim], 0.3), param([dim], 0.1), param([dim], 1), param([dim], 0.1)];
    const loss = (table: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, bias: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const x = tf.mul(tf.gather(table, ids), Math.sqrt(dim));
      const flat = x.reshape([batch * length, dim]);
      const q = tf.add(tf.matMul(flat, wq), bias).reshape([batch, length, dim]);
      const k = tf.matMul(flat, wk).reshape([batch, length, dim]);
      const attention = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dim)));
      const h = tf.add(tf.relu(tf.matMul(attention, x)), x);
      const mean = tf.mean(h, -1, true);
      const centered = tf.sub(h, mean);
      const variance = tf.mean(tf.square(centered), -1, true);
      const normed = tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, 1e-8))), gamma), beta);
      const logits = tf.sum(tf.mul(normed, tf.gather(table, ids.reverse(1))), -1);
      return tf.mean(tf.softplus(tf.neg(logits)));
    };
    return tf.grads(loss)(params).map((g) => g.dataSync() as Float32Array);
  });
}

test('gradients of a SASRec-like block on native match cpu within 1e-4 and leave no tensor behind', { skip }, async () => {
  await useCpu();
  const want = attentionGradients();
  await useNative();
  const got = attentionGradients();
  got.forEach((g, i) => {
    assert.equal(g.length, want[i].length);
    g.forEach((v, p) => assert.ok(Math.abs(v - want[i][p]) <= 1e-4 * Math.max(1, Math.abs(want[i][p])), `gradient ${i} [${p}]: ${v} vs ${want[i][p]}`));
  });
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  attentionGradients();
  attentionGradients();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.engine().backend.numDataIds(), buffers);
});

test('the native backend registers a native kernel for each op family', { skip }, async () => {
  await useNative();
  const names = nativeKernelConfigs(nativeAddon()).map((config) => config.kernelName);
  const expected = [
    ...['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'Pow'],
    ...['Neg', 'Floor', 'Step', 'Relu', 'Sqrt', 'Rsqrt', 'Square', 'Exp', 'Log', 'Sigmoid', 'Tanh', 'Abs', 'Softplus', 'Reciprocal'],
    ...['Sum', 'Mean', 'Max', 'Softmax', 'Transpose', 'GatherV2', 'AddN', 'BatchMatMul', 'UnsortedSegmentSum', 'TopK'],
    ...['Slice', 'SplitV', 'Unpack', 'PadV2', 'Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'],
  ];
  assert.deepEqual([...names].sort(), [...expected].sort());
  for (const name of names) {
    assert.notEqual(tf.getKernel(name, 'native')?.kernelFunc, tf.getKernel(name, 'cpu')?.kernelFunc, name);
  }
});

test('the addon rejects arguments that do not describe their arrays', { skip }, () => {
  const addon = nativeAddon();
  const f = (n: number) => new Float32Array(n);
  const throwsRange = (call: () => unknown) => assert.throws(call, RangeError);
  throwsRange(() => addon.binary('add', f(6), [2, 3], f(2), [2], f(6), [2, 3])); // [2] does not broadcast to [2, 3]
  throwsRange(() => addon.binary('add', f(6), [2, 3], f(3), [3], f(6), [3, 3])); // not the broadcast shape
  throwsRange(() => addon.binary('add', f(5), [2, 3], f(3), [3], f(6), [2, 3])); // a's length
  const shared = f(6);
  throwsRange(() => addon.binary('add', shared, [2, 3], f(3), [3], shared, [2, 3])); // out is an input
  throwsRange(() => addon.binary('nope' as 'add', f(1), [], f(1), [], f(1), []));
  throwsRange(() => addon.unary('neg', f(4), f(3), 0));
  throwsRange(() => addon.reduce('sum', f(6), [2, 3], [1, 1], f(2))); // repeated axis
  throwsRange(() => addon.reduce('sum', f(6), [2, 3], [2], f(2))); // axis out of range
  throwsRange(() => addon.reduce('sum', f(6), [2, 3], [1], f(3))); // out's length
  throwsRange(() => addon.transpose(f(6), [2, 3], [0], f(6))); // not a permutation
  throwsRange(() => addon.transpose(f(6), [2, 3], [1, 0], new Int32Array(6) as unknown as Float32Array)); // types differ
  throwsRange(() => addon.softmax(f(6), 2, 4, f(6)));
  throwsRange(() => addon.gather(f(6), new Int32Array([0]), 1, 3, 3, f(3))); // x's length
  throwsRange(() => addon.addN([f(3), f(4)], f(3)));
  assert.throws(() => addon.unary('neg', new Int32Array(3) as unknown as Float32Array, f(3), 0), TypeError);
  assert.equal(addon.gather(f(6), new Int32Array([1, 2, 0]), 1, 2, 3, f(9)), 1); // the position of the bad index
});
