import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, float32Of, output, valuesOf } from './tensor-data';

/** UnsortedSegmentSum (the gradient of every embedding gather), float32; int32 goes to the cpu kernel. */
export function unsortedSegmentSumConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.UnsortedSegmentSum);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, segmentIds } = args.inputs as tf.UnsortedSegmentSumInputs;
    const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
    if (!x || !segmentIds) throw new Error('UnsortedSegmentSum needs inputs x and segmentIds');
    const ids = valuesOf(args.backend, segmentIds);
    if (x.dtype !== 'float32' || !(ids instanceof Int32Array)) return fallback(args);
    const rest = x.shape.slice(segmentIds.shape.length);
    const inner = tf.util.sizeFromShape(rest);
    const out = new Float32Array(numSegments * inner);
    addon.unsortedSegmentSum(float32Of(args.backend, x), ids, numSegments, inner, out);
    return output(args.backend, [numSegments, ...rest], 'float32', out);
  };
  return { kernelName: tf.UnsortedSegmentSum, backendName: 'native', kernelFunc };
}
