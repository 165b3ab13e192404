import type { UserLists } from '../../data/interactions';

/** Every training position's user and its index within the user's sequence. */
export interface Positions {
  readonly userOf: Int32Array;
  readonly indexInUser: Int32Array;
}

export function positionsOf(sequences: UserLists): Positions {
  const { offsets } = sequences;
  const numUsers = offsets.length - 1;
  const total = offsets[numUsers];
  const userOf = new Int32Array(total);
  const indexInUser = new Int32Array(total);
  for (let u = 0; u < numUsers; u++) {
    userOf.fill(u, offsets[u], offsets[u + 1]);
    for (let p = offsets[u]; p < offsets[u + 1]; p++) indexInUser[p] = p - offsets[u];
  }
  return { userOf, indexInUser };
}

/** The positions with at least `minIndex` items before them in their user's sequence. */
export function positionsFrom(positions: Positions, minIndex: number): Int32Array {
  const out: number[] = [];
  for (let p = 0; p < positions.userOf.length; p++) if (positions.indexInUser[p] >= minIndex) out.push(p);
  return Int32Array.from(out);
}
