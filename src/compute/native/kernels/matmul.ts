import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

/**
 * BatchMatMul: [...batch, m, k] x [...batch, k, n] with either operand transposed, and a batch of 1 on
 * either side broadcast, as tfjs-cpu does. Other dtypes go to the cpu kernel.
 */
export function batchMatMulConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.BatchMatMul);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as tf.BatchMatMulInputs;
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!a || !b) throw new Error('BatchMatMul needs inputs a and b');
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kB) throw new Error(`BatchMatMul: inner dimensions ${k} and ${kB} of [${a.shape}] and [${b.shape}] differ`);
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(outerA);
    const batchB = tf.util.sizeFromShape(outerB);
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
      throw new Error(`BatchMatMul: batch dimensions of [${a.shape}] and [${b.shape}] do not broadcast`);
    }
    const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const out = new Float32Array(Math.max(batchA, batchB) * m * n);
    addon.matmul(float32Of(args.backend, a), float32Of(args.backend, b), out, batchA, batchB, m, k, n, transposeA, transposeB);
    return output(args.backend, [...outer, m, n], 'float32', out);
  };
  return { kernelName: tf.BatchMatMul, backendName: 'native', kernelFunc };
}
