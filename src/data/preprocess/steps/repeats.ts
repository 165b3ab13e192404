import type { Interactions } from '../../interactions';
import { keepPositions } from '../select';
import { strArg, type PreprocessStep } from '../step';

/**
 * scope=all keeps each user's first interaction with an item; scope=consecutive drops an interaction that
 * repeats the user's previous one (re-consumption later on is kept).
 */
export const dedupe: PreprocessStep = {
  name: 'dedupe',
  doc: "drop repeated interactions: scope=all keeps each user's first interaction with an item, scope=consecutive drops only immediate repeats",
  params: { scope: { type: 'string', default: 'all', allowed: ['all', 'consecutive'], doc: 'which repeats to drop' } },
  apply(data: Interactions, args) {
    const keep = new Uint8Array(data.items.length);
    if (strArg(args, 'scope') === 'consecutive') {
      for (let u = 0; u < data.numUsers; u++) {
        for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) keep[p] = p === data.offsets[u] || data.items[p] !== data.items[p - 1] ? 1 : 0;
      }
    } else {
      // seenBy[i] = u + 1 once user u has had item i: one pass, no per-user set
      const seenBy = new Int32Array(data.numItems);
      for (let u = 0; u < data.numUsers; u++) {
        for (let p = data.offsets[u]; p < data.offsets[u + 1]; p++) {
          const item = data.items[p];
          if (seenBy[item] === u + 1) continue;
          seenBy[item] = u + 1;
          keep[p] = 1;
        }
      }
    }
    return keepPositions(data, keep);
  },
};

/** Keeps each user's last n interactions. */
export const recent: PreprocessStep = {
  name: 'recent',
  doc: "keep each user's most recent n interactions",
  params: { n: { type: 'int', min: 1, doc: 'interactions kept per user' } },
  apply(data, args) {
    const n = args.n as number;
    const keep = new Uint8Array(data.items.length);
    for (let u = 0; u < data.numUsers; u++) keep.fill(1, Math.max(data.offsets[u], data.offsets[u + 1] - n), data.offsets[u + 1]);
    return keepPositions(data, keep);
  },
};
