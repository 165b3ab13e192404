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

/** Per-user lengths of `lists` for `users`. */
export function lengthsOf(lists: UserLists, users: Int32Array): Int32Array {
  const out = new Int32Array(users.length);
  for (let b = 0; b < users.length; b++) out[b] = lists.offsets[users[b] + 1] - lists.offsets[users[b]];
  return out;
}

/**
 * Each user's last `width` items of `lists` (all of them for a shorter list), with the aligned timestamps:
 * a new CSR view, one typed-array copy per user.
 */
export function latestOfEach(lists: UserLists, timestamps: Float64Array, width: number): { lists: UserLists; timestamps: Float64Array } {
  const numUsers = lists.offsets.length - 1;
  const offsets = new Int32Array(numUsers + 1);
  for (let u = 0; u < numUsers; u++) offsets[u + 1] = offsets[u] + Math.min(width, lists.offsets[u + 1] - lists.offsets[u]);
  const items = new Int32Array(offsets[numUsers]);
  const times = new Float64Array(offsets[numUsers]);
  for (let u = 0; u < numUsers; u++) {
    const from = lists.offsets[u + 1] - (offsets[u + 1] - offsets[u]);
    items.set(lists.items.subarray(from, lists.offsets[u + 1]), offsets[u]);
    times.set(timestamps.subarray(from, lists.offsets[u + 1]), offsets[u]);
  }
  return { lists: { offsets, items }, timestamps: times };
}
