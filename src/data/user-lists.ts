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
