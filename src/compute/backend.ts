import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './kernels';
import { registerWasmMatMulLayout } from './kernels/wasm-matmul-layout';
import { loadNativeAddon, NATIVE_BACKEND } from './native/addon';
import { registerNativeBackend } from './native/backend';
import { BackendUnavailableError, RunError } from '../util/errors';
import { adapterLabel, findGpuDevices, startWebgpu } from './webgpu';
import type { Reporter } from '../util/reporter';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'native', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The tfjs-node packages that provide the `tensorflow` backend, GPU build first. */
const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * Loads the native TensorFlow binding (tfjs-node-gpu, else tfjs-node), which registers the `tensorflow` backend;
 * returns the package name, or the reason neither loaded: not installed, or installed and failing to load (a
 * missing libtensorflow or CUDA library). `load` is `require`, or a test's stand-in.
 */
export function loadTensorflow(load: (name: string) => unknown = require): { loaded: string } | { reason: string } {
  const reasons: string[] = [];
  for (const name of NODE_PACKAGES) {
    try {
      load(name);
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
  if (name === 'webgpu') {
    // registers itself only where navigator.gpu exists, so after startWebgpu
    require('@tensorflow/tfjs-backend-webgpu');
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

/** How to start one backend: its name and a way to try it, which returns a reason when it is not available. */
interface Candidate {
  name: Exclude<BackendChoice, 'auto'>;
  /** `explicit`: asked for by name, so a slow device (a software rasteriser) is still taken */
  start: (explicit: boolean) => Promise<string | null>;
}

const CANDIDATES: readonly Candidate[] = [
  {
    name: 'tensorflow',
    start: async () => {
      const loaded = loadTensorflow();
      if ('reason' in loaded) return loaded.reason;
      await activate('tensorflow');
      return null;
    },
  },
  {
    name: 'webgpu',
    start: async (explicit) => {
      if (!explicit && process.platform === 'linux' && findGpuDevices().length === 0) {
        return 'no GPU device node (/dev/nvidia0, /dev/dri/renderD128, /dev/kfd or /dev/dxg), so only a software rasteriser could run it (--backend webgpu takes one)';
      }
      const found = await startWebgpu();
      if ('reason' in found) return found.reason;
      if (found.adapter.software && !explicit) {
        return `only a software adapter, ${adapterLabel(found.adapter)}, slower than the CPU backends (--backend webgpu takes it)`;
      }
      await activate('webgpu');
      return null;
    },
  },
  {
    name: 'native',
    start: async () => {
      const loaded = loadNativeAddon();
      if ('reason' in loaded) return loaded.reason;
      registerNativeBackend(loaded.addon);
      await activate(NATIVE_BACKEND);
      return null;
    },
  },
  {
    name: 'wasm',
    start: async () => {
      await activate('wasm');
      return null;
    },
  },
  {
    name: 'cpu',
    start: async () => {
      await activate('cpu');
      return null;
    },
  },
];

async function webgpuAdapterLabel(): Promise<string> {
  const found = await startWebgpu();
  return 'adapter' in found ? adapterLabel(found.adapter) : 'no adapter';
}

/**
 * Chooses and activates the TensorFlow.js backend: `auto` takes tensorflow (tfjs-node-gpu / tfjs-node) when
 * it loads, else webgpu on a GPU adapter (never a software rasteriser; Dawn is not even started on a machine
 * without a GPU device node), else native (memrec's C++ kernels, built at install), else wasm, else cpu,
 * saying in one line which it took and which faster ones it passed over, and why. An explicit choice that
 * cannot be honoured is an error, never a silent fallback. Returns the active backend's name.
 */
export async function selectBackend(choice: BackendChoice, reporter: Reporter): Promise<string> {
  tf.env().set('PROD', true);
  if (choice !== 'auto') {
    const candidate = CANDIDATES.find((c) => c.name === choice) as Candidate;
    const reason = await candidate.start(true);
    if (reason) throw new BackendUnavailableError(`backend ${choice} is not available: ${reason}`);
    reporter.info(`backend: ${choice}${choice === 'webgpu' ? ` on ${await webgpuAdapterLabel()}` : ''}`);
    return choice;
  }
  const passedOver: string[] = [];
  for (const candidate of CANDIDATES) {
    let reason: string | null;
    try {
      reason = await candidate.start(false);
    } catch (err) {
      if (candidate.name === 'cpu') throw err;
      reason = (err as Error).message;
    }
    if (reason === null) {
      const on = candidate.name === 'webgpu' ? ` on ${await webgpuAdapterLabel()}` : '';
      reporter.info(`backend: ${candidate.name}${on}${passedOver.length > 0 ? `; passed over ${passedOver.join('; ')}` : ''}`);
      return candidate.name;
    }
    passedOver.push(`${candidate.name} (${reason})`);
  }
  throw new RunError('no TensorFlow.js backend could start');
}
