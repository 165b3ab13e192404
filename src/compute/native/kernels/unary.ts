import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon, UnaryOpName } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

const UNARY_OPS: readonly (readonly [string, UnaryOpName])[] = [
  [tf.Neg, 'neg'],
  [tf.Floor, 'floor'],
  [tf.Step, 'step'],
  [tf.Relu, 'relu'],
  [tf.Sqrt, 'sqrt'],
  [tf.Rsqrt, 'rsqrt'],
  [tf.Square, 'square'],
  [tf.Exp, 'exp'],
  [tf.Log, 'log'],
  [tf.Sigmoid, 'sigmoid'],
  [tf.Tanh, 'tanh'],
  [tf.Abs, 'abs'],
  [tf.Softplus, 'softplus'],
  [tf.Reciprocal, 'reciprocal'],
];

/** The float32 elementwise unary ops; other dtypes go to the cpu kernels. */
export function unaryConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return UNARY_OPS.map(([kernelName, op]) => {
    const fallback = cpuKernel(kernelName);
    const kernelFunc: tf.KernelFunc = (args) => {
      const { x } = args.inputs as tf.UnaryInputs;
      if (!x) throw new Error(`${kernelName} needs input x`);
      if (x.dtype !== 'float32') return fallback(args);
      // Only Step has an attribute.
      const alpha = (args.attrs as Partial<tf.StepAttrs> | undefined)?.alpha ?? 0;
      const out = new Float32Array(tf.util.sizeFromShape(x.shape));
      addon.unary(op, float32Of(args.backend, x), out, alpha);
      return output(args.backend, x.shape, 'float32', out);
    };
    return { kernelName, backendName: 'native', kernelFunc };
  });
}
