/**
 * The one in-memory dataset type that every loader and the synthetic generator produce.
 *
 * Users' chronological sequences in CSR form: user u's interactions are positions
 * offsets[u] .. offsets[u+1]-1 of `items`, `timestamps`, and (when present) `ratings` and `behaviors`.
 * Items and users are dense 0-based indices; `userIds` / `itemIds` keep the raw ids for output files.
 * Item side information: one category per item and a CSR list of text tokens per item (with the tokens' words
 * and the items' titles when the text came from files: src/data/text/).
 * About 14 bytes per interaction (item 4, timestamp 8, rating 1, behaviour 1).
 */
export interface Interactions {
  readonly name: string;
  readonly numUsers: number;
  readonly numItems: number;
  /** length numUsers + 1, non-decreasing, offsets[0] = 0, offsets[numUsers] = items.length */
  readonly offsets: Int32Array;
  /** item index of each interaction, in time order within each user */
  readonly items: Int32Array;
  /** unix seconds of each interaction, non-decreasing within each user */
  readonly timestamps: Float64Array;
  /** rating of each interaction (1..5), or null for implicit data */
  readonly ratings: Uint8Array | null;
  /** behaviour type code of each interaction (see behaviorNames), or null */
  readonly behaviors: Uint8Array | null;
  readonly behaviorNames: readonly string[];
  /** category index of each item, -1 when unknown */
  readonly itemCategory: Int32Array;
  readonly numCategories: number;
  /** CSR: tokens of item i are itemTokens[itemTokenOffsets[i] .. itemTokenOffsets[i+1]-1] */
  readonly itemTokenOffsets: Int32Array;
  readonly itemTokens: Int32Array;
  readonly numTokens: number;
  /** the word of each token index, when the text was read from files (data.text.*); absent for generated tokens */
  readonly tokenWords?: readonly string[];
  /** each item's title for display ('' when it has none), when the text source gives titles */
  readonly itemTitles?: readonly string[];
  /** raw ids, for writing rankings and reading them back */
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
}

/** Summary statistics, saved with every run and printed by `memrec data stats`. */
export interface DatasetStats {
  users: number;
  items: number;
  interactions: number;
  density: number;
  meanSequenceLength: number;
  medianSequenceLength: number;
  minSequenceLength: number;
  maxSequenceLength: number;
  categories: number;
  /** distinct tokens in the items' documents */
  vocabulary: number;
  /** tokens per item, over all items (an item without text counts as 0) */
  meanDocumentLength: number;
}

function distinctTokens(data: Interactions): number {
  const seen = new Uint8Array(data.numTokens);
  let count = 0;
  for (const token of data.itemTokens) {
    if (seen[token] === 0) count += 1;
    seen[token] = 1;
  }
  return count;
}

export function datasetStats(data: Interactions): DatasetStats {
  const lengths = new Int32Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) lengths[u] = data.offsets[u + 1] - data.offsets[u];
  lengths.sort();
  const n = data.items.length;
  const mid = data.numUsers >> 1;
  const median =
    data.numUsers === 0 ? 0 : data.numUsers % 2 === 1 ? lengths[mid] : (lengths[mid - 1] + lengths[mid]) / 2;
  return {
    users: data.numUsers,
    items: data.numItems,
    interactions: n,
    density: data.numUsers === 0 || data.numItems === 0 ? 0 : n / (data.numUsers * data.numItems),
    meanSequenceLength: data.numUsers === 0 ? 0 : n / data.numUsers,
    medianSequenceLength: median,
    minSequenceLength: data.numUsers === 0 ? 0 : lengths[0],
    maxSequenceLength: data.numUsers === 0 ? 0 : lengths[data.numUsers - 1],
    categories: data.numCategories,
    vocabulary: distinctTokens(data),
    meanDocumentLength: data.numItems === 0 ? 0 : data.itemTokens.length / data.numItems,
  };
}

/** Checks the structural invariants; throws with the first violation. Used by loaders' tests and the cache. */
export function validateInteractions(data: Interactions): void {
  const fail = (what: string) => {
    throw new Error(`invalid dataset ${data.name}: ${what}`);
  };
  if (data.offsets.length !== data.numUsers + 1) fail('offsets length');
  if (data.offsets[0] !== 0 || data.offsets[data.numUsers] !== data.items.length) fail('offsets bounds');
  if (data.timestamps.length !== data.items.length) fail('timestamps length');
  if (data.ratings && data.ratings.length !== data.items.length) fail('ratings length');
  if (data.behaviors && data.behaviors.length !== data.items.length) fail('behaviors length');
  if (data.itemCategory.length !== data.numItems) fail('itemCategory length');
  if (data.itemTokenOffsets.length !== data.numItems + 1) fail('itemTokenOffsets length');
  if (data.userIds.length !== data.numUsers || data.itemIds.length !== data.numItems) fail('raw id lengths');
  if (data.itemTokenOffsets[0] !== 0 || data.itemTokenOffsets[data.numItems] !== data.itemTokens.length) fail('itemTokenOffsets bounds');
  for (let i = 0; i < data.numItems; i++) {
    if (data.itemTokenOffsets[i + 1] < data.itemTokenOffsets[i]) fail(`itemTokenOffsets decrease at item ${i}`);
    const category = data.itemCategory[i];
    if (category < -1 || category >= data.numCategories) fail(`category ${category} of item ${i} out of range`);
  }
  if (data.itemTokens.some((token) => token < 0 || token >= data.numTokens)) fail('token index out of range');
  if (data.tokenWords && data.tokenWords.length !== data.numTokens) fail('tokenWords length');
  if (data.itemTitles && data.itemTitles.length !== data.numItems) fail('itemTitles length');
  if (data.behaviors?.some((code) => code >= data.behaviorNames.length)) fail('behaviour code out of range');
  for (let u = 0; u < data.numUsers; u++) {
    const start = data.offsets[u];
    const end = data.offsets[u + 1];
    if (end < start) fail(`offsets decrease at user ${u}`);
    for (let p = start; p < end; p++) {
      const item = data.items[p];
      if (item < 0 || item >= data.numItems) fail(`item index ${item} out of range at position ${p}`);
      if (p > start && data.timestamps[p] < data.timestamps[p - 1]) fail(`timestamps decrease at position ${p}`);
    }
  }
}

/** A set of per-user item lists in CSR form (a split part, a ranked list, a set of targets). */
export interface UserLists {
  /** length numUsers + 1 */
  readonly offsets: Int32Array;
  readonly items: Int32Array;
}
