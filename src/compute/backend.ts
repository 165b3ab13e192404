import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './kernels';
import { registerWasmMatMulLayout } from './kernels/wasm-matmul-layout';
import { RunError } from '../util/errors';
import type { Reporter } from '../util/reporter';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The tfjs-node packages that provide the `tensorflow` backend, GPU build first. */
const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Loads the native TensorFlow binding; returns the package name, or the reason it could not load. */
function loadTensorflow(): { loaded: string } | { reason: string } {
  const reasons: string[] = [];
  for (const name of NODE_PACKAGES) {
    try {
      require(name);
      return { loaded: name };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      reasons.push(e.code === 'MODULE_NOT_FOUND' ? `${name} is not installed` : `${name}: ${e.message.split('\n')[0]}`);
    }
  }
  return { reason: reasons.join('; ') };
}

async function activate(name: string): Promise<void> {
  if (name === 'wasm') {
    require('@tensorflow/tfjs-backend-wasm');
    registerWasmMatMulLayout();
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    throw new RunError(`backend ${name} failed to initialise: ${(err as Error).message}`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new RunError(`backend ${name} was requested but TensorFlow.js is running on ${tf.getBackend()}`);
  }
}

/**
 * Chooses and activates the TensorFlow.js backend: `auto` takes tensorflow (tfjs-node-gpu / tfjs-node) when
 * it loads, else wasm, else cpu, saying in one line why a faster one was passed over. An explicit choice that
 * cannot be honoured is an error, never a silent fallback. Returns the active backend's name.
 */
export async function selectBackend(choice: BackendChoice, reporter: Reporter): Promise<string> {
  tf.env().set('PROD', true);
  if (choice === 'tensorflow' || choice === 'auto') {
    const native = loadTensorflow();
    if ('loaded' in native) {
      await activate('tensorflow');
      return 'tensorflow';
    }
    if (choice === 'tensorflow') throw new RunError(`backend tensorflow is not available: ${native.reason}`);
    reporter.info(`backend: tensorflow not available (${native.reason}); using wasm`);
  }
  if (choice === 'wasm' || choice === 'auto') {
    try {
      await activate('wasm');
      return 'wasm';
    } catch (err) {
      if (choice === 'wasm') throw err;
      reporter.info(`backend: wasm failed (${(err as Error).message}); using cpu`);
    }
  }
  await activate('cpu');
  return 'cpu';
}
