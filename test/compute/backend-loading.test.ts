import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTensorflow } from '../../src/compute/backend';
import { findGpuDevices, findVulkanDrivers, findVulkanLoader, probeWebgpu, type WebgpuProbe } from '../../src/compute/webgpu';

/** A `require` stand-in: names in `missing` are not installed, names in `failing` throw their message. */
function loader(missing: string[], failing: Record<string, string> = {}): (name: string) => unknown {
  return (name) => {
    if (missing.includes(name)) throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    if (name in failing) throw new Error(failing[name]);
    return {};
  };
}

test('tensorflow: neither tfjs-node package installed gives both reasons, in the order auto tries them', () => {
  assert.deepEqual(loadTensorflow(loader(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])), {
    reason: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
  });
});

test('tensorflow: a tfjs-node-gpu that fails to load (no CUDA) is passed over for tfjs-node, and its error kept', () => {
  const cuda = 'libcudart.so.11.0: cannot open shared object file: No such file or directory\n    at Module._extensions';
  assert.deepEqual(loadTensorflow(loader([], { '@tensorflow/tfjs-node-gpu': cuda })), { loaded: '@tensorflow/tfjs-node' });
  assert.deepEqual(loadTensorflow(loader(['@tensorflow/tfjs-node'], { '@tensorflow/tfjs-node-gpu': cuda })), {
    reason: '@tensorflow/tfjs-node-gpu: libcudart.so.11.0: cannot open shared object file: No such file or directory; @tensorflow/tfjs-node is not installed',
  });
  assert.deepEqual(loadTensorflow(loader([])), { loaded: '@tensorflow/tfjs-node-gpu' });
});

/** A `webgpu` package stand-in whose adapter is `adapter` (null: none). */
function webgpuPackage(adapter: unknown): unknown {
  return { create: () => ({ requestAdapter: async () => adapter }), globals: {} };
}

function machine(parts: Partial<WebgpuProbe>): WebgpuProbe {
  return { load: () => webgpuPackage(null), vulkanLoader: () => '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', vulkanDrivers: () => ['/usr/share/vulkan/icd.d/nvidia_icd.json'], ...parts };
}

test('webgpu: each missing piece is named: the package, the Vulkan loader, a driver, an adapter', { skip: process.platform !== 'linux' && 'the loader and driver checks are Linux-only' }, async () => {
  assert.deepEqual(await probeWebgpu(machine({ load: loader(['webgpu']) })), {
    reason: 'the optional npm package webgpu is not installed (npm install webgpu)',
  });
  assert.deepEqual(await probeWebgpu(machine({ load: loader([], { webgpu: 'dawn.node: invalid ELF header' }) })), {
    reason: 'the npm package webgpu did not load: dawn.node: invalid ELF header',
  });
  assert.match((await probeWebgpu(machine({ vulkanLoader: () => null })) as { reason: string }).reason, /^the Vulkan loader \(libvulkan\.so\.1\) is missing: install Debian's libvulkan1/);
  assert.match((await probeWebgpu(machine({ vulkanDrivers: () => [] })) as { reason: string }).reason, /^no Vulkan driver: no ICD file/);
  assert.match((await probeWebgpu(machine({})) as { reason: string }).reason, /^no WebGPU adapter: the Vulkan loader found no driver Dawn accepts/);
});

test('webgpu: llvmpipe is a software adapter, an NVIDIA GPU is not', { skip: process.platform !== 'linux' && 'Linux-only checks' }, async () => {
  const llvmpipe = { info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' } };
  const nvidia = { info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' } };
  assert.deepEqual(await probeWebgpu(machine({ load: () => webgpuPackage(llvmpipe) })), {
    adapter: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7', software: true },
  });
  assert.deepEqual(await probeWebgpu(machine({ load: () => webgpuPackage(nvidia) })), {
    adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3', software: false },
  });
  assert.equal((await probeWebgpu(machine({ load: () => webgpuPackage({ ...nvidia, isFallbackAdapter: true }) })) as { adapter: { software: boolean } }).adapter.software, true);
});

test('the Vulkan loader is looked for on LD_LIBRARY_PATH first; drivers named by VK_DRIVER_FILES or in icd.d folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memrec-vulkan-'));
  writeFileSync(join(dir, 'libvulkan.so.1'), '');
  assert.equal(findVulkanLoader({ LD_LIBRARY_PATH: `/nonexistent:${dir}` }), join(dir, 'libvulkan.so.1'));
  mkdirSync(join(dir, 'vulkan', 'icd.d'), { recursive: true });
  writeFileSync(join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
  writeFileSync(join(dir, 'vulkan', 'icd.d', 'README'), '');
  assert.ok(findVulkanDrivers({ XDG_DATA_DIRS: dir }).includes(join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json')));
  assert.ok(!findVulkanDrivers({ XDG_DATA_DIRS: dir }).includes(join(dir, 'vulkan', 'icd.d', 'README')));
  assert.deepEqual(findVulkanDrivers({ VK_DRIVER_FILES: `${join(dir, 'missing.json')}:${join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json')}` }), [join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json')]);
});

test('GPU device nodes: NVIDIA, DRM render nodes, AMD kfd and WSL dxg count; a card node or nvidiactl alone does not', () => {
  const dev = mkdtempSync(join(tmpdir(), 'memrec-dev-'));
  assert.deepEqual(findGpuDevices(dev), []);
  for (const name of ['nvidiactl', 'nvidia-uvm', 'null', 'tty0']) writeFileSync(join(dev, name), '');
  mkdirSync(join(dev, 'dri'));
  writeFileSync(join(dev, 'dri', 'card0'), '');
  assert.deepEqual(findGpuDevices(dev), []);
  writeFileSync(join(dev, 'nvidia0'), '');
  writeFileSync(join(dev, 'dri', 'renderD128'), '');
  writeFileSync(join(dev, 'kfd'), '');
  writeFileSync(join(dev, 'dxg'), '');
  assert.deepEqual(findGpuDevices(dev).sort(), [join(dev, 'dri', 'renderD128'), join(dev, 'dxg'), join(dev, 'kfd'), join(dev, 'nvidia0')].sort());
});
