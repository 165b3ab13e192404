import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import seedrandom from 'seedrandom';
import { loadNativeAddon, type NativeAddon } from '../../src/compute/native/addon';
import { nativeSkipReason } from '../helpers/native';

const loaded = loadNativeAddon();
const loadedAddon = 'addon' in loaded ? loaded.addon : undefined;

const skip = nativeSkipReason();

function native(): NativeAddon {
  assert.ok(loadedAddon, `the native addon did not load: ${'reason' in loaded ? loaded.reason : ''}`);
  return loadedAddon;
}

/** Runs body with the addon's pool at `threads` threads, then restores the count it had. */
function withThreads<T>(threads: number, body: () => T): T {
  const initial = native().info().threads;
  native().setThreads(threads);
  try {
    return body();
  } finally {
    native().setThreads(initial);
  }
}

interface MatmulCase {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

interface MatmulInputs {
  a: Float32Array;
  b: Float32Array;
}

const GUARD = 12345.5;
const PAD = 3;

/** A view of `length` elements at an odd offset into a larger buffer whose other elements hold GUARD. */
function paddedView(length: number): Float32Array {
  return new Float32Array(length + 2 * PAD).fill(GUARD).subarray(PAD, PAD + length);
}

function guardsIntact(view: Float32Array): boolean {
  const whole = new Float32Array(view.buffer);
  return [...whole.subarray(0, PAD), ...whole.subarray(PAD + view.length)].every((v) => v === GUARD);
}

function randomView(length: number, rng: () => number): Float32Array {
  const view = paddedView(length);
  for (let i = 0; i < length; i++) view[i] = rng() * 2 - 1;
  return view;
}

function batchOf(c: MatmulCase): number {
  return c.batchA === 1 ? c.batchB : c.batchA;
}

function inputs(c: MatmulCase, rng: () => number): MatmulInputs {
  return { a: randomView(c.batchA * c.m * c.k, rng), b: randomView(c.batchB * c.k * c.n, rng) };
}

/** The plain triple loop in float64, and per element the bound sum |a| |b| that scales its rounding error. */
function referenceMatmul(c: MatmulCase, { a, b }: MatmulInputs): { values: Float64Array; bound: Float64Array } {
  const batch = batchOf(c);
  const values = new Float64Array(batch * c.m * c.n);
  const bound = new Float64Array(values.length);
  for (let bo = 0; bo < batch; bo++) {
    const a0 = (c.batchA === 1 ? 0 : bo) * c.m * c.k;
    const b0 = (c.batchB === 1 ? 0 : bo) * c.k * c.n;
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        let sum = 0;
        let abs = 0;
        for (let p = 0; p < c.k; p++) {
          const x = a[a0 + (c.transposeA ? p * c.m + i : i * c.k + p)];
          const y = b[b0 + (c.transposeB ? j * c.k + p : p * c.n + j)];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        values[(bo * c.m + i) * c.n + j] = sum;
        bound[(bo * c.m + i) * c.n + j] = abs;
      }
    }
  }
  return { values, bound };
}

function runMatmul(c: MatmulCase, { a, b }: MatmulInputs): Float32Array {
  const out = paddedView(batchOf(c) * c.m * c.n).fill(Number.NaN); // k = 0 must still write every element
  native().matmul(a, b, out, c.batchA, c.batchB, c.m, c.k, c.n, c.transposeA, c.transposeB);
  assert.ok(guardsIntact(out), `${describe(c)}: wrote outside out`);
  return out;
}

function describe(c: MatmulCase): string {
  const t = `${c.transposeA ? 'T' : 'N'}${c.transposeB ? 'T' : 'N'}`;
  return `[${c.batchA}|${c.batchB}] ${c.m}x${c.k}x${c.n} ${t}`;
}

/** Relative tolerance 1e-4 against the sum of |a| |b|, well above float32 rounding for these k. */
function assertClose(c: MatmulCase, got: Float32Array, want: { values: Float64Array; bound: Float64Array }): void {
  assert.equal(got.length, want.values.length);
  for (let i = 0; i < got.length; i++) {
    const error = Math.abs(got[i] - want.values[i]);
    if (!(error <= 1e-4 * want.bound[i])) {
      assert.fail(`${describe(c)}: element ${i} is ${got[i]}, expected ${want.values[i]} (bound ${want.bound[i]})`);
    }
  }
}

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

function withTransposes(shape: Omit<MatmulCase, 'transposeA' | 'transposeB'>): MatmulCase[] {
  return TRANSPOSES.map(([transposeA, transposeB]) => ({ ...shape, transposeA, transposeB }));
}

