import type { UserLists } from './interactions';

/** How often each item occurs in `lists` (a float32 vector of length numItems): training popularity. */
export function itemCounts(lists: UserLists, numItems: number): Float32Array {
  const counts = new Float32Array(numItems);
  const items = lists.items;
  for (let p = 0; p < items.length; p++) counts[items[p]] += 1;
  return counts;
}
