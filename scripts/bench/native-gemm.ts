/**
 * A quick speed check of the native addon's sgemm (not part of CI): GFLOP/s of a 1024x1024x1024 product and of
 * the batched [128 x (50x64) @ (64x50)], on 1 and 2 threads, with OpenBLAS (where it loads) and with the
 * builtin kernel (MEMREC_NATIVE_BLAS=builtin, which the addon reads when it loads, hence one child process
 * per kernel). Takes a few seconds.
 *
 * Usage: node dist/scripts/bench/native-gemm.js
 */
import { spawnSync } from 'node:child_process';
import { loadNativeAddon, type NativeAddon } from '../../src/compute/native/addon';

interface Shape {
  label: string;
  batch: number;
  m: number;
  k: number;
  n: number;
}

interface Row {
  kernel: string;
  threads: number;
  gflops: number[]; // one per shape
}

const SHAPES: Shape[] = [
  { label: '1024x1024x1024', batch: 1, m: 1024, k: 1024, n: 1024 },
  { label: '128 x (50x64 @ 64x50)', batch: 128, m: 50, k: 64, n: 50 },
];
const THREADS = [1, 2];
const SECONDS_PER_SHAPE = 0.5;

function filled(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
}

/** The best GFLOP/s over repeated calls, after one warm-up call. */
function measure(addon: NativeAddon, { batch, m, k, n }: Shape): number {
  const a = filled(batch * m * k);
  const b = filled(batch * k * n);
  const out = new Float32Array(batch * m * n);
  const call = (): void => addon.matmul(a, b, out, batch, batch, m, k, n, false, false);
  call();
  let best = Infinity;
  const start = process.hrtime.bigint();
  for (let reps = 0; reps < 3 || Number(process.hrtime.bigint() - start) < SECONDS_PER_SHAPE * 1e9; reps++) {
    const t0 = process.hrtime.bigint();
    call();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return (2 * batch * m * k * n) / best / 1e9;
}

/** Rows for the kernel this process loaded, printed as JSON for the parent. */
function child(): void {
  const loaded = loadNativeAddon();
  if (!('addon' in loaded)) throw new Error(`native addon: ${loaded.reason}`);
  const { addon } = loaded;
  const rows: Row[] = THREADS.map((threads) => {
    addon.setThreads(threads);
    return { kernel: addon.info().blas, threads, gflops: SHAPES.map((shape) => measure(addon, shape)) };
  });
  console.log(JSON.stringify(rows));
}

function runChild(env: NodeJS.ProcessEnv): Row[] {
  const result = spawnSync(process.execPath, [__filename, '--child'], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`benchmark child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Row[];
}

function main(): void {
  const rows = runChild(process.env);
  if (rows[0].kernel !== 'builtin') rows.push(...runChild({ ...process.env, MEMREC_NATIVE_BLAS: 'builtin' }));
  const header = ['kernel', 'threads', ...SHAPES.map((s) => `${s.label} GFLOP/s`)];
  const lines = rows.map((r) => [r.kernel, String(r.threads), ...r.gflops.map((g) => g.toFixed(1))]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) {
    console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  }
}

if (process.argv.includes('--child')) child();
else main();
