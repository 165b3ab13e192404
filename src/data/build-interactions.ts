import { Growable } from './growable';
import type { Interactions } from './interactions';

/** Which optional columns the rows carry. */
export interface BuilderColumns {
  readonly ratings: boolean;
  readonly behaviors: boolean;
}

/** Dense indices for raw ids, in order of first appearance. */
class IdIndex {
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];

  indexOf(id: string): number {
    let found = this.index.get(id);
    if (found === undefined) {
      found = this.ids.length;
      // A copy: V8 keeps a substring of 13+ characters as a slice of its line, which would keep the line alive.
      const own = Buffer.from(id, 'utf8').toString('utf8');
      this.index.set(own, found);
      this.ids.push(own);
    }
    return found;
  }
}

type Column = Int32Array | Float64Array | Uint8Array;

/** target[positionOf[r]] = source[r] for every row r. */
function scatter<T extends Column>(source: T, positionOf: Int32Array, target: T): T {
  for (let r = 0; r < source.length; r++) target[positionOf[r]] = source[r];
  return target;
}

function isSorted(values: Float64Array, start: number, end: number): boolean {
  for (let p = start + 1; p < end; p++) if (values[p] < values[p - 1]) return false;
  return true;
}

/**
 * Sorts each user's segment by timestamp. Within a segment positions are in file order, so breaking ties
 * by position makes the sort stable whatever the engine's sort does.
 */
function sortEachUserByTime(offsets: Int32Array, timestamps: Float64Array, others: readonly Column[]): void {
  for (let u = 0; u + 1 < offsets.length; u++) {
    const start = offsets[u];
    const end = offsets[u + 1];
    if (isSorted(timestamps, start, end)) continue;
    const order = Int32Array.from({ length: end - start }, (_, k) => start + k);
    order.sort((a, b) => timestamps[a] - timestamps[b] || a - b);
    for (const column of [timestamps, ...others]) {
      const segment = column.slice(start, end);
      for (let k = 0; k < order.length; k++) column[start + k] = segment[order[k] - start];
    }
  }
}

/**
 * Collects rows (raw user id, raw item id, timestamp, optional rating and behaviour) as they are read and
 * turns them into Interactions: users and items get dense indices in order of first appearance, and each
 * user's interactions are sorted by time, ties kept in the order they were added. Rows live in growable
 * typed arrays (18 bytes per row at most, twice that while a buffer doubles), never as objects.
 */
export class InteractionsBuilder {
  private readonly userIndex = new IdIndex();
  private readonly itemIndex = new IdIndex();
  private readonly behaviorIndex = new IdIndex();
  private readonly users = new Growable((n) => new Int32Array(n));
  private readonly items = new Growable((n) => new Int32Array(n));
  private readonly timestamps = new Growable((n) => new Float64Array(n));
  private readonly ratings: Growable<Uint8Array> | null;
  private readonly behaviors: Growable<Uint8Array> | null;
  /** raw item id -> raw category, from interaction rows or a metadata file; attached to the items at build */
  private readonly categoryOf = new Map<string, string>();

  constructor(columns: BuilderColumns = { ratings: false, behaviors: false }) {
    this.ratings = columns.ratings ? new Growable((n) => new Uint8Array(n)) : null;
    this.behaviors = columns.behaviors ? new Growable((n) => new Uint8Array(n)) : null;
  }

  /** Rows added so far. */
  get size(): number {
    return this.users.length;
  }

  /** `rating` (an integer 0..255) and `behavior` are required exactly when the builder has those columns. */
  add(user: string, item: string, timestamp: number, rating?: number, behavior?: string): void {
    if ((rating === undefined) !== (this.ratings === null) || (behavior === undefined) !== (this.behaviors === null)) {
      throw new Error('InteractionsBuilder.add: rating/behavior given without the column, or missing');
    }
    this.users.push(this.userIndex.indexOf(user));
    this.items.push(this.itemIndex.indexOf(item));
    this.timestamps.push(timestamp);
    this.ratings?.push(rating as number);
    if (this.behaviors) {
      const code = this.behaviorIndex.indexOf(behavior as string);
      if (code > 255) throw new Error('InteractionsBuilder.add: more than 256 behaviour types');
      this.behaviors.push(code);
    }
  }

  /**
   * Gives an item its category (the last call wins). Items that never appear in a row are ignored at build,
   * so a metadata file may name the whole catalogue.
   */
  setItemCategory(item: string, category: string): void {
    this.categoryOf.set(item, category);
  }

  /** Category indices of the items (-1 when unknown) in order of first appearance, and their count. */
  private itemCategories(): { itemCategory: Int32Array; numCategories: number } {
    const itemIds = this.itemIndex.ids;
    const itemCategory = new Int32Array(itemIds.length).fill(-1);
    const categories = new IdIndex();
    for (let i = 0; i < itemIds.length; i++) {
      const category = this.categoryOf.get(itemIds[i]);
      if (category !== undefined) itemCategory[i] = categories.indexOf(category);
    }
    return { itemCategory, numCategories: categories.ids.length };
  }

  build(name: string): Interactions {
    const n = this.size;
    const rowUsers = this.users.view();
    const numUsers = this.userIndex.ids.length;
    const numItems = this.itemIndex.ids.length;
    const offsets = new Int32Array(numUsers + 1);
    for (let r = 0; r < n; r++) offsets[rowUsers[r] + 1]++;
    for (let u = 0; u < numUsers; u++) offsets[u + 1] += offsets[u];
    // Counting sort by user, which keeps each user's rows in file order.
    const cursor = offsets.slice(0, numUsers);
    const positionOf = new Int32Array(n);
    for (let r = 0; r < n; r++) positionOf[r] = cursor[rowUsers[r]]++;

    const items = scatter(this.items.view(), positionOf, new Int32Array(n));
    const timestamps = scatter(this.timestamps.view(), positionOf, new Float64Array(n));
    const ratings = this.ratings ? scatter(this.ratings.view(), positionOf, new Uint8Array(n)) : null;
    const behaviors = this.behaviors ? scatter(this.behaviors.view(), positionOf, new Uint8Array(n)) : null;
    sortEachUserByTime(offsets, timestamps, [items, ...(ratings ? [ratings] : []), ...(behaviors ? [behaviors] : [])]);
    return {
      name,
      numUsers,
      numItems,
      offsets,
      items,
      timestamps,
      ratings,
      behaviors,
      behaviorNames: behaviors ? this.behaviorIndex.ids : [],
      ...this.itemCategories(),
      itemTokenOffsets: new Int32Array(numItems + 1),
      itemTokens: new Int32Array(0),
      numTokens: 0,
      userIds: this.userIndex.ids,
      itemIds: this.itemIndex.ids,
    };
  }
}
