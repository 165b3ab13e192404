import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The typed array behind a tensor of the native (cpu-derived) backend, read in place. */
export function valuesOf(backend: unknown, info: tf.TensorInfo): tf.backend_util.BackendValues {
  return (backend as MathBackendCPU).data.get(info.dataId).values as tf.backend_util.BackendValues;
}

/**
 * A float32 tensor's values as a Float32Array. The cpu kernels do not always store the array type of the
 * dtype (a bool tensor cast to float32 keeps its Uint8Array): such data is converted (a copy).
 */
export function float32Of(backend: unknown, info: tf.TensorInfo): Float32Array {
  const values = valuesOf(backend, info);
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values)) return Float32Array.from(values as ArrayLike<number>);
  throw new Error(`native kernel: expected numeric data for a ${info.dtype} tensor`);
}

/** Hands a freshly written array to the backend as a new tensor, without copying it. */
export function output(backend: unknown, shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo {
  return (backend as MathBackendCPU).makeTensorInfo(shape, dtype, values);
}

/** The cpu backend's kernel for `name`: the fallback for dtypes or cases a native kernel does not take. */
export function cpuKernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`native backend: the cpu backend has no ${name} kernel to fall back on`);
  return config.kernelFunc;
}

/**
 * A float32 or int32 tensor's values as its dtype's array (float32 converted as by float32Of), for kernels
 * that only move elements; undefined for other dtypes, or int32 data not held in an Int32Array.
 */
export function wordsOf(backend: unknown, info: tf.TensorInfo): Float32Array | Int32Array | undefined {
  if (info.dtype === 'float32') return float32Of(backend, info);
  const values = valuesOf(backend, info);
  return info.dtype === 'int32' && values instanceof Int32Array ? values : undefined;
}
