import type { Interactions, UserLists } from '../../src/data/interactions';

/** Per-user lists in CSR form from plain arrays: userLists([[3, 5], [], [1]]). */
export function userLists(lists: readonly (readonly number[])[]): UserLists {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((list, u) => (offsets[u + 1] = offsets[u] + list.length));
  return { offsets, items: Int32Array.from(lists.flat()) };
}

/**
 * A hand-built dataset: user u's items in time order are sequences[u]. Interaction position p gets timestamp
 * p + 1; no ratings, behaviours, categories (-1) or tokens; raw ids 'u0'.. and 'i0'...
 */
export function tinyData(sequences: readonly (readonly number[])[], numItems: number): Interactions {
  const { offsets, items } = userLists(sequences);
  return {
    name: 'tiny',
    numUsers: sequences.length,
    numItems,
    offsets,
    items,
    timestamps: Float64Array.from(items, (_, p) => p + 1),
    ratings: null,
    behaviors: null,
    behaviorNames: [],
    itemCategory: new Int32Array(numItems).fill(-1),
    numCategories: 0,
    itemTokenOffsets: new Int32Array(numItems + 1),
    itemTokens: new Int32Array(0),
    numTokens: 0,
    userIds: sequences.map((_, u) => `u${u}`),
    itemIds: Array.from({ length: numItems }, (_, i) => `i${i}`),
  };
}

/** The lists as plain arrays, for deepEqual against hand-written expectations. */
export function plainLists(lists: UserLists): number[][] {
  const out: number[][] = [];
  for (let u = 0; u + 1 < lists.offsets.length; u++) {
    out.push(Array.from(lists.items.subarray(lists.offsets[u], lists.offsets[u + 1])));
  }
  return out;
}

/** One user's items of a CSR list. */
export function listOf(lists: UserLists, user: number): Int32Array {
  return lists.items.subarray(lists.offsets[user], lists.offsets[user + 1]);
}
