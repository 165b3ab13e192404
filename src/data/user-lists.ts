import * as tf from '@tensorflow/tfjs-core';
import type { UserLists } from './interactions';

/**
 * The (row, item) pairs of the lists of `users`: row b holds the items of users[b]. One typed-array copy
 * per user, no per-item work.
 */
export function rowItemPairs(lists: UserLists, users: Int32Array): { rows: Int32Array; cols: Int32Array } {
  let nnz = 0;
  for (let b = 0; b < users.length; b++) nnz += lists.offsets[users[b] + 1] - lists.offsets[users[b]];
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  let at = 0;
  for (let b = 0; b < users.length; b++) {
    const start = lists.offsets[users[b]];
    const end = lists.offsets[users[b] + 1];
    rows.fill(b, at, at + end - start);
    cols.set(lists.items.subarray(start, end), at);
    at += end - start;
  }
  return { rows, cols };
}

/**
 * A dense [users.length, numItems] float32 tensor counting how often each user's list holds each item
 * (scatterND sums repeated pairs). Zero rows for users with empty lists.
 */
export function countMatrix(lists: UserLists, users: Int32Array, numItems: number): tf.Tensor2D {
  const { rows, cols } = rowItemPairs(lists, users);
  if (rows.length === 0) return tf.zeros([users.length, numItems]);
  return tf.tidy(() => {
    const indices = tf.stack([tf.tensor1d(rows, 'int32'), tf.tensor1d(cols, 'int32')], 1);
    return tf.scatterND(indices, tf.ones([rows.length]), [users.length, numItems]);
  }) as tf.Tensor2D;
}

/** Per-user lengths of `lists` for `users`. */
export function lengthsOf(lists: UserLists, users: Int32Array): Int32Array {
  const out = new Int32Array(users.length);
  for (let b = 0; b < users.length; b++) out[b] = lists.offsets[users[b] + 1] - lists.offsets[users[b]];
  return out;
}

/** Builds CSR lists from per-user lengths and a fill callback that writes user u's items at `at`. */
export function buildLists(
  numUsers: number,
  lengthOf: (user: number) => number,
  fill: (user: number, items: Int32Array, at: number) => void,
): UserLists {
  const offsets = new Int32Array(numUsers + 1);
  for (let u = 0; u < numUsers; u++) offsets[u + 1] = offsets[u] + lengthOf(u);
  const items = new Int32Array(offsets[numUsers]);
  for (let u = 0; u < numUsers; u++) fill(u, items, offsets[u]);
  return { offsets, items };
}