/** Shapes large enough that the addon splits them across threads. */
const LARGE_CASES: MatmulCase[] = [
  { batchA: 3, batchB: 3, m: 300, k: 200, n: 150, transposeA: false, transposeB: false }, // split over batch
  { batchA: 1, batchB: 1, m: 300, k: 200, n: 150, transposeA: true, transposeB: false }, // over rows of m
  { batchA: 1, batchB: 2, m: 8, k: 300, n: 700, transposeA: false, transposeB: true }, // over columns of n
];

/** Edge cases by hand (every transpose), then random shapes, then shapes large enough to run threaded. */
function matmulCases(rng: () => number): MatmulCase[] {
  const shapes = [
    [1, 1, 3, 5, 7],
    [1, 1, 1, 1, 1],
    [1, 1, 1, 9, 6],
    [1, 1, 6, 1, 9],
    [1, 1, 9, 6, 1],
    [1, 1, 0, 4, 5],
    [1, 1, 4, 0, 5],
    [1, 1, 4, 5, 0],
    [2, 2, 3, 0, 2],
    [3, 3, 4, 5, 6],
    [1, 4, 4, 5, 6],
    [4, 1, 4, 5, 6],
    [0, 0, 4, 5, 6],
    [1, 0, 4, 5, 6],
    [0, 1, 4, 5, 6],
    [1, 1, 13, 257, 33], // one past the builtin kernel's tile and k block
    [2, 1, 25, 600, 70],
  ].flatMap(([batchA, batchB, m, k, n]) => withTransposes({ batchA, batchB, m, k, n }));
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  const random = Array.from({ length: 30 }, (): MatmulCase => {
    const batch = int(1, 3);
    const broadcast = int(0, 2);
    return {
      batchA: broadcast === 1 ? 1 : batch,
      batchB: broadcast === 2 ? 1 : batch,
      m: int(1, 40),
      k: int(1, 40),
      n: int(1, 40),
      transposeA: rng() < 0.5,
      transposeB: rng() < 0.5,
    };
  });
  return [...shapes, ...random, ...LARGE_CASES];
}

test('the native addon loads', { skip }, () => {
  const info = native().info();
  assert.ok(info.blas === 'openblas' || info.blas === 'builtin');
  assert.ok(info.threads >= 1);
  if (process.env.MEMREC_NATIVE_BLAS === 'builtin') assert.equal(info.blas, 'builtin');
});

test('matmul matches a plain triple loop', { skip }, () => {
  const rng = seedrandom('native-matmul');
  for (const c of matmulCases(rng)) {
    const data = inputs(c, rng);
    assertClose(c, runMatmul(c, data), referenceMatmul(c, data));
  }
});

test('matmul is bit-identical run to run and on 1, 2 or 3 threads', { skip }, () => {
  const rng = seedrandom('native-matmul-determinism');
  for (const c of LARGE_CASES) {
    const data = inputs(c, rng);
    const twice = withThreads(2, () => [runMatmul(c, data), runMatmul(c, data)]);
    assert.deepEqual(bits(twice[1]), bits(twice[0]), `${describe(c)}: two runs differ`);
    assertClose(c, twice[0], referenceMatmul(c, data));
    // The output is cut into blocks by its shape alone, each block one sgemm call: OpenBLAS, whose result
    // depends on the shape of the call, gives the same bits as the builtin kernel does on any thread count.
    for (const threads of [1, 3]) {
      assert.deepEqual(bits(withThreads(threads, () => runMatmul(c, data))), bits(twice[0]), `${describe(c)}: ${threads} and 2 threads differ`);
    }
  }
});

test('matmul rejects arguments that do not describe its arrays', { skip }, () => {
  const { matmul } = native();
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(() => matmul(f(5), f(12), f(8), 1, 1, 2, 3, 4, false, false), /a has 5 elements, expected 6/);
  assert.throws(() => matmul(f(6), f(12), f(7), 1, 1, 2, 3, 4, false, false), RangeError);
  assert.throws(() => matmul(f(12), f(24), f(24), 2, 3, 2, 3, 4, false, false), /do not broadcast/);
  assert.throws(() => matmul(f(6), f(12), f(8), 1, 1, -2, 3, 4, false, false), RangeError);
  assert.throws(() => matmul(f(6), f(12), f(8), 1, 1, 2.5, 3, 4, false, false), RangeError);
  assert.throws(() => matmul(f(6), new Int32Array(12) as never, f(8), 1, 1, 2, 3, 4, false, false), TypeError);
  assert.throws(() => matmul(f(6), f(12), f(8), 1, 1, 2, 3, 4, 0 as never, false), TypeError);
  const shared = f(20);
  const [a, out] = [shared.subarray(0, 6), shared.subarray(4, 12)];
  assert.throws(() => matmul(a, f(12), out, 1, 1, 2, 3, 4, false, false), /share/);
  assert.throws(() => native().setThreads(0), RangeError);
});

