import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs-wasm 4.22's BatchMatMul is 7 to 12 times slower when either transpose flag is set than on the same
 * product with its operand laid out plainly (measured: [6400,50] x [50,23715] 1.2 s plain against 8.4 s
 * transposed). Every gradient of a matMul and every "scores against the item table" product sets a flag, so
 * this wrapper transposes the flagged operand with wasm's own Transpose kernel (a copy, a few ms) and runs
 * the plain product. The values are the same products summed in the same order, only read from another layout.
 */
function withPlainLayout(batchMatMul: tf.KernelFunc, transpose: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as tf.BatchMatMulInputs;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return batchMatMul({ inputs, backend, attrs });
    const temporaries: tf.TensorInfo[] = [];
    const flip = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const flipped = transpose({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temporaries.push(flipped);
      return flipped;
    };
    if (!a || !b) throw new Error('BatchMatMul needs inputs a and b');
    const plainInputs = { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b };
    const out = batchMatMul({ inputs: plainInputs, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
    return out;
  };
}

const wrapped = new WeakSet<tf.KernelFunc>();

/** Wraps wasm's BatchMatMul once it is registered (after `@tensorflow/tfjs-backend-wasm` is loaded). Idempotent. */
export function registerWasmMatMulLayout(): void {
  const current = tf.getKernel(tf.BatchMatMul, 'wasm');
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (!current || !transpose || wrapped.has(current.kernelFunc)) return;
  const kernelFunc = withPlainLayout(current.kernelFunc, transpose.kernelFunc);
  wrapped.add(kernelFunc);
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...current, kernelFunc });
}
