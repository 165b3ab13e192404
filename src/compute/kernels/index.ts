import * as tf from '@tensorflow/tfjs-core';
// The stock cpu kernels must be registered before ours replace them, or importing the package later would undo it.
import '@tensorflow/tfjs-backend-cpu';
import { unsortedSegmentSumConfigs } from './unsorted-segment-sum';

/**
 * Registers memrec's own kernels for the cpu and wasm backends, replacing any already registered under the same
 * name (cpu's UnsortedSegmentSum: one tensor per segment, unusable at 20k items; wasm has none, so the gradient
 * of tf.gather fails there). Idempotent. Registering for wasm does not load the wasm backend.
 */
export function registerMemrecKernels(): void {
  for (const config of unsortedSegmentSumConfigs) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}

// Importing this module is enough (src/compute/backend.ts does), so no backend can be activated before it runs.
registerMemrecKernels();
