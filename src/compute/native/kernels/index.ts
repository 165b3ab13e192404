import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { batchMatMulConfig } from './matmul';
import { unsortedSegmentSumConfig } from './segment-sum';

/** Every kernel the native backend runs in C++ (the rest are the cpu backend's). */
export function nativeKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [batchMatMulConfig(addon), unsortedSegmentSumConfig(addon)];
}
