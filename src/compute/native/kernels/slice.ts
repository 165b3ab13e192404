import * as tf from '@tensorflow/tfjs-core';
import { cpuKernel, output, wordsOf } from './tensor-data';

type Words = Float32Array | Int32Array;

/** Below this many elements a run is copied element by element (a subarray costs more than it saves). */
const SHORT_RUN = 16;

/**
 * Copies the block `size` that starts at `srcBegin` in src [srcShape] to `dstBegin` in dst [dstShape] (all of
 * one rank), as whole contiguous runs: the trailing dimensions the block spans entirely in both arrays are one
 * run with the innermost dimension it does not. Values are moved, never computed, so the bits are src's.
 */
export function copyBlock(
  src: Words,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dst: Words,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (size.some((n) => n === 0)) return;
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  let inner = rank - 1;
  let run = rank === 0 ? 1 : size[inner];
  while (inner > 0 && size[inner] === srcShape[inner] && size[inner] === dstShape[inner]) {
    inner--;
    run *= size[inner];
  }
  let srcAt = 0;
  let dstAt = 0;
  for (let d = 0; d < rank; d++) {
    srcAt += srcBegin[d] * srcStrides[d];
    dstAt += dstBegin[d] * dstStrides[d];
  }
  // an odometer over the dimensions outside the run
  const index = new Array<number>(Math.max(inner, 0)).fill(0);
  for (;;) {
    if (run < SHORT_RUN) for (let i = 0; i < run; i++) dst[dstAt + i] = src[srcAt + i];
    else dst.set(src.subarray(srcAt, srcAt + run), dstAt);
    let d = inner - 1;
    while (d >= 0 && index[d] === size[d] - 1) {
      srcAt -= index[d] * srcStrides[d];
      dstAt -= index[d] * dstStrides[d];
      index[d] = 0;
      d--;
    }
    if (d < 0) return;
    index[d]++;
    srcAt += srcStrides[d];
    dstAt += dstStrides[d];
  }
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

function emptyLike(values: Words, size: number): Words {
  return values instanceof Float32Array ? new Float32Array(size) : new Int32Array(size);
}

/** x [shape]'s block `size` at `begin`, a new tensor of shape `outShape` (size, or size less a unit axis). */
function sliceOf(backend: unknown, x: tf.TensorInfo, values: Words, begin: number[], size: number[], outShape: number[]): tf.TensorInfo {
  const out = emptyLike(values, tf.util.sizeFromShape(size));
  copyBlock(values, x.shape, begin, out, size, size.map(() => 0), size);
  return output(backend, outShape, x.dtype, out);
}

/**
 * Slice, SplitV, Unpack and PadV2 of float32 and int32 tensors as copies of contiguous runs, where tfjs-cpu
 * moves each element through index arithmetic in JS (a recurrent layer's per-step slices and their gradients
 * were most of its training step). A contiguous slice stays tfjs-cpu's (a view, no copy); other dtypes too.
 */
export function sliceConfigs(): tf.KernelConfig[] {
  const cpuSlice = cpuKernel(tf.Slice);
  const slice: tf.KernelFunc = (args) => {
    const { x } = args.inputs as tf.SliceInputs;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    if (!x) throw new Error('Slice needs input x');
    const [$begin, $size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    tf.slice_util.assertParamsValid(x as tf.TensorInfo as tf.Tensor, $begin, $size);
    const values = wordsOf(args.backend, x);
    if (!values || tf.slice_util.isSliceContinous(x.shape, $begin, $size)) return cpuSlice(args);
    return sliceOf(args.backend, x, values, $begin, $size, $size);
  };

  const cpuSplitV = cpuKernel(tf.SplitV);
  const splitV: tf.KernelFunc = (args) => {
    const { x } = args.inputs as tf.SplitVInputs;
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    if (!x) throw new Error('SplitV needs input x');
    const values = wordsOf(args.backend, x);
    if (!values) return cpuSplitV(args);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.TensorInfo as tf.Tensor, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((width) => {
      const size = [...x.shape];
      size[$axis] = width;
      const part = sliceOf(args.backend, x, values, [...begin], size, size);
      begin[$axis] += width;
      return part;
    });
  };

  const cpuUnpack = cpuKernel(tf.Unpack);
  const unpack: tf.KernelFunc = (args) => {
    const { value } = args.inputs as tf.UnpackInputs;
    const { axis } = args.attrs as unknown as tf.UnpackAttrs;
    if (!value) throw new Error('Unpack needs input value');
    const values = wordsOf(args.backend, value);
    if (!values) return cpuUnpack(args);
    const $axis = axis < 0 ? axis + value.shape.length : axis;
    const size = [...value.shape];
    size[$axis] = 1;
    const outShape = value.shape.filter((_, d) => d !== $axis);
    const begin = new Array<number>(value.shape.length).fill(0);
    return Array.from({ length: value.shape[$axis] }, (_, i) => {
      begin[$axis] = i;
      return sliceOf(args.backend, value, values, begin, size, outShape);
    });
  };

  const cpuPad = cpuKernel(tf.PadV2);
  const padV2: tf.KernelFunc = (args) => {
    const { x } = args.inputs as tf.PadV2Inputs;
    const { paddings, constantValue } = args.attrs as unknown as tf.PadV2Attrs;
    if (!x) throw new Error('PadV2 needs input x');
    const values = wordsOf(args.backend, x);
    if (!values) return cpuPad(args);
    const outShape = paddings.map(([before, after], d) => before + x.shape[d] + after);
    const out = emptyLike(values, tf.util.sizeFromShape(outShape));
    if (constantValue !== 0) out.fill(constantValue);
    copyBlock(values, x.shape, x.shape.map(() => 0), out, outShape, paddings.map(([before]) => before), x.shape);
    return output(args.backend, outShape, x.dtype, out);
  };

  return [
    { kernelName: tf.Slice, backendName: 'native', kernelFunc: slice },
    { kernelName: tf.SplitV, backendName: 'native', kernelFunc: splitV as unknown as tf.KernelFunc },
    { kernelName: tf.Unpack, backendName: 'native', kernelFunc: unpack as unknown as tf.KernelFunc },
    { kernelName: tf.PadV2, backendName: 'native', kernelFunc: padV2 },
  ];
}
