import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs'; // registers the gradients (tfjs-core alone has none)
import '@tensorflow/tfjs-backend-wasm';
import { registerMemrecKernels } from '../../src/compute/kernels';
import { unsortedSegmentSumConfigs } from '../../src/compute/kernels/unsorted-segment-sum';
import { Rng } from '../../src/random/streams';

const BACKENDS = ['cpu', 'wasm'] as const;

before(() => {
  tf.env().set('PROD', true);
  registerMemrecKernels(); // already ran on import; a second call must be a no-op
});

async function use(backend: string): Promise<void> {
  assert.equal(await tf.setBackend(backend), true, `backend ${backend} did not start`);
  await tf.ready();
}

type Values = Float32Array | Int32Array;

interface Case {
  x: Values;
  xShape: number[];
  ids: Int32Array;
  idsShape: number[];
  numSegments: number;
}

/**
 * The plain reference: buckets the rows by segment first (ascending row order within each), then sums each
 * bucket, rounding to float32 after every addition as the kernel does, so results must match exactly.
 */
function reference({ x, xShape, ids, idsShape, numSegments }: Case): { shape: number[]; values: Values } {
  const rest = xShape.slice(idsShape.length);
  const rowSize = rest.reduce((a, b) => a * b, 1);
  const buckets: number[][] = Array.from({ length: numSegments }, () => []);
  ids.forEach((s, row) => {
    if (s >= 0 && s < numSegments) buckets[s].push(row);
  });
  const values = x instanceof Int32Array ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
  for (let s = 0; s < numSegments; s++) {
    for (let j = 0; j < rowSize; j++) {
      let sum = 0;
      for (const row of buckets[s]) {
        sum = x instanceof Int32Array ? (sum + x[row * rowSize + j]) | 0 : Math.fround(sum + x[row * rowSize + j]);
      }
      values[s * rowSize + j] = sum;
    }
  }
  return { shape: [numSegments, ...rest], values };
}

/** Runs the op on the active backend; checks it leaves no tensor or backend buffer behind. */
function run({ x, xShape, ids, idsShape, numSegments }: Case): { shape: number[]; values: Values } {
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const xt = tf.tensor(x, xShape, x instanceof Int32Array ? 'int32' : 'float32');
  const idt = tf.tensor(ids, idsShape, 'int32');
  const out = tf.unsortedSegmentSum(xt, idt as tf.Tensor1D, numSegments); // any prefix shape works, whatever the type says
  const result = { shape: out.shape, values: out.dataSync() as Values };
  tf.dispose([xt, idt, out]);
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.equal(tf.engine().backend.numDataIds(), buffersBefore);
  return result;
}

function check(c: Case, label: string): void {
  const got = run(c);
  const want = reference(c);
  assert.deepEqual(got.shape, want.shape, label);
  assert.equal(got.values.constructor, want.values.constructor, label);
  assert.deepEqual(got.values, want.values, label);
}

/** Ids with repeats, and about 1 in 20 out of range (negative or >= numSegments), which must be dropped. */
function randomIds(rng: Rng, n: number, numSegments: number): Int32Array {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    ids[i] = u < 0.025 ? -1 - rng.int(3) : u < 0.05 ? numSegments + rng.int(3) : rng.int(numSegments);
  }
  return ids;
}

