import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs'; // registers the gradients
import seedrandom from 'seedrandom';
import { environment } from '../../src/results/environment';
import { nativeAddon, nativeSkipReason, useNative } from '../helpers/native';

/**
 * A few Adam steps of a small attention-and-softmax recommender written in tfjs ops, at shapes large enough that
 * every threaded native kernel splits its work: the products are cut into blocks over their rows, over their
 * columns and over a batch of 256 matrices, and the gather's gradient, the softmax and the reductions are
 * split too. Weights from the same seed must be bit-identical on any number of the addon's threads and of
 * OpenBLAS's (OPENBLAS_NUM_THREADS, or OMP_NUM_THREADS for an OpenMP build, which OpenBLAS reads when it
 * loads, hence the child processes).
 */
const ITEMS = 2000;
const DIM = 64;
const BATCH = 256;
const LENGTH = 20;
const STEPS = 3;

/** The weights after STEPS steps from a fixed seed, as a hash of their bytes. */
function trainedWeightsHash(): string {
  const rng = seedrandom('native-determinism');
  const uniform = (n: number): Float32Array => Float32Array.from({ length: n }, () => (rng() - 0.5) * 0.2);
  const items = tf.variable(tf.tensor2d(uniform(ITEMS * DIM), [ITEMS, DIM]));
  const mix = tf.variable(tf.tensor2d(uniform(DIM * DIM), [DIM, DIM]));
  const history = tf.tensor1d(Int32Array.from({ length: BATCH * LENGTH }, () => Math.floor(rng() * ITEMS)), 'int32');
  const targets = tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH }, () => Math.floor(rng() * ITEMS)), 'int32'), ITEMS);
  const optimizer = tf.train.adam(0.01);
  for (let step = 0; step < STEPS; step++) {
    optimizer.minimize(() => {
      const x = tf.reshape(tf.gather(items, history), [BATCH, LENGTH, DIM]);
      const attention = tf.softmax(tf.div(tf.matMul(x, x, false, true), Math.sqrt(DIM)));
      const user = tf.tanh(tf.matMul(tf.mean(tf.matMul(attention, x), 1), mix));
      return tf.losses.softmaxCrossEntropy(targets, tf.matMul(user, items, false, true));
    });
  }
  const hash = createHash('sha256');
  for (const weights of [items, mix]) hash.update(Buffer.from(weights.dataSync<'float32'>().buffer));
  optimizer.dispose();
  tf.dispose([items, mix, history, targets]);
  return hash.digest('hex');
}

/** The hash of the trained weights on each of `threads` pool sizes. */
function hashesOn(threads: readonly number[]): string[] {
  const addon = nativeAddon();
  const initial = addon.info().threads;
  try {
    return threads.map((n) => {
      addon.setThreads(n);
      return trainedWeightsHash();
    });
  } finally {
    addon.setThreads(initial);
  }
}

interface ChildReport {
  gemm: unknown;
  hashes: string[];
}

/** Run as a child: trains on the pool sizes given and prints the gemm that ran and the hashes. */
async function child(threads: number[]): Promise<void> {
  await useNative();
  const report: ChildReport = { gemm: environment('native').native, hashes: hashesOn(threads) };
  process.stdout.write(JSON.stringify(report));
}

function runChild(threads: number[], env: Record<string, string>): ChildReport {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, MEMREC_REQUIRE_NATIVE: '1' };
  delete childEnv.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, [__filename, '--child', threads.join(',')], { env: childEnv, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ChildReport;
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  void child(process.argv[childArg + 1].split(',').map(Number));
} else {
  const skip = nativeSkipReason();

  test('native training gives bit-identical weights on 1, 2 or 3 threads, whatever OpenBLAS is told', { skip }, async () => {
    await useNative();
    const [first, ...others] = hashesOn([1, 2, 3]);
    for (const [i, hash] of others.entries()) assert.equal(hash, first, `${i + 2} threads differ from 1`);
    const gemm = nativeAddon().info().blas;
    for (const threads of ['1', '4']) {
      const report = runChild([2], { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads });
      assert.deepEqual(report.hashes, [first], `OPENBLAS_NUM_THREADS=${threads} changes the weights`);
      assert.equal((report.gemm as { gemm: string }).gemm, gemm);
    }
  });

  test('the builtin gemm is bit-identical on 1 or 3 threads too, and metrics.json says which gemm ran', { skip }, () => {
    const report = runChild([1, 3], { MEMREC_NATIVE_BLAS: 'builtin' });
    assert.equal(report.hashes[1], report.hashes[0]);
    assert.deepEqual(Object.keys(report.gemm as object).sort(), ['gemm', 'simd', 'threads']);
    assert.equal((report.gemm as { gemm: string }).gemm, 'builtin');
  });

  test("environment('native') records the gemm, its library and threads; other backends record none", { skip }, () => {
    const info = nativeAddon().info();
    const native = environment('native').native as Record<string, unknown>;
    assert.equal(native.gemm, info.blas);
    assert.equal(native.threads, info.threads);
    assert.equal(native.simd, info.simd);
    if (info.blas === 'openblas') {
      assert.equal(native.gemm_threads_per_call, 1);
      assert.equal(native.gemm_library, info.blasPath);
      assert.match(String(native.gemm_config), /^OpenBLAS \d/);
    }
    assert.equal(environment('cpu').native, undefined);
  });
}
