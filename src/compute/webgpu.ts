/**
 * Starts tfjs's WebGPU backend in Node through Dawn, from the optional npm package `webgpu` (its prebuilt
 * dawn.node), on the machine's Vulkan driver: an NVIDIA or AMD GPU through its driver's Vulkan ICD, or, for
 * development and CI, Mesa's software rasteriser llvmpipe (Mesa 25 from Debian's bookworm-backports; Debian
 * 12's own Mesa 22.3 is refused by Dawn). Each missing piece gives a one-line reason naming it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What Dawn reports of the adapter it found. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a CPU rasteriser (llvmpipe, SwiftShader): correct, and slower than memrec's native kernels */
  software: boolean;
}

/** The GPU entry point `webgpu` creates (the browser's navigator.gpu); only what memrec calls of it. */
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>>; isFallbackAdapter?: boolean } | null>;
}

interface WebgpuPackage {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

/** The file names the Vulkan loader has on Linux; Dawn opens the first. */
const VULKAN_LOADER = 'libvulkan.so.1';
const LIBRARY_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib'];

/**
 * The Vulkan drivers' manifests (ICD files) the loader would read: those VK_DRIVER_FILES or VK_ICD_FILENAMES
 * name, else the *.json files of the standard folders. Checked before Dawn starts, so that a machine without
 * a driver gets one line of memrec's instead of Dawn's warnings.
 */
export function findVulkanDrivers(env: NodeJS.ProcessEnv = process.env): string[] {
  const named = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  if (named !== undefined) return named.split(':').filter((file) => file !== '' && existsSync(file));
  const dataDirs = (env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').filter((d) => d !== '');
  const dirs = ['/etc/vulkan/icd.d', ...dataDirs.map((d) => join(d, 'vulkan', 'icd.d'))];
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

/** Where the Vulkan loader is, or null: LD_LIBRARY_PATH's folders first, then the system's. */
export function findVulkanLoader(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LIBRARY_DIRS];
  for (const dir of dirs) {
    const path = join(dir, VULKAN_LOADER);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * The device nodes a GPU driver creates on Linux: NVIDIA's /dev/nvidia0.., a DRM render node
 * /dev/dri/renderD* (AMD, Intel, Mesa's hardware drivers), AMD's compute node /dev/kfd, WSL's /dev/dxg. With
 * none of them Dawn can find only a software rasteriser, so `auto` does not start it: starting it costs a
 * second and prints Dawn's limit warnings on every run.
 */
export function findGpuDevices(devDir = '/dev'): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const top = list(devDir).filter((name) => /^nvidia\d+$/.test(name) || name === 'kfd' || name === 'dxg').map((name) => join(devDir, name));
  const render = list(join(devDir, 'dri')).filter((name) => name.startsWith('renderD')).map((name) => join(devDir, 'dri', name));
  return [...top, ...render];
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software/i;

function describe(raw: Awaited<ReturnType<Gpu['requestAdapter']>>): AdapterInfo {
  const info = raw?.info ?? {};
  const adapter = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const software = raw?.isFallbackAdapter === true || SOFTWARE.test(`${adapter.architecture} ${adapter.device} ${adapter.description}`);
  return { ...adapter, software };
}

/** One line naming the adapter, e.g. "NVIDIA H100 80GB HBM3 (nvidia)". */
export function adapterLabel(adapter: AdapterInfo): string {
  const name = adapter.description || adapter.device || 'unnamed adapter';
  return `${name}${adapter.vendor ? ` (${adapter.vendor}${adapter.software ? ', software' : ''})` : adapter.software ? ' (software)' : ''}`;
}

/** What probeWebgpu needs of the machine: `require`, the Vulkan loader and drivers (a test's stand-ins). */
export interface WebgpuProbe {
  load: (name: string) => unknown;
  vulkanLoader: () => string | null;
  vulkanDrivers: () => string[];
}

const MACHINE: WebgpuProbe = { load: require, vulkanLoader: () => findVulkanLoader(), vulkanDrivers: () => findVulkanDrivers() };

let started: Promise<{ adapter: AdapterInfo } | { reason: string }> | null = null;

/**
 * Makes WebGPU available to tfjs (globalThis.navigator.gpu and the GPU* constants Dawn defines) and finds an
 * adapter; returns it, or a one-line reason naming what is missing. Runs once; later calls share the answer.
 */
export function startWebgpu(): Promise<{ adapter: AdapterInfo } | { reason: string }> {
  started ??= probeWebgpu(MACHINE);
  return started;
}

/** startWebgpu's work, on the given machine. */
export async function probeWebgpu(machine: WebgpuProbe): Promise<{ adapter: AdapterInfo } | { reason: string }> {
  let pkg: WebgpuPackage;
  try {
    pkg = machine.load('webgpu') as WebgpuPackage;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      reason: e.code === 'MODULE_NOT_FOUND'
        ? 'the optional npm package webgpu is not installed (npm install webgpu)'
        : `the npm package webgpu did not load: ${e.message.split('\n')[0]}`,
    };
  }
  if (process.platform === 'linux' && machine.vulkanLoader() === null) {
    return { reason: `the Vulkan loader (${VULKAN_LOADER}) is missing: install Debian's libvulkan1, or put its folder on LD_LIBRARY_PATH` };
  }
  if (process.platform === 'linux' && machine.vulkanDrivers().length === 0) {
    return { reason: 'no Vulkan driver: no ICD file in /etc/vulkan/icd.d or /usr/share/vulkan/icd.d (a GPU driver installs one; VK_DRIVER_FILES names one elsewhere)' };
  }
  // Dawn warns when it has no runtime directory for its caches; a private one silences it.
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  // Dawn's own switches, for a machine that needs them (e.g. "backend=vulkan", "adapter=NVIDIA"): comma-separated
  const flags = (process.env.MEMREC_WEBGPU_FLAGS ?? '').split(',').filter((flag) => flag !== '');
  const gpu = pkg.create(flags);
  const raw = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (raw === null) {
    return {
      reason: "no WebGPU adapter: the Vulkan loader found no driver Dawn accepts (an NVIDIA or AMD driver with its Vulkan ICD, or Mesa >= 25's mesa-vulkan-drivers from bookworm-backports; Debian 12's own Mesa 22.3 is refused)",
    };
  }
  Object.assign(globalThis, pkg.globals);
  // Node 21+ defines a navigator of its own, without gpu
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return { adapter: describe(raw) };
}
