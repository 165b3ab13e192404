import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon, ReduceOpName } from '../addon';
import { cpuKernel, float32Of, output } from './tensor-data';

/** The reductions; each kernel's attributes name its axes differently. */
const REDUCE_OPS: readonly (readonly [string, ReduceOpName, (attrs: tf.NamedAttrMap) => number | number[]])[] = [
  [tf.Sum, 'sum', (attrs) => (attrs as unknown as tf.SumAttrs).axis],
  [tf.Mean, 'mean', (attrs) => (attrs as unknown as tf.MeanAttrs).axis],
  [tf.Max, 'max', (attrs) => (attrs as unknown as tf.MaxAttrs).reductionIndices],
];

/** Sum, Mean and Max of float32 tensors over any axes, keepDims either way; other dtypes go to the cpu kernels. */
export function reduceConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return REDUCE_OPS.map(([kernelName, op, axisOf]) => {
    const fallback = cpuKernel(kernelName);
    const kernelFunc: tf.KernelFunc = (args) => {
      const { x } = args.inputs as tf.SumInputs;
      if (!x) throw new Error(`${kernelName} needs input x`);
      if (x.dtype !== 'float32') return fallback(args);
      const axes = tf.util.parseAxisParam(axisOf(args.attrs ?? {}), x.shape);
      const [outShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
      const out = new Float32Array(tf.util.sizeFromShape(outShape));
      addon.reduce(op, float32Of(args.backend, x), x.shape, axes, out);
      const keepDims = (args.attrs as unknown as tf.SumAttrs).keepDims;
      const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return output(args.backend, shape, 'float32', out);
    };
    return { kernelName, backendName: 'native', kernelFunc };
  });
}
