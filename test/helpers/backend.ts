import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../src/compute/kernels';
import { registerWasmMatMulLayout } from '../../src/compute/kernels/wasm-matmul-layout';

/** Tests run on the cpu backend unless they say otherwise (deterministic and always available). */
export async function useCpu(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
}

/** The wasm backend, for tests of training speed-sensitive behaviour on the default backend. */
export async function useWasm(): Promise<void> {
  require('@tensorflow/tfjs-backend-wasm');
  registerWasmMatMulLayout();
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  await tf.ready();
}
