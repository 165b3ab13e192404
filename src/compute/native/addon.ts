/**
 * Loads memrec's native compute addon (native/*.cc, built by node-gyp into build/Release during `npm ci`).
 * Every function is synchronous and works in place on the typed arrays it is given, honouring their byteOffset;
 * a wrong type, length or shape throws a TypeError or RangeError.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The name of the tfjs backend that runs on the addon's kernels. */
export const NATIVE_BACKEND = 'native';

export interface NativeInfo {
  /** The sgemm in use: OpenBLAS (dlopen'ed at load, one thread per call) or the addon's own kernel. */
  blas: 'openblas' | 'builtin';
  /** The OpenBLAS library file, when one is loaded. */
  blasPath?: string;
  /** OpenBLAS's openblas_get_config(): its version, build options and the CPU core its kernels were chosen for. */
  blasConfig?: string;
  /** The threads OpenBLAS reports it uses per call (always 1: a library that cannot be held to one is not used). */
  blasThreads?: number;
  /** The size of the addon's thread pool (the caller's thread included). */
  threads: number;
  /** The instruction set the builtin kernel was compiled for: 'avx512', 'avx2' or 'generic'. */
  simd: string;
}

/** The binary ops of `NativeAddon.binary`: tfjs's Add, Sub, Multiply, RealDiv, Maximum, Minimum, SquaredDifference, Pow. */
export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'squaredDifference' | 'pow';

/** The unary ops of `NativeAddon.unary`, named after tfjs's kernels (step: x > 0 ? 1 : alpha). */
export type UnaryOpName =
  | 'neg'
  | 'floor'
  | 'step'
  | 'relu'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'exp'
  | 'log'
  | 'sigmoid'
  | 'tanh'
  | 'abs'
  | 'softplus'
  | 'reciprocal';

/** The reductions of `NativeAddon.reduce`. */
export type ReduceOpName = 'sum' | 'mean' | 'max';

/**
 * The kernels below return, bit for bit or nearly, what tfjs-cpu computes (which rounds JS doubles to float32):
 * + - * / sqrt are the float32 operations themselves; exp, log, tanh, pow and the like are computed in double
 * and rounded once, as in JS (by libm, or for exp, sigmoid and tanh by the addon's own vectorized code, either
 * of which may differ from V8's in the last bits of the double, so rarely in the float32). Threaded kernels
 * split their output into fixed parts, so their results do not depend on the thread count or on timing.
 */
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
  /**
   * out [outShape] = a [aShape] op b [bShape] with numpy broadcasting: the shapes are aligned on the right and
   * outShape must be their broadcast (each dimension of a or b equals outShape's or is 1). Math.max/min and
   * Math.pow semantics for NaN, -0 and 1 ** NaN.
   */
  binary(
    op: BinaryOpName,
    a: Float32Array,
    aShape: readonly number[],
    b: Float32Array,
    bShape: readonly number[],
    out: Float32Array,
    outShape: readonly number[],
  ): void;
  /** out[i] = op(x[i]); out has x's length; alpha is step's value for x <= 0 (NaN stays NaN), else ignored. */
  unary(op: UnaryOpName, x: Float32Array, out: Float32Array, alpha: number): void;
  /** out = inputs[0] + inputs[1] + ..., elementwise, added in float32 in that order (tfjs-cpu's AddN). */
  addN(inputs: readonly Float32Array[], out: Float32Array): void;
  /**
   * out = x [shape] reduced over `axes` (distinct, non-negative), holding the elements of the dimensions not
   * reduced in order (keepDims is the caller's reshape). Each output takes its inputs in tfjs-cpu's order (x
   * transposed to [kept..., axes in the given order...], row-major); sum adds them in double and rounds once
   * (tfjs-cpu's result exactly); mean divides each by the count in float32 first, as tfjs-cpu does; max is NaN
   * where any input is NaN, and NaN for an empty reduction.
   */
  reduce(op: ReduceOpName, x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void;
  /** out [rows, cols] = the softmax of each row of x, computed as tfjs-cpu does (max-subtract, exp, sum, divide). */
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void;
  /** out = x [shape] transposed: out's dimension i is x's dimension perm[i]. x and out: both float32 or both int32. */
  transpose<T extends Float32Array | Int32Array>(x: T, shape: readonly number[], perm: readonly number[], out: T): void;
  /**
   * out [outer, indices.length, slice] = x [outer, dimSize, slice] gathered along its middle axis. Returns -1,
   * or (leaving out untouched) the position in indices of the first index outside [0, dimSize).
   */
  gather<T extends Float32Array | Int32Array>(
    x: T,
    indices: Int32Array,
    outer: number,
    dimSize: number,
    slice: number,
    out: T,
  ): number;
  /**
   * values and indices [rows, k]: each row of x [rows, cols]'s k largest values and their columns, by value
   * descending and equal values by lower column first (tfjs-cpu's order); NaN ranks below every number.
   */
  topk(x: Float32Array, rows: number, cols: number, k: number, values: Float32Array, indices: Int32Array): void;
  /** Resizes the thread pool (1 to 64 threads; the default is min(2, hardware threads)). */
  setThreads(n: number): void;
  info(): NativeInfo;
}

export type NativeLoad = { addon: NativeAddon } | { reason: string };

const EXPORTS: readonly (keyof NativeAddon)[] = [
  'matmul',
  'unsortedSegmentSum',
  'binary',
  'unary',
  'addN',
  'reduce',
  'softmax',
  'transpose',
  'gather',
  'topk',
  'setThreads',
  'info',
];

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

/**
 * What decides the native backend's bits, for a run's metrics.json: the sgemm that ran (`openblas`, with its
 * library file and openblas_get_config(), whose core name is the CPU its kernels were chosen for, and its
 * threads per call; or the addon's `builtin` kernel), the size of the addon's thread pool (which does not change
 * results) and the instruction set the addon was compiled for. Null when the addon does not load.
 */
export function nativeEnvironment(): Record<string, string | number> | null {
  const loaded = loadNativeAddon();
  if (!('addon' in loaded)) return null;
  const info = loaded.addon.info();
  return {
    gemm: info.blas,
    ...(info.blasPath === undefined ? {} : { gemm_library: info.blasPath }),
    ...(info.blasConfig === undefined ? {} : { gemm_config: info.blasConfig }),
    ...(info.blasThreads === undefined ? {} : { gemm_threads_per_call: info.blasThreads }),
    threads: info.threads,
    simd: info.simd,
  };
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
