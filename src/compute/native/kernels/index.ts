import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon';
import { addNConfig } from './add-n';
import { binaryConfigs } from './binary';
import { compareConfigs } from './compare';
import { gatherV2Config } from './gather';
import { batchMatMulConfig } from './matmul';
import { reduceConfigs } from './reduce';
import { unsortedSegmentSumConfig } from './segment-sum';
import { sliceConfigs } from './slice';
import { softmaxConfig } from './softmax';
import { topKConfig } from './topk';
import { transposeConfig } from './transpose';
import { unaryConfigs } from './unary';

/** Every kernel the native backend runs in C++ (the rest are the cpu backend's). */
export function nativeKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [
    batchMatMulConfig(addon),
    unsortedSegmentSumConfig(addon),
    ...binaryConfigs(addon),
    ...compareConfigs(),
    ...unaryConfigs(addon),
    addNConfig(addon),
    ...reduceConfigs(addon),
    softmaxConfig(addon),
    ...sliceConfigs(),
    transposeConfig(addon),
    gatherV2Config(addon),
    topKConfig(addon),
  ];
}
