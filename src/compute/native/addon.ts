/**
 * Loads memrec's native compute addon (native/*.cc, built by node-gyp into build/Release during `npm ci`).
 * Every function is synchronous and works in place on the typed arrays it is given, honouring their byteOffset;
 * a wrong type, length or shape throws a TypeError or RangeError.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeInfo {
  /** The sgemm in use: OpenBLAS (dlopen'ed at load, one thread per call) or the addon's own kernel. */
  blas: 'openblas' | 'builtin';
  /** The OpenBLAS library file, when one is loaded. */
  blasPath?: string;
  /** The size of the addon's thread pool (the caller's thread included). */
  threads: number;
  /** The instruction set the builtin kernel was compiled for: 'avx512', 'avx2' or 'generic'. */
  simd: string;
}

export interface NativeAddon {
  /**
   * out[i] = op(a[i or 0]) @ op(b[i or 0]) for each i below the broadcast batch (a batch of 1 broadcasts).
   * a is [batchA, m, k] ([batchA, k, m] when transposeA), b is [batchB, k, n] ([batchB, n, k] when
   * transposeB), out is [batch, m, n], all row-major and of exactly those lengths; out shares no memory with
   * a or b. k = 0 fills out with zeros.
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batchA: number,
    batchB: number,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  /**
   * out [numSegments, innerSize] = the sum of the rows of data [segmentIds.length, innerSize] per segment id,
   * added in row order; ids outside [0, numSegments) are skipped.
   */
  unsortedSegmentSum(
    data: Float32Array,
    segmentIds: Int32Array,
    numSegments: number,
    innerSize: number,
    out: Float32Array,
  ): void;
  /** Resizes the thread pool (1 to 64 threads; the default is min(2, hardware threads)). */
  setThreads(n: number): void;
  info(): NativeInfo;
}

export type NativeLoad = { addon: NativeAddon } | { reason: string };

const EXPORTS: readonly (keyof NativeAddon)[] = ['matmul', 'unsortedSegmentSum', 'setThreads', 'info'];

let loaded: NativeLoad | undefined;

/** The path of the built addon: build/Release under the package root (found from here, in src or dist). */
export function nativeAddonPath(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'build', 'Release', 'memrec_native.node');
}

/** The addon, or a one-line reason why it is not available. Loads once; later calls return the same result. */
export function loadNativeAddon(): NativeLoad {
  loaded ??= load();
  return loaded;
}

function load(): NativeLoad {
  if (process.env.MEMREC_NATIVE === 'off') return { reason: 'disabled by MEMREC_NATIVE=off' };
  const file = nativeAddonPath();
  if (!existsSync(file)) return { reason: `not built: ${file} is missing (run make native)` };
  let module: Partial<Record<keyof NativeAddon, unknown>>;
  try {
    module = require(file) as typeof module;
  } catch (err) {
    return { reason: `${file} failed to load: ${firstLine(err)}` };
  }
  const missing = EXPORTS.filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0) return { reason: `${file} lacks ${missing.join(', ')} (stale build? run make native)` };
  return { addon: module as NativeAddon };
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
