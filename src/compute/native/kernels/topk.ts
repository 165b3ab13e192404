import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

/**
 * TopK along the last axis of a float32 tensor (the evaluator's ranking of every item): always sorted, ties
 * by lower index first, which is also a valid answer when `sorted` is false. Other dtypes go to the cpu kernel.
 */
export function topKConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.TopK);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as tf.TopKInputs;
    const { k } = args.attrs as unknown as tf.TopKAttrs;
    if (!x) throw new Error('TopK needs input x');
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank === 0) return fallback(args);
    const cols = x.shape[rank - 1];
    if (k > cols) throw new Error(`TopK: k (${k}) must not exceed the last dimension (${cols})`);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
    const values = new Float32Array(rows * k);
    const indices = new Int32Array(rows * k);
    addon.topk(float32Of(args.backend, x), rows, cols, k, values, indices);
    const shape = [...x.shape.slice(0, -1), k];
    return [output(args.backend, shape, 'float32', values), output(args.backend, shape, 'int32', indices)];
  };
  return { kernelName: tf.TopK, backendName: 'native', kernelFunc };
}
