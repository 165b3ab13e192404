import type { Interactions, UserLists } from '../data/interactions';

/**
 * A split, as boundaries into the dataset's arrays rather than copies. Each user's interactions are laid out
 * in "slots" offsets[u] .. offsets[u+1]-1; slot s holds interaction position order[s] (or s itself when order
 * is null). Per user: training slots [offsets[u], trainEnd[u]), validation [trainEnd[u], validEnd[u]), test
 * [validEnd[u], offsets[u+1]). Within each part the positions are in time order.
 */
export interface Split {
  readonly method: string;
  readonly order: Int32Array | null;
  readonly trainEnd: Int32Array;
  readonly validEnd: Int32Array;
}

export type SplitPart = 'train' | 'valid' | 'test';

function partBounds(data: Interactions, split: Split, part: SplitPart, u: number): [number, number] {
  switch (part) {
    case 'train':
      return [data.offsets[u], split.trainEnd[u]];
    case 'valid':
      return [split.trainEnd[u], split.validEnd[u]];
    case 'test':
      return [split.validEnd[u], data.offsets[u + 1]];
  }
}

/**
 * The interaction positions of the given parts, per user, in time order (parts merged by position).
 * `['train', 'valid']` is the history a model conditions on when it predicts the test part.
 */
export function partPositions(data: Interactions, split: Split, parts: readonly SplitPart[]): UserLists {
  const offsets = new Int32Array(data.numUsers + 1);
  for (let u = 0; u < data.numUsers; u++) {
    let length = 0;
    for (const part of parts) {
      const [start, end] = partBounds(data, split, part, u);
      length += end - start;
    }
    offsets[u + 1] = offsets[u] + length;
  }
  const positions = new Int32Array(offsets[data.numUsers]);
  for (let u = 0; u < data.numUsers; u++) {
    let at = offsets[u];
    for (const part of parts) {
      const [start, end] = partBounds(data, split, part, u);
      if (split.order) positions.set(split.order.subarray(start, end), at);
      else for (let s = start; s < end; s++) positions[at + s - start] = s;
      at += end - start;
    }
    if (parts.length > 1) positions.subarray(offsets[u], offsets[u + 1]).sort();
  }
  return { offsets, items: positions };
}

/** The items (and their timestamps) of the given parts, per user, in time order. */
export function partItems(
  data: Interactions,
  split: Split,
  parts: readonly SplitPart[],
): { lists: UserLists; timestamps: Float64Array } {
  const { offsets, items: positions } = partPositions(data, split, parts);
  const items = new Int32Array(positions.length);
  const timestamps = new Float64Array(positions.length);
  for (let k = 0; k < positions.length; k++) {
    items[k] = data.items[positions[k]];
    timestamps[k] = data.timestamps[positions[k]];
  }
  return { lists: { offsets, items }, timestamps };
}

/** Counts per part, for the run's summary. */
export function splitCounts(data: Interactions, split: Split): Record<SplitPart, number> {
  const counts = { train: 0, valid: 0, test: 0 };
  for (let u = 0; u < data.numUsers; u++) {
    for (const part of ['train', 'valid', 'test'] as const) {
      const [start, end] = partBounds(data, split, part, u);
      counts[part] += end - start;
    }
  }
  return counts;
}