function randomFloats(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

test('registration replaces the stock cpu kernel, adds the wasm one, and is idempotent', () => {
  registerMemrecKernels();
  for (const config of unsortedSegmentSumConfigs) {
    assert.equal(tf.getKernel(config.kernelName, config.backendName)?.kernelFunc, config.kernelFunc);
  }
  assert.deepEqual(unsortedSegmentSumConfigs.map((c) => c.backendName).sort(), [...BACKENDS]);
});

for (const backend of BACKENDS) {
  test(`${backend}: UnsortedSegmentSum matches the reference on random shapes`, async () => {
    await use(backend);
    const rng = new Rng(`unsorted-segment-sum/${backend}`);
    const rests = [[], [3], [4, 5]];
    for (let trial = 0; trial < 60; trial++) {
      const n = trial === 0 ? 0 : rng.int(501);
      const rest = rests[trial % rests.length];
      const numSegments = 1 + rng.int(50);
      const xShape = [n, ...rest];
      const c = { x: randomFloats(rng, sizeOf(xShape)), xShape, ids: randomIds(rng, n, numSegments), idsShape: [n], numSegments };
      check(c, `trial ${trial}: x [${xShape}], ${numSegments} segments`);
    }
  });

  test(`${backend}: UnsortedSegmentSum edge shapes, int32, and ids over a multi-dim prefix`, async () => {
    await use(backend);
    const rng = new Rng(`unsorted-segment-sum-edges/${backend}`);
    const floats = (xShape: number[], idsShape: number[], numSegments: number, ids?: number[]): Case => ({
      x: randomFloats(rng, sizeOf(xShape)),
      xShape,
      ids: ids ? Int32Array.from(ids) : randomIds(rng, sizeOf(idsShape), numSegments),
      idsShape,
      numSegments,
    });
    check(floats([0], [0], 4), 'N = 0, rank 1');
    check(floats([0, 3], [0], 2), 'N = 0, rest [3]');
    check(floats([7, 2], [7], 1), 'one segment');
    check(floats([1, 1, 1], [1], 1, [0]), 'all dims of size 1');
    check(floats([5, 1], [5], 3, [-1, 3, 7, -5, 4]), 'every id out of range');
    check(floats([3, 4, 5], [3, 4], 6), 'ids [3, 4] over x [3, 4, 5]');
    check(floats([3, 4], [3, 4], 6), 'ids with the full shape of x');
    const n = 200;
    const ints = Int32Array.from({ length: n * 3 }, () => rng.int(2001) - 1000);
    check({ x: ints, xShape: [n, 3], ids: randomIds(rng, n, 9), idsShape: [n], numSegments: 9 }, 'int32');
  });

  test(`${backend}: UnsortedSegmentSum rejects ids whose shape is not a prefix of x's`, async () => {
    await use(backend);
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 1], 'int32');
    assert.throws(() => tf.unsortedSegmentSum(x, ids, 2), /not a prefix/);
    tf.dispose([x, ids]);
  });

  test(`${backend}: UnsortedSegmentSum with 23,715 segments x 64 dims and 6,400 rows`, async () => {
    await use(backend);
    const rng = new Rng(`unsorted-segment-sum-large/${backend}`);
    const rows = 6400;
    const numSegments = 23715;
    const xShape = [rows, 64];
    check({ x: randomFloats(rng, sizeOf(xShape)), xShape, ids: randomIds(rng, rows, numSegments), idsShape: [rows], numSegments }, 'large');
  });
}

test('the gradient of tf.gather on wasm equals the one on cpu', async () => {
  const rng = new Rng('unsorted-segment-sum-gather-grad');
  const numItems = 40;
  const dim = 8;
  const embValues = randomFloats(rng, numItems * dim);
  const idxValues = Int32Array.from({ length: 90 }, () => rng.int(numItems)); // repeats, some items unused
  const wValues = randomFloats(rng, idxValues.length * dim);

  const gradient = async (backend: string): Promise<Float32Array> => {
    await use(backend);
    const tensorsBefore = tf.memory().numTensors;
    const emb = tf.tensor2d(embValues, [numItems, dim]);
    const idx = tf.tensor1d(idxValues, 'int32');
    const w = tf.tensor2d(wValues, [idxValues.length, dim]);
    const g = tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, idx), w)))(emb);
    assert.deepEqual(g.shape, [numItems, dim]);
    const values = g.dataSync() as Float32Array;
    tf.dispose([emb, idx, w, g]);
    assert.equal(tf.memory().numTensors, tensorsBefore);
    return values;
  };

  const cpu = await gradient('cpu');
  const wasm = await gradient('wasm');
  assert.deepEqual(wasm, cpu);
  // d/d emb[s] of sum(gather(emb, idx) * w) is the sum of the w rows whose idx is s.
  const want = reference({ x: wValues, xShape: [idxValues.length, dim], ids: idxValues, idsShape: [idxValues.length], numSegments: numItems });
  assert.deepEqual(cpu, want.values);
});
