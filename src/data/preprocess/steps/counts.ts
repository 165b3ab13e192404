import type { Interactions } from '../../interactions';
import { keepPositions } from '../select';
import { intArg, type PreprocessStep } from '../step';

/** Interactions per user and per item among the positions with keep[p] = 1. */
function counts(data: Interactions, keep: Uint8Array): { perUser: Int32Array; perItem: Int32Array } {
  const perUser = new Int32Array(data.numUsers);
  const perItem = new Int32Array(data.numItems);
  for (let u = 0; u < data.numUsers; u++) {
    for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) {
      if (!keep[p]) continue;
      perUser[u] += 1;
      perItem[data.items[p]] += 1;
    }
  }
  return { perUser, perItem };
}

/** Clears keep[p] where the user or the item has too few; returns how many were cleared. */
function dropRare(data: Interactions, keep: Uint8Array, minUser: number, minItem: number): number {
  const { perUser, perItem } = counts(data, keep);
  let dropped = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const rareUser = perUser[u] < minUser;
    for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) {
      if (keep[p] && (rareUser || perItem[data.items[p]] < minItem)) {
        keep[p] = 0;
        dropped += 1;
      }
    }
  }
  return dropped;
}

const COUNT_PARAMS = {
  users: { type: 'int', default: 0, min: 0, doc: 'fewest interactions a user keeps' },
  items: { type: 'int', default: 0, min: 0, doc: 'fewest interactions an item keeps' },
} as const;

/**
 * One pass: users and items are counted on the input, then both filters apply at once, as SASRec's and
 * MTAM's preprocessing do; afterwards some users or items may fall below the thresholds again.
 */
export const minCount: PreprocessStep = {
  name: 'min_count',
  doc: 'drop users with fewer than users= and items with fewer than items= interactions, both counted once on the input (single pass)',
  params: COUNT_PARAMS,
  apply(data, args) {
    const keep = new Uint8Array(data.items.length).fill(1);
    dropRare(data, keep, intArg(args, 'users'), intArg(args, 'items'));
    return keepPositions(data, keep);
  },
};

/** Repeats min_count until nothing changes: every remaining user and item meets its threshold. */
export const kCore: PreprocessStep = {
  name: 'k_core',
  doc: 'like min_count, repeated until every remaining user has at least users= and every item at least items= interactions (k-core)',
  params: COUNT_PARAMS,
  apply(data, args) {
    const keep = new Uint8Array(data.items.length).fill(1);
    while (dropRare(data, keep, intArg(args, 'users'), intArg(args, 'items')) > 0);
    return keepPositions(data, keep);
  },
};
