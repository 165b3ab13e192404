import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { NATIVE_BACKEND, type NativeAddon } from './addon';
import { nativeKernelConfigs } from './kernels';

/**
 * The `native` backend: tfjs's cpu backend (tensors live in JS typed arrays, which the addon reads and writes
 * without copies) with the hot kernels replaced by the addon's threaded C++ ones. Every cpu kernel is
 * registered under `native` too, so an op without a native kernel still runs, at cpu speed; the profile in
 * `make bench` shows which those are. Idempotent.
 */
export function registerNativeBackend(addon: NativeAddon): void {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  tf.registerBackend(NATIVE_BACKEND, () => new MathBackendCPU(), 0);
  const native = nativeKernelConfigs(addon);
  const replaced = new Set(native.map((k) => k.kernelName));
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!replaced.has(config.kernelName)) tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
  }
  for (const config of native) tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
}