interface SegmentCase {
  rows: number;
  inner: number;
  numSegments: number;
}

/** Sums each segment's rows in row order, rounding to float32 after every addition, as the addon does. */
function referenceSegmentSum(data: Float32Array, ids: Int32Array, { numSegments, inner }: SegmentCase): Float32Array {
  const out = new Float32Array(numSegments * inner);
  ids.forEach((s, row) => {
    if (s < 0 || s >= numSegments) return;
    for (let j = 0; j < inner; j++) out[s * inner + j] = Math.fround(out[s * inner + j] + data[row * inner + j]);
  });
  return out;
}

test('unsortedSegmentSum matches a plain loop exactly, skipping ids out of range', { skip }, () => {
  const rng = seedrandom('native-segment-sum');
  const cases: SegmentCase[] = [
    { rows: 7, inner: 3, numSegments: 4 },
    { rows: 5, inner: 1, numSegments: 2 },
    { rows: 4, inner: 3, numSegments: 0 },
    { rows: 0, inner: 3, numSegments: 4 },
    { rows: 4, inner: 0, numSegments: 4 },
    { rows: 3000, inner: 1, numSegments: 40 },
    { rows: 2000, inner: 300, numSegments: 37 }, // threaded over columns
    { rows: 500, inner: 1001, numSegments: 3 },
  ];
  for (const c of cases) {
    const data = randomView(c.rows * c.inner, rng);
    // Some ids are out of range: -1, and numSegments or more.
    const ids = Int32Array.from({ length: c.rows }, () => Math.floor(rng() * (c.numSegments * 1.25 + 2)) - 1);
    const want = referenceSegmentSum(data, ids, c);
    for (const threads of [1, 2]) {
      const out = paddedView(c.numSegments * c.inner).fill(Number.NaN);
      withThreads(threads, () => native().unsortedSegmentSum(data, ids, c.numSegments, c.inner, out));
      assert.ok(guardsIntact(out), `${JSON.stringify(c)}: wrote outside out`);
      assert.deepEqual(bits(out), bits(want), `${JSON.stringify(c)} on ${threads} threads`);
    }
  }
});

test('unsortedSegmentSum rejects arrays of the wrong size', { skip }, () => {
  const { unsortedSegmentSum } = native();
  const ids = new Int32Array([0, 1, 0]);
  assert.throws(() => unsortedSegmentSum(new Float32Array(5), ids, 2, 2, new Float32Array(4)), /data has 5/);
  assert.throws(() => unsortedSegmentSum(new Float32Array(6), ids, 2, 2, new Float32Array(3)), /out has 3/);
  const floatIds = new Float32Array(3) as never;
  assert.throws(() => unsortedSegmentSum(new Float32Array(6), floatIds, 2, 2, new Float32Array(4)), TypeError);
});

/** Runs node with the given environment (without the test runner's own variables) and returns its result. */
function runNode(args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, args, { env: childEnv, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('MEMREC_NATIVE=off makes loadNativeAddon return the reason', () => {
  const loader = require.resolve('../../src/compute/native/addon');
  const script = `console.log(JSON.stringify(require(${JSON.stringify(loader)}).loadNativeAddon()))`;
  const { status, output } = runNode(['-e', script], { MEMREC_NATIVE: 'off' });
  assert.equal(status, 0, output);
  assert.deepEqual(JSON.parse(output), { reason: 'disabled by MEMREC_NATIVE=off' });
});

/** Where OpenBLAS is loaded, the builtin kernel (all a machine without OpenBLAS has) is tested in a child. */
function builtinRerunSkip(): string | false {
  if (skip) return skip;
  if (loadedAddon && loadedAddon.info().blas !== 'openblas') return 'the tests above ran the builtin kernel';
  return false;
}

test('the builtin kernel passes these tests too', { skip: builtinRerunSkip() }, () => {
  native();
  const { status, output } = runNode(['--test', __filename], {
    MEMREC_NATIVE_BLAS: 'builtin',
    MEMREC_REQUIRE_NATIVE: '1',
  });
  assert.equal(status, 0, output.slice(-4000));
});
