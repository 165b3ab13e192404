import type { Interactions } from '../interactions';

/** New dense indices for the kept entries of a 0/1 mask (in their old order), -1 for the dropped ones. */
function denseIndex(kept: Uint8Array): { index: Int32Array; count: number } {
  const index = new Int32Array(kept.length).fill(-1);
  let count = 0;
  for (let i = 0; i < kept.length; i++) if (kept[i]) index[i] = count++;
  return { index, count };
}

function pick<T extends Int32Array | Float64Array | Uint8Array>(column: T, positions: Int32Array, make: (n: number) => T): T {
  const out = make(positions.length);
  for (let k = 0; k < positions.length; k++) out[k] = column[positions[k]];
  return out;
}

/**
 * The dataset with only the interactions where keep[p] is 1: users and items left without any interaction
 * disappear, and users, items and categories are re-indexed densely in their old order (raw ids kept), so
 * every later step and the split see a compact dataset. Each user's interactions stay in time order.
 */
export function keepPositions(data: Interactions, keep: Uint8Array): Interactions {
  const positions = new Int32Array(keep.reduce((a, b) => a + b, 0));
  const userKept = new Uint8Array(data.numUsers);
  const itemKept = new Uint8Array(data.numItems);
  const keptPerUser = new Int32Array(data.numUsers);
  let next = 0;
  for (let u = 0; u < data.numUsers; u++) {
    for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) {
      if (!keep[p]) continue;
      positions[next++] = p;
      keptPerUser[u] += 1;
      itemKept[data.items[p]] = 1;
    }
    userKept[u] = keptPerUser[u] > 0 ? 1 : 0;
  }
  const users = denseIndex(userKept);
  const items = denseIndex(itemKept);
  const offsets = new Int32Array(users.count + 1);
  for (let u = 0; u < data.numUsers; u++) if (userKept[u]) offsets[users.index[u] + 1] = keptPerUser[u];
  for (let u = 0; u < users.count; u++) offsets[u + 1] += offsets[u];
  const newItems = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) newItems[k] = items.index[data.items[positions[k]]];
  return {
    ...data,
    numUsers: users.count,
    numItems: items.count,
    offsets,
    items: newItems,
    timestamps: pick(data.timestamps, positions, (n) => new Float64Array(n)),
    ratings: data.ratings && pick(data.ratings, positions, (n) => new Uint8Array(n)),
    behaviors: data.behaviors && pick(data.behaviors, positions, (n) => new Uint8Array(n)),
    ...keptItemSide(data, itemKept, items.count),
    userIds: data.userIds.filter((_, u) => userKept[u]),
    itemIds: data.itemIds.filter((_, i) => itemKept[i]),
  };
}

/** Categories (re-indexed over the kept items), text tokens and titles of the kept items. */
function keptItemSide(data: Interactions, itemKept: Uint8Array, numItems: number) {
  const categoryUsed = new Uint8Array(data.numCategories);
  for (let i = 0; i < data.numItems; i++) if (itemKept[i] && data.itemCategory[i] >= 0) categoryUsed[data.itemCategory[i]] = 1;
  const categories = denseIndex(categoryUsed);
  const itemCategory = new Int32Array(numItems);
  const itemTokenOffsets = new Int32Array(numItems + 1);
  const tokens: number[] = [];
  let k = 0;
  for (let i = 0; i < data.numItems; i++) {
    if (!itemKept[i]) continue;
    const category = data.itemCategory[i];
    itemCategory[k] = category >= 0 ? categories.index[category] : -1;
    for (let t = data.itemTokenOffsets[i]; t < data.itemTokenOffsets[i + 1]; t++) tokens.push(data.itemTokens[t]);
    itemTokenOffsets[++k] = tokens.length;
  }
  const titles = data.itemTitles && { itemTitles: data.itemTitles.filter((_, i) => itemKept[i]) };
  return { itemCategory, numCategories: categories.count, itemTokenOffsets, itemTokens: Int32Array.from(tokens), ...titles };
}

/** keep[p] for every position p of user u: whether the user's p is kept. */
export function positionMaskByUser(data: Interactions, keepUser: (u: number) => boolean): Uint8Array {
  const keep = new Uint8Array(data.items.length);
  for (let u = 0; u < data.numUsers; u++) if (keepUser(u)) keep.fill(1, data.offsets[u], data.offsets[u + 1]);
  return keep;
}
