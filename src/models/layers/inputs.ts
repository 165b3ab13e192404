import type { UserLists } from '../../data/interactions';

/**
 * The last `length` items of each user's history as shifted inputs (item + 1; 0 = padding on the left):
 * the same layout the trainer's sequence and window batches use. [users.length, length] row-major.
 */
export function lastItems(history: UserLists, users: Int32Array, length: number): Int32Array {
  const out = new Int32Array(users.length * length);
  for (let b = 0; b < users.length; b++) {
    const end = history.offsets[users[b] + 1];
    const count = Math.min(length, end - history.offsets[users[b]]);
    const row = out.subarray(b * length, (b + 1) * length);
    row.set(history.items.subarray(end - count, end), length - count);
    for (let k = length - count; k < length; k++) row[k] += 1;
  }
  return out;
}
