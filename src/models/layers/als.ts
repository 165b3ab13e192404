import * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from '../../data/interactions';

/**
 * Confidence-weighted alternating least squares (Hu, Koren and Volinsky, ICDM 2008; the form CTR and CDL
 * use): with r_ij = 1 where row i holds column j and 0 elsewhere, and confidence c_ij = a there and b
 * elsewhere, one side's update given the other side's factors F [M, K] is, for every row i,
 *
 *   x_i = (b FᵀF + (a − b) Σ_{j∈obs(i)} f_j f_jᵀ + λ I)⁻¹ (a Σ_{j∈obs(i)} f_j + λ p_i)
 *
 * where p_i is the row's prior mean (CTR's topic proportions θ_j, CDL's encoder output; zero for users).
 * Rows are solved in batches: the observed factors of a batch are gathered into [B, L, K] (L = the longest
 * list in the batch, padded with a zero row; B as large as a memory budget allows), their Gram matrices come from one batched matMul, and the
 * B systems are solved together by solveSpd.
 */
export interface AlsSide {
  /** which columns each row holds, distinct (see distinctLists) */
  readonly lists: UserLists;
  readonly a: number;
  readonly b: number;
  readonly lambda: number;
}

/** A batch of rows grows while its gathered factors [B, L, K] stay within this many values (and B within MAX_ROWS). */
const BATCH_VALUES = 1 << 23;
const MAX_ROWS = 2048;

/** The largest tensor alsUpdate makes, in values, for K factors (a model's memory estimate). */
export const alsLargestTensor = (k: number): number => Math.max(BATCH_VALUES, MAX_ROWS * k * (k + 1));

/**
 * The new factors [N, K] of one side; `fixed` [M, K] is the other side, `prior` [N, K] or null (zero).
 * `batchValues` bounds each batch's gathered factors (tests set it small to cross batch boundaries).
 */
export function alsUpdate(side: AlsSide, fixed: tf.Tensor2D, prior: tf.Tensor2D | null, batchValues = BATCH_VALUES): tf.Tensor2D {
  const { lists, a, b, lambda } = side;
  const rows = lists.offsets.length - 1;
  const [m, k] = fixed.shape;
  const parts: tf.Tensor2D[] = [];
  const base = tf.tidy(() => tf.add(tf.mul(b, tf.matMul(fixed, fixed, true, false)), tf.mul(lambda, tf.eye(k))));
  // row m of the padded table is zero: the padding of short lists adds nothing to a Gram matrix or a sum
  const padded = tf.concat([fixed, tf.zeros([1, k])]);
  for (let start = 0, end = 0; start < rows; start = end) {
    end = batchEnd(lists, start, k, batchValues);
    const { index, width } = paddedIndex(lists, start, end, m);
    parts.push(
      tf.tidy(() => {
        const gathered = tf.reshape(tf.gather(padded, tf.tensor1d(index, 'int32')), [end - start, width, k]) as tf.Tensor3D;
        const gram = tf.add(base, tf.mul(a - b, tf.matMul(gathered, gathered, true, false))) as tf.Tensor3D;
        let rhs = tf.mul(a, tf.sum(gathered, 1)) as tf.Tensor2D;
        if (prior) rhs = tf.add(rhs, tf.mul(lambda, tf.slice(prior, [start, 0], [end - start, k])));
        return solveSpd(gram, rhs);
      }),
    );
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose([...parts, base, padded]);
  return out;
}

/** The end of the batch of rows from `start`: as many rows as fit `batchValues` padded to the longest, at least one. */
function batchEnd(lists: UserLists, start: number, k: number, batchValues: number): number {
  const rows = lists.offsets.length - 1;
  let width = 1;
  let end = start;
  while (end < rows && end - start < MAX_ROWS) {
    const next = Math.max(width, lists.offsets[end + 1] - lists.offsets[end]);
    if (end > start && (end + 1 - start) * next * k > batchValues) break;
    width = next;
    end++;
  }
  return end;
}

/** Rows start..end-1 of `lists` as a [rows × width] index table padded with `pad`. */
function paddedIndex(lists: UserLists, start: number, end: number, pad: number): { index: Int32Array; width: number } {
  let width = 1;
  for (let r = start; r < end; r++) width = Math.max(width, lists.offsets[r + 1] - lists.offsets[r]);
  const index = new Int32Array((end - start) * width).fill(pad);
  for (let r = start; r < end; r++) index.set(lists.items.subarray(lists.offsets[r], lists.offsets[r + 1]), (r - start) * width);
  return { index, width };
}

/**
 * x with A x = rhs for a batch of symmetric positive definite A [B, K, K] and rhs [B, K]: Gauss-Jordan
 * elimination in K steps, each a rank-one update of every system at once. No pivoting: an SPD matrix has
 * positive pivots, and elimination without pivoting is stable for it.
 */
export function solveSpd(matrices: tf.Tensor3D, rhs: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, k] = [matrices.shape[0], matrices.shape[1]];
    // [A | rhs] as one [B, K, K + 1] system
    let system = tf.concat([matrices, tf.expandDims(rhs, 2)], 2) as tf.Tensor3D;
    for (let step = 0; step < k; step++) {
      const pivotRow = tf.slice(system, [0, step, 0], [batch, 1, k + 1]);
      const pivot = tf.slice(pivotRow, [0, 0, step], [batch, 1, 1]);
      const normalised = tf.div(pivotRow, pivot);
      // column `step` minus e_step: every other row loses its multiple of the pivot row, the pivot row becomes normalised
      const unit = tf.reshape(tf.oneHot(tf.tensor1d([step], 'int32'), k), [1, k, 1]);
      const factors = tf.sub(tf.slice(system, [0, 0, step], [batch, k, 1]), unit);
      system = tf.sub(system, tf.mul(factors, normalised)) as tf.Tensor3D;
    }
    return tf.reshape(tf.slice(system, [0, 0, k], [batch, k, 1]), [batch, k]) as tf.Tensor2D;
  });
}

/** Each row's distinct entries (repeated interactions count once: r_ij is 0 or 1), in first-seen order. */
export function distinctLists(lists: UserLists, width: number): UserLists {
  const offsets = new Int32Array(lists.offsets.length);
  const items: number[] = [];
  const seen = new Int32Array(width).fill(-1);
  for (let r = 0; r + 1 < lists.offsets.length; r++) {
    for (let p = lists.offsets[r]; p < lists.offsets[r + 1]; p++) {
      const item = lists.items[p];
      if (seen[item] === r) continue;
      seen[item] = r;
      items.push(item);
    }
    offsets[r + 1] = items.length;
  }
  return { offsets, items: Int32Array.from(items) };
}

/** The transposed lists: for each column, the rows that hold it (rows ascending). */
export function transposeLists(lists: UserLists, columns: number): UserLists {
  const offsets = new Int32Array(columns + 1);
  for (const item of lists.items) offsets[item + 1]++;
  for (let c = 0; c < columns; c++) offsets[c + 1] += offsets[c];
  const next = offsets.slice(0, columns);
  const items = new Int32Array(lists.items.length);
  for (let r = 0; r + 1 < lists.offsets.length; r++) {
    for (let p = lists.offsets[r]; p < lists.offsets[r + 1]; p++) items[next[lists.items[p]]++] = r;
  }
  return { offsets, items };
}
