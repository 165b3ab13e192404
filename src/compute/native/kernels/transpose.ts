import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, output, wordsOf } from './tensor-data';

/** Transpose of float32 and int32 tensors by any permutation; other dtypes go to the cpu kernel. */
export function transposeConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.Transpose);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as tf.TransposeInputs;
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    if (!x) throw new Error('Transpose needs input x');
    const shape = perm.map((axis) => x.shape[axis]);
    const values = wordsOf(args.backend, x);
    if (!values) return fallback(args);
    const size = tf.util.sizeFromShape(x.shape);
    const out = values instanceof Float32Array ? new Float32Array(size) : new Int32Array(size);
    addon.transpose(values, x.shape, perm, out);
    return output(args.backend, shape, x.dtype, out);
  };
  return { kernelName: tf.Transpose, backendName: 'native', kernelFunc };
}
