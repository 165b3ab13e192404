import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

/** AddN (gradient accumulation) of float32 tensors; other dtypes go to the cpu kernel. */
export function addNConfig(addon: NativeAddon): tf.KernelConfig {
  const fallback = cpuKernel(tf.AddN);
  const kernelFunc: tf.KernelFunc = (args) => {
    // AddN's inputs are an array, passed where other kernels take a map.
    const inputs = args.inputs as unknown as tf.AddNInputs;
    if (inputs.length === 0 || inputs.some((t) => t.dtype !== 'float32')) return fallback(args);
    const shape = inputs[0].shape;
    const out = new Float32Array(tf.util.sizeFromShape(shape));
    addon.addN(inputs.map((t) => float32Of(args.backend, t)), out);
    return output(args.backend, shape, 'float32', out);
  };
  return { kernelName: tf.AddN, backendName: 'native', kernelFunc };
}
