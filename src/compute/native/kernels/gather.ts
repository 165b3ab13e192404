import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, output, valuesOf, wordsOf } from './tensor-data';

/**
 * GatherV2 with batchDims 0 along any axis, of float32 or int32 values by int32 indices; an index out of range
 * throws tfjs-cpu's error. Other cases go to the cpu kernel.
 */
export function gatherV2Config(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.GatherV2);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, indices } = args.inputs as tf.GatherV2Inputs;
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    if (!x || !indices) throw new Error('GatherV2 needs inputs x and indices');
    const ids = valuesOf(args.backend, indices);
    if ((batchDims ?? 0) !== 0 || !(ids instanceof Int32Array)) return fallback(args);
    const values = wordsOf(args.backend, x);
    if (!values) return fallback(args);
    const [dim] = tf.util.parseAxisParam(axis, x.shape);
    const outer = tf.util.sizeFromShape(x.shape.slice(0, dim));
    const slice = tf.util.sizeFromShape(x.shape.slice(dim + 1));
    const shape = [...x.shape.slice(0, dim), ...indices.shape, ...x.shape.slice(dim + 1)];
    const size = outer * ids.length * slice;
    const out = values instanceof Float32Array ? new Float32Array(size) : new Int32Array(size);
    const bad = addon.gather(values, ids, outer, x.shape[dim], slice, out);
    if (bad >= 0) throw new Error(`GatherV2: the index value ${ids[bad]} is not in [0, ${x.shape[dim] - 1}]`);
    return output(args.backend, shape, x.dtype, out);
  };
  return { kernelName: tf.GatherV2, backendName: 'native', kernelFunc };
}
