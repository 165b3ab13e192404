import type { UserLists } from './interactions';

/**
 * The one input convention of every sequence model: an item input holds item + 1, and 0 means padding.
 * Windows are left-padded, so the most recent item is always in the last column.
 */
export const PADDING = 0;

/** The input value of item `item`. */
export const shifted = (item: number): number => item + 1;

/**
 * Writes `items[from, to)` shifted, right-aligned into `row` (whose length is the window width): the last
 * `to - from` cells get the items, the cells before them stay as they are (0 in a fresh array). `to - from`
 * must not exceed the row's length.
 */
export function putShifted(row: Int32Array, items: Int32Array, from: number, to: number): void {
  const at = row.length - (to - from);
  row.set(items.subarray(from, to), at);
  for (let k = at; k < row.length; k++) row[k] += 1;
}

/**
 * The last `width` items of each user's list as shifted, left-padded inputs: [users.length, width] row-major.
 * Used both by the batch builders (the items before a prediction point) and by models when they score.
 */
export function lastWindows(lists: UserLists, users: Int32Array, width: number): Int32Array {
  const out = new Int32Array(users.length * width);
  for (let b = 0; b < users.length; b++) {
    const end = lists.offsets[users[b] + 1];
    const count = Math.min(width, end - lists.offsets[users[b]]);
    putShifted(out.subarray(b * width, (b + 1) * width), lists.items, end - count, end);
  }
  return out;
}

/**
 * The age of each input of `lastWindows(lists, users, width)` at the time of the prediction: targetTimes[b]
 * minus the input's timestamp (0 on padding), [users.length, width] float32. `timestamps` is aligned with
 * `lists.items`. Ages rather than raw times keep float32 exact enough for Unix seconds: the differences a
 * time-aware model needs (gaps between inputs, the gap to the target) are differences of ages.
 */
export function lastWindowAges(
  lists: UserLists,
  timestamps: Float64Array,
  users: Int32Array,
  width: number,
  targetTimes: Float64Array,
): Float32Array {
  const out = new Float32Array(users.length * width);
  for (let b = 0; b < users.length; b++) {
    const end = lists.offsets[users[b] + 1];
    const count = Math.min(width, end - lists.offsets[users[b]]);
    for (let k = 0; k < count; k++) out[b * width + width - count + k] = targetTimes[b] - timestamps[end - count + k];
  }
  return out;
}

/**
 * The times of the inputs of `lastWindows(lists, users, width)` minus the last input's (0 on padding), as the
 * sequences batch's `input_times`: [users.length, width] float32, for models that read only differences.
 */
export function lastWindowTimes(lists: UserLists, timestamps: Float64Array, users: Int32Array, width: number): Float32Array {
  const lastTimes = Float64Array.from(users, (u) => (lists.offsets[u + 1] > lists.offsets[u] ? timestamps[lists.offsets[u + 1] - 1] : 0));
  return lastWindowAges(lists, timestamps, users, width, lastTimes).map((age) => (age === 0 ? 0 : -age));
}
