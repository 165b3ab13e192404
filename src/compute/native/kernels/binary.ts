import * as tf from '@tensorflow/tfjs-core';
import type { BinaryOpName, NativeAddon } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

const BINARY_OPS: readonly (readonly [string, BinaryOpName])[] = [
  [tf.Add, 'add'],
  [tf.Sub, 'sub'],
  [tf.Multiply, 'mul'],
  [tf.RealDiv, 'div'],
  [tf.Maximum, 'max'],
  [tf.Minimum, 'min'],
  [tf.SquaredDifference, 'squaredDifference'],
  [tf.Pow, 'pow'],
];

/** The float32 binary ops, with numpy broadcasting; other dtypes (int32, bool, complex) go to the cpu kernels. */
export function binaryConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return BINARY_OPS.map(([kernelName, op]) => {
    const fallback = cpuKernel(kernelName);
    const kernelFunc: tf.KernelFunc = (args) => {
      const { a, b } = args.inputs as tf.BinaryInputs;
      if (!a || !b) throw new Error(`${kernelName} needs inputs a and b`);
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = new Float32Array(tf.util.sizeFromShape(shape));
      addon.binary(op, float32Of(args.backend, a), a.shape, float32Of(args.backend, b), b.shape, out, shape);
      return output(args.backend, shape, 'float32', out);
    };
    return { kernelName, backendName: 'native', kernelFunc };
  });
}
