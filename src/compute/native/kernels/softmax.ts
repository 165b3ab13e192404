import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

/** Softmax along the last axis of a float32 tensor; anything else goes to the cpu kernel (which rejects other axes). */
export function softmaxConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.Softmax);
  const kernelFunc: tf.KernelFunc = (args) => {
    const { logits } = args.inputs as tf.SoftmaxInputs;
    const { dim } = args.attrs as unknown as tf.SoftmaxAttrs;
    if (!logits) throw new Error('Softmax needs input logits');
    const rank = logits.shape.length;
    if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback(args);
    const out = new Float32Array(tf.util.sizeFromShape(logits.shape));
    const rows = tf.util.sizeFromShape(logits.shape.slice(0, -1));
    addon.softmax(float32Of(args.backend, logits), rows, logits.shape[rank - 1], out);
    return output(args.backend, logits.shape, 'float32', out);
  };
  return { kernelName: tf.Softmax, backendName: 'native', kernelFunc };
}
