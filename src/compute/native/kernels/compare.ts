import * as tf from '@tensorflow/tfjs-core';
import { cpuKernel, output, wordsOf } from './tensor-data';

type Test = (a: number, b: number) => boolean;

const COMPARISONS: readonly (readonly [string, Test])[] = [
  [tf.Equal, (a, b) => a === b],
  [tf.NotEqual, (a, b) => a !== b],
  [tf.Greater, (a, b) => a > b],
  [tf.GreaterEqual, (a, b) => a >= b],
  [tf.Less, (a, b) => a < b],
  [tf.LessEqual, (a, b) => a <= b],
];

/** Row-major strides of `shape` aligned on the right with `outShape`, 0 where it is broadcast. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const o = d + outShape.length - shape.length;
    strides[o] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d];
  }
  return strides;
}

/**
 * The comparisons of float32 or int32 tensors (a bool tensor out) with numpy broadcasting, a row at a time
 * with running offsets, where tfjs-cpu maps each broadcast element's index to coordinates and back (the
 * gradient of max over a [batch, items] matrix was a fifth of MTAM's step). Other dtypes go to the cpu kernels.
 */
export function compareConfigs(): tf.KernelConfig[] {
  return COMPARISONS.map(([kernelName, test]) => {
    const fallback = cpuKernel(kernelName);
    const kernelFunc: tf.KernelFunc = (args) => {
      const { a, b } = args.inputs as tf.BinaryInputs;
      if (!a || !b) throw new Error(`${kernelName} needs inputs a and b`);
      const av = wordsOf(args.backend, a);
      const bv = wordsOf(args.backend, b);
      if (!av || !bv || a.dtype !== b.dtype) return fallback(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = new Uint8Array(tf.util.sizeFromShape(shape));
      if (out.length > 0) compareBroadcast(test, av, a.shape, bv, b.shape, out, shape);
      return output(args.backend, shape, 'bool', out);
    };
    return { kernelName, backendName: 'native', kernelFunc };
  });
}

function compareBroadcast(
  test: Test,
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  out: Uint8Array,
  shape: readonly number[],
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = test(a[0], b[0]) ? 1 : 0;
    return;
  }
  const as = broadcastStrides(aShape, shape);
  const bs = broadcastStrides(bShape, shape);
  const width = shape[rank - 1];
  const [ai, bi] = [as[rank - 1], bs[rank - 1]];
  const index = new Array<number>(rank - 1).fill(0);
  let [aAt, bAt, at] = [0, 0, 0];
  for (;;) {
    for (let j = 0; j < width; j++) out[at + j] = test(a[aAt + j * ai], b[bAt + j * bi]) ? 1 : 0;
    at += width;
    let d = rank - 2;
    while (d >= 0 && index[d] === shape[d] - 1) {
      aAt -= index[d] * as[d];
      bAt -= index[d] * bs[d];
      index[d] = 0;
      d--;
    }
    if (d < 0) return;
    index[d]++;
    aAt += as[d];
    bAt += bs[d];
  }
}
